import { specWorld, type SpecWorld } from '../use-case.spec-support.js';
import { JournalRetention, PURGE_BATCH } from './journal-retention.js';
import { SchedulerTick, TICK_BATCH } from './scheduler-tick.js';

describe('SchedulerTick', () => {
  let world: SpecWorld;
  let tick: SchedulerTick;

  beforeEach(async () => {
    world = await specWorld();
    tick = new SchedulerTick(world.store, world.events, world.events, world.metrics);
  });

  async function enterMany(eventId: string, count: number): Promise<void> {
    for (let i = 0; i < count; i++) await world.store.enter(eventId, `u${i}`);
  }

  it('ends the sessions that ran out by the clock and admits waiters into their slots, in arrival order', async () => {
    await world.events.save({ eventId: 'e', limitCnt: 2, sessionTtlSec: 60 });
    await enterMany('e', 5);
    world.clock.advance(30_000);
    await tick.execute();
    expect(await world.store.stats('e')).toMatchObject({ active: 2, waiting: 3 });

    world.clock.advance(30_000);
    await tick.execute();
    expect(await world.store.stats('e')).toMatchObject({ active: 2, waiting: 1 });
    expect(world.metrics.expiries.count('event=e,kind=session')).toBe(2);
    expect(world.metrics.admissions.count('event=e,via=promotion')).toBe(2);
  });

  it('admits more than one batch in a tick when slots allow', async () => {
    await world.events.save({ eventId: 'e', limitCnt: 0 });
    await enterMany('e', TICK_BATCH * 2 + 5);
    await world.events.save({ eventId: 'e', limitCnt: 10_000 });
    await tick.execute();
    expect(await world.store.stats('e')).toMatchObject({ active: TICK_BATCH * 2 + 5, waiting: 0 });
  });

  it('lets waiters who stopped polling go', async () => {
    await world.events.save({ eventId: 'e', limitCnt: 0, waitTimeoutSec: 30 });
    await enterMany('e', 3);
    world.clock.advance(31_000);
    await tick.execute();
    expect(await world.store.stats('e')).toMatchObject({ waiting: 0 });
    expect(world.metrics.expiries.count('event=e,kind=abandoned')).toBe(3);
  });

  it("rewrites the store's copy of settings that changed in the database only", async () => {
    const event = await world.events.save({ eventId: 'e', limitCnt: 0 });
    await world.store.dropEvent('e');
    await enterMany('e', 1);
    await tick.execute();
    expect(await world.store.configVersion('e')).toBe(event.updatedAt.getTime());
  });
});

describe('JournalRetention', () => {
  it('purges entries older than the retention by the clock, a batch at a time until a short one', async () => {
    const world = await specWorld();
    const calls: { before: Date; max: number }[] = [];
    const removed = [PURGE_BATCH, PURGE_BATCH, 3];
    const journal = {
      purgeOlderThan: async (before: Date, max: number) => {
        calls.push({ before, max });
        return removed.shift() ?? 0;
      },
    };
    await new JournalRetention(journal, world.clock, 7).execute();
    expect(calls).toHaveLength(3);
    expect(calls[0]).toEqual({ before: new Date(world.clock.now() - 7 * 86_400_000), max: PURGE_BATCH });
  });
});
