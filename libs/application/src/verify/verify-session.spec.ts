import { admit, specWorld, type SpecWorld } from '../use-case.spec-support.js';
import { VerifySession } from './verify-session.js';

type World = SpecWorld;

describe('VerifySession', () => {
  let world: World;
  let verify: VerifySession;

  beforeEach(async () => {
    world = await specWorld();
    verify = new VerifySession(world.store, world.events, world.successTokens, world.events);
  });

  it('says an admitted session is active until its expiresAt by the clock', async () => {
    await world.events.save({ eventId: 'e', limitCnt: 1, sessionTtlSec: 60 });
    const { successToken } = await admit(world, 'e', 'u1');

    expect(await verify.execute(successToken)).toEqual({
      valid: true,
      eventId: 'e',
      id: 'u1',
      expiresAt: new Date(world.clock.now() + 60_000).toISOString(),
    });
    world.clock.advance(60_000);
    expect(await verify.execute(successToken)).toEqual({ valid: false, reason: 'EXPIRED' });
  });

  it('sees an exit', async () => {
    await world.events.save({ eventId: 'e', limitCnt: 1 });
    const { place, successToken } = await admit(world, 'e', 'u1');
    await world.store.exit(place);
    expect(await verify.execute(successToken)).toEqual({ valid: false, reason: 'EXITED' });
  });

  it('refuses tokens that are not ours, and tokens of events that are gone', async () => {
    expect(await verify.execute('a.b.c')).toEqual({ valid: false, reason: 'INVALID' });
    const token = await world.successTokens.sign({
      eventId: 'gone',
      id: 'u',
      seq: 1,
      epoch: 'x',
      admittedAt: 0,
      expiresAt: 1e13,
    });
    expect(await verify.execute(token)).toEqual({ valid: false, reason: 'EVENT_NOT_FOUND' });
  });
});
