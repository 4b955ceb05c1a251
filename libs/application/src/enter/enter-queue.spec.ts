import { SignJWT } from 'jose';
import type { QueueState } from '@foyer/domain';
import { ENTRY_TOKEN_SECRET, specWorld, type SpecWorld } from '../use-case.spec-support.js';
import { enterKeyOf } from './enter-key.js';
import { EnterQueue } from './enter-queue.js';

type World = SpecWorld;

function enterQueue(world: World, newUserId?: () => string): EnterQueue {
  const { store, events, tickets, idTokens, successTokens, metrics } = world;
  return new EnterQueue(store, events, events, tickets, idTokens, successTokens, metrics, newUserId);
}

function idToken(sub: string, evt: string, clockMs: number): Promise<string> {
  return new SignJWT({ evt })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime(Math.floor(clockMs / 1000) + 60)
    .sign(new TextEncoder().encode(ENTRY_TOKEN_SECRET));
}

function ticketOf(state: QueueState): string {
  if (state.status !== 'WAIT' && state.status !== 'ENTER') throw new Error(`no ticket in ${state.status}`);
  return state.ticket;
}

describe('EnterQueue', () => {
  let world: World;
  let enter: EnterQueue;

  beforeEach(async () => {
    world = await specWorld();
    enter = enterQueue(world);
  });

  it('admits at once while there is room, with a ticket for the place and a successToken saved for the session', async () => {
    await world.events.save({ eventId: 'e', limitCnt: 1, sessionTtlSec: 600 });
    const state = await enter.execute({ eventId: 'e', id: 'u1', ticket: null });

    expect(state).toMatchObject({
      status: 'ENTER',
      id: 'u1',
      eventId: 'e',
      expiresAt: new Date(world.clock.now() + 600_000).toISOString(),
    });
    if (state.status !== 'ENTER') return;
    expect(world.tickets.read(state.ticket)).toMatchObject({ eventId: 'e', id: 'u1' });
    expect(await world.successTokens.verify(state.successToken)).toMatchObject({ ok: true, claims: { eventId: 'e', id: 'u1' } });
    // The token was stored with the session: a later answer for it carries the same one.
    const place = world.tickets.read(state.ticket)!;
    expect(await world.store.poll(place)).toMatchObject({
      outcome: 'STATE',
      state: { session: { successToken: state.successToken } },
    });
    expect(world.metrics.admissions.count('event=e,via=enter')).toBe(1);
    expect(world.metrics.enters.count('event=e,outcome=ENTER')).toBe(1);
  });

  it('puts a visitor in line when the event is full, and refuses a second place for the same id', async () => {
    await world.events.save({ eventId: 'e', limitCnt: 1 });
    await enter.execute({ eventId: 'e', id: 'u1', ticket: null });
    const waiting = await enter.execute({ eventId: 'e', id: 'u2', ticket: null });

    expect(waiting).toMatchObject({ status: 'WAIT', id: 'u2', expectedInfo: { rank: 1 } });
    await expect(enter.execute({ eventId: 'e', id: 'u2', ticket: null })).rejects.toMatchObject({ code: 'ALREADY_QUEUED' });
    expect(world.metrics.enters.count('event=e,outcome=ALREADY_QUEUED')).toBe(1);
  });

  it('resumes a place with its ticket, answering the ticket back, paced like a poll', async () => {
    await world.events.save({ eventId: 'e', limitCnt: 0, minPollIntervalMs: 1_000 });
    const first = await enter.execute({ eventId: 'e', id: 'u1', ticket: null });
    const ticket = ticketOf(first);

    await expect(enter.execute({ eventId: 'e', ticket })).rejects.toMatchObject({ code: 'POLL_TOO_FREQUENT' });
    world.clock.advance(1_000);
    const resumed = await enter.execute({ eventId: 'e', ticket });
    expect(resumed).toMatchObject({ status: 'WAIT', id: 'u1', ticket });
  });

  it('lets a place that lapsed by the clock enter again, at the back of the line', async () => {
    await world.events.save({ eventId: 'e', limitCnt: 0, waitTimeoutSec: 30, minPollIntervalMs: 1_000 });
    const ticket = ticketOf(await enter.execute({ eventId: 'e', id: 'u1', ticket: null }));
    await enter.execute({ eventId: 'e', id: 'u2', ticket: null });

    world.clock.advance(31_000);
    const again = await enter.execute({ eventId: 'e', ticket });
    expect(again).toMatchObject({ status: 'WAIT', id: 'u1' });
    expect(ticketOf(again)).not.toBe(ticket);
  });

  it('refuses a ticket of another event, or one that names another id', async () => {
    await world.events.save({ eventId: 'e', limitCnt: 0 });
    await world.events.save({ eventId: 'other', limitCnt: 0 });
    const ticket = ticketOf(await enter.execute({ eventId: 'e', id: 'u1', ticket: null }));
    world.clock.advance(1_000);

    await expect(enter.execute({ eventId: 'other', ticket })).rejects.toMatchObject({ code: 'INVALID_TICKET' });
    await expect(enter.execute({ eventId: 'e', id: 'u2', ticket })).rejects.toMatchObject({ code: 'INVALID_TICKET' });
    await expect(enter.execute({ eventId: 'e', ticket: 'forged' })).rejects.toMatchObject({ code: 'INVALID_TICKET' });
  });

  it('takes ids from idTokens on SIGNED events, and never both an id and an idToken', async () => {
    await world.events.save({ eventId: 's', limitCnt: 5, idPolicy: 'SIGNED' });
    const token = await idToken('member-9', 's', world.clock.now());

    await expect(enter.execute({ eventId: 's', id: 'u1', ticket: null })).rejects.toMatchObject({ code: 'ID_TOKEN_REQUIRED' });
    await expect(enter.execute({ eventId: 's', id: 'u1', idToken: token, ticket: null })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(enter.execute({ eventId: 's', idToken: 'not-a-token', ticket: null })).rejects.toMatchObject({
      code: 'INVALID_ID_TOKEN',
    });
    expect(await enter.execute({ eventId: 's', idToken: token, ticket: null })).toMatchObject({
      status: 'ENTER',
      id: 'member-9',
    });
  });

  it('on SIGNED events a valid idToken answers the place or session its id holds, with the same ticket; OPEN events keep the 409', async () => {
    await world.events.save({ eventId: 's', limitCnt: 1, idPolicy: 'SIGNED' });
    const admitted = await enter.execute({ eventId: 's', idToken: await idToken('member-1', 's', world.clock.now()), ticket: null });
    const waiting = await enter.execute({ eventId: 's', idToken: await idToken('member-2', 's', world.clock.now()), ticket: null });
    world.clock.advance(1_000); // a fresh idToken: another string, the same id

    const again = await enter.execute({ eventId: 's', idToken: await idToken('member-1', 's', world.clock.now()), ticket: null });
    expect(again).toMatchObject({ status: 'ENTER', id: 'member-1', ticket: ticketOf(admitted) });
    if (again.status === 'ENTER' && admitted.status === 'ENTER') expect(again.successToken).toBe(admitted.successToken);
    expect(await enter.execute({ eventId: 's', idToken: await idToken('member-2', 's', world.clock.now()), ticket: null })).toMatchObject({
      status: 'WAIT',
      ticket: ticketOf(waiting),
      expectedInfo: { rank: 1 },
    });

    await world.events.save({ eventId: 'o', limitCnt: 1 });
    await enter.execute({ eventId: 'o', idToken: await idToken('member-1', 'o', world.clock.now()), ticket: null });
    await expect(enter.execute({ eventId: 'o', idToken: await idToken('member-1', 'o', world.clock.now()), ticket: null })).rejects.toMatchObject({
      code: 'ALREADY_QUEUED',
    });
  });

  it('answers a retry with the same Idempotency-Key with the place the first try took; another body is IDEMPOTENCY_KEY_REUSED', async () => {
    await world.events.save({ eventId: 'e', limitCnt: 0 });
    const idempotencyKey = 'retry-key-0123456789abcdef';
    const first = await enter.execute({ eventId: 'e', id: 'u1', ticket: null, idempotencyKey });
    const retry = await enter.execute({ eventId: 'e', id: 'u1', ticket: null, idempotencyKey });
    expect(retry).toMatchObject({ status: 'WAIT', id: 'u1', ticket: ticketOf(first) });

    await expect(enter.execute({ eventId: 'e', id: 'u2', ticket: null, idempotencyKey })).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    await expect(enter.execute({ eventId: 'e', ticket: null, idempotencyKey })).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(world.metrics.enters.count('event=e,outcome=IDEMPOTENCY_KEY_REUSED')).toBe(2);
  });

  it('derives the server-made id from the Idempotency-Key, so a retry without an id finds the same place', async () => {
    await world.events.save({ eventId: 'e', limitCnt: 0 });
    const keyed = enterQueue(world, () => 'random-id');
    const idempotencyKey = 'server-made-key-0123456789';
    const first = await keyed.execute({ eventId: 'e', ticket: null, idempotencyKey });
    expect(first.id).toBe(enterKeyOf(idempotencyKey).serverId);
    expect(first.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await keyed.execute({ eventId: 'e', ticket: null, idempotencyKey })).toMatchObject({ id: first.id, ticket: ticketOf(first) });
    expect(await keyed.execute({ eventId: 'e', ticket: null })).toMatchObject({ id: 'random-id' }); // no key: random as before
  });

  it('makes an id when the visitor sends none', async () => {
    await world.events.save({ eventId: 'e', limitCnt: 1 });
    const made = await enterQueue(world, () => 'server-made').execute({ eventId: 'e', ticket: null });
    expect(made).toMatchObject({ status: 'ENTER', id: 'server-made' });
  });

  it('answers BLOCK to a second enter of an id whose session ended on an event that blocks re-entry', async () => {
    await world.events.save({ eventId: 'e', limitCnt: 1, blockReentry: true, sessionTtlSec: 60 });
    await enter.execute({ eventId: 'e', id: 'u1', ticket: null });
    world.clock.advance(61_000);
    expect(await enter.execute({ eventId: 'e', id: 'u1', ticket: null })).toMatchObject({
      status: 'BLOCK',
      reason: 'REENTRY_BLOCKED',
    });
  });

  it('refuses events that do not exist or take no places', async () => {
    await world.events.save({ eventId: 'closed', status: 'CLOSED' });
    await expect(enter.execute({ eventId: 'missing', ticket: null })).rejects.toMatchObject({ code: 'EVENT_NOT_FOUND' });
    await expect(enter.execute({ eventId: 'closed', id: 'u1', ticket: null })).rejects.toMatchObject({ code: 'EVENT_NOT_OPEN' });
  });

  it('rewrites the settings a store lost (a Redis that restarted empty) and places the visitor', async () => {
    await world.events.save({ eventId: 'e', limitCnt: 1 });
    await world.store.dropEvent('e');
    expect(await enter.execute({ eventId: 'e', id: 'u1', ticket: null })).toMatchObject({ status: 'ENTER' });
    expect(world.events.restores).toBe(1);
  });
});
