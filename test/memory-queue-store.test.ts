import { FakeClock } from '@foyer/domain';

import { MemoryQueueStore } from '../libs/queue-store/src/memory/memory-queue.store.js';
import { describeQueueStoreContract } from './queue-store.contract.js';

describeQueueStoreContract('MemoryQueueStore', async () => {
  const clock = new FakeClock();
  const store = new MemoryQueueStore({ clock });
  return {
    store,
    elapse: async (ms) => clock.advance(ms),
    cleanup: () => store.close(),
  };
});
