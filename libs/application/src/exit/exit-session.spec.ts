import { SchedulerTick } from '../scheduler-tick/scheduler-tick.js';
import { admit, specWorld, type SpecWorld } from '../use-case.spec-support.js';
import { ExitSession } from './exit-session.js';

type World = SpecWorld;

describe('ExitSession', () => {
  let world: World;
  let exit: ExitSession;

  beforeEach(async () => {
    world = await specWorld();
    exit = new ExitSession(world.store, world.events, world.successTokens, world.metrics, world.events);
  });

  it('ends the session, hands its slot to the next waiter in the same step, and is idempotent', async () => {
    await world.events.save({ eventId: 'e', limitCnt: 1 });
    const { successToken } = await admit(world, 'e', 'u1');
    const waiter = await world.store.enter('e', 'u2');

    expect(await exit.execute(successToken)).toEqual({ eventId: 'e', id: 'u1', status: 'EXITED' });
    expect(world.metrics.admissions.count('event=e,via=exit')).toBe(1);
    if (waiter.outcome !== 'PLACED') throw new Error(waiter.outcome);
    expect(await world.store.poll(waiter.state.place)).toMatchObject({ outcome: 'STATE', state: { status: 'ENTER' } });

    expect(await exit.execute(successToken)).toEqual({ eventId: 'e', id: 'u1', status: 'ALREADY_EXITED' });
    expect(world.metrics.exits.count('event=e,outcome=EXITED')).toBe(1);
    expect(world.metrics.exits.count('event=e,outcome=ALREADY_EXITED')).toBe(1);
  });

  it('answers EXPIRED for a session that ran out by the clock', async () => {
    await world.events.save({ eventId: 'e', limitCnt: 1, sessionTtlSec: 60 });
    const { successToken } = await admit(world, 'e', 'u1');
    world.clock.advance(60_000);
    await new SchedulerTick(world.store, world.events, world.events, world.metrics).execute();
    expect(await exit.execute(successToken)).toMatchObject({ status: 'EXPIRED' });
  });

  it('refuses tokens that are not ours, and events that are gone', async () => {
    await expect(exit.execute('a.b.c')).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    const token = await world.successTokens.sign({
      eventId: 'gone',
      id: 'u',
      seq: 1,
      epoch: 'x',
      admittedAt: 0,
      expiresAt: 1e13,
    });
    await expect(exit.execute(token)).rejects.toMatchObject({ code: 'EVENT_NOT_FOUND' });
  });
});
