import { FakeClock, type Place } from '@foyer/domain';

import { MemoryQueueStore } from '../libs/queue-store/src/memory/memory-queue.store.js';
import { describeQueueStoreContract } from './queue-store.contract.js';

describeQueueStoreContract('MemoryQueueStore', async () => {
  const clock = new FakeClock();
  const store = new MemoryQueueStore({ clock });
  // The two halves of a poll, as the store runs them; `events` is private, reached here on purpose.
  const event = (place: Place) => store['events'].get(place.eventId);
  return {
    store,
    elapse: async (ms) => clock.advance(ms),
    heartbeat: async (place) => event(place)?.heartbeat(place, clock.now()) ?? 0,
    fullPoll: async (place) => event(place)?.poll(place, clock.now()) ?? { outcome: 'NO_EVENT' },
    cleanup: () => store.close(),
  };
});
