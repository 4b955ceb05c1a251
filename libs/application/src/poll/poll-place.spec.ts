import type { Place, QueueState } from '@foyer/domain';
import { SchedulerTick } from '../scheduler-tick/scheduler-tick.js';
import { specWorld, type SpecWorld } from '../use-case.spec-support.js';
import { PollPlace } from './poll-place.js';

type World = SpecWorld;

describe('PollPlace', () => {
  let world: World;
  let poll: PollPlace;

  /** A place taken straight from the store, and its ticket. */
  async function take(eventId: string, id: string): Promise<{ place: Place; ticket: string }> {
    const entered = await world.store.enter(eventId, id);
    if (entered.outcome !== 'PLACED') throw new Error(entered.outcome);
    return { place: entered.state.place, ticket: world.tickets.issue(entered.state.place) };
  }

  function successTokenOf(state: QueueState): string {
    if (state.status !== 'ENTER') throw new Error(`not admitted: ${state.status}`);
    return state.successToken;
  }

  beforeEach(async () => {
    world = await specWorld();
    const { store, events, tickets, successTokens, metrics } = world;
    poll = new PollPlace(store, events, events, tickets, successTokens, metrics);
  });

  it('needs a ticket we issued', async () => {
    await expect(poll.execute(null)).rejects.toMatchObject({ code: 'INVALID_TICKET' });
    await expect(poll.execute('junk')).rejects.toMatchObject({ code: 'INVALID_TICKET' });
  });

  it('tells a waiter its rank with the ticket it sent, and refuses polls sooner than the event allows', async () => {
    await world.events.save({ eventId: 'e', limitCnt: 0, minPollIntervalMs: 2_000 });
    const { ticket } = await take('e', 'u1');
    world.clock.advance(2_000);

    expect(await poll.execute(ticket)).toMatchObject({ status: 'WAIT', ticket, expectedInfo: { rank: 1 } });
    world.clock.advance(1_000);
    await expect(poll.execute(ticket)).rejects.toMatchObject({ code: 'POLL_TOO_FREQUENT', extra: { retryAfterSeconds: 1 } });
    expect(world.metrics.polls.count('event=e,outcome=WAIT')).toBe(1);
    expect(world.metrics.polls.count('event=e,outcome=POLL_TOO_FREQUENT')).toBe(1);
  });

  it('signs a session its successToken once: every later answer carries the same one', async () => {
    await world.events.save({ eventId: 'e', limitCnt: 1 });
    const first = await take('e', 'u1');
    const waiter = await take('e', 'u2');
    await world.store.exit(first.place);
    const tick = new SchedulerTick(world.store, world.events, world.events, world.metrics);
    await tick.execute();
    world.clock.advance(1_000);

    const admitted = await poll.execute(waiter.ticket);
    expect(admitted).toMatchObject({ status: 'ENTER', id: 'u2', ticket: waiter.ticket });
    world.clock.advance(1_000);
    expect(successTokenOf(await poll.execute(waiter.ticket))).toBe(successTokenOf(admitted));
  });

  it('answers EXPIRED when the session ends between the read and the save of its token', async () => {
    await world.events.save({ eventId: 'e', limitCnt: 1, blockReentry: false });
    const { ticket } = await take('e', 'u1');
    const { store, events, tickets, successTokens, metrics } = world;
    const racing = new PollPlace({ poll: (p) => store.poll(p), saveSuccessToken: async () => null }, events, events, tickets, successTokens, metrics);

    expect(await racing.execute(ticket)).toMatchObject({ status: 'EXPIRED', reason: 'SESSION_ENDED' });
  });

  it('answers a session that ran out by the clock as over', async () => {
    await world.events.save({ eventId: 'e', limitCnt: 1, sessionTtlSec: 60, blockReentry: false });
    const { ticket } = await take('e', 'u1');
    world.clock.advance(60_000);
    expect(await poll.execute(ticket)).toMatchObject({ status: 'EXPIRED', reason: 'SESSION_ENDED' });
  });

  it('answers EVENT_NOT_FOUND once the event is gone', async () => {
    await world.events.save({ eventId: 'e', limitCnt: 1 });
    const { ticket } = await take('e', 'u1');
    const other = world.tickets.issue({ eventId: 'gone', id: 'u1', seq: 1, epoch: 'epoch-1' });
    await expect(poll.execute(other)).rejects.toMatchObject({ code: 'EVENT_NOT_FOUND' });
    expect(await poll.execute(ticket)).toMatchObject({ status: 'ENTER' });
  });
});
