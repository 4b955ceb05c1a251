/**
 * The SDK's visitor client against the running app: enter, resume, poll, the wait loop that
 * ends when an admitted user exits, abort, and errors as typed FoyerErrors.
 */
import { jest } from '@jest/globals';
import { FoyerClient, FoyerError, type QueueState } from '@foyer/sdk';
import { FoyerBackend } from '@foyer/sdk/server';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { admin, createBacking, startFoyer, type FoyerBacking, type RunningFoyer } from './support/foyer.js';
import { eventually } from './support/services.js';
import { uniqueEventId } from './support/visitors.js';

jest.setTimeout(60_000);

const ISSUER = 'https://foyer.sdk-client.test';

describe('FoyerClient against the running app', () => {
  let backing: FoyerBacking;
  let foyer: RunningFoyer;
  let client: FoyerClient;
  let backend: FoyerBackend;

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    backing = await createBacking('redis');
    foyer = await startFoyer(backing, { FOYER_PUBLIC_URL: ISSUER });
    client = new FoyerClient({ foyerUrl: foyer.url });
    backend = new FoyerBackend({ foyerUrl: foyer.url, issuer: ISSUER });
  }, 120_000);

  afterAll(async () => {
    await foyer?.close();
    await backing?.dispose();
  });

  async function stats(eventId: string): Promise<Record<string, number>> {
    const answer = await admin(foyer.http).getEvent(eventId);
    expect(answer.status).toBe(200);
    return answer.body.stats;
  }

  async function newEvent(settings: Record<string, unknown> = {}): Promise<string> {
    const eventId = uniqueEventId('sdk-client');
    const created = await admin(foyer.http).createEvent({ eventId, name: 'SDK client', limitCnt: 1, minPollIntervalMs: 200, ...settings });
    expect(created.status).toBe(201);
    return eventId;
  }

  it('waits until admitted: a waiter gets in when the active user exits', async () => {
    const eventId = await newEvent();
    const alice = await client.enter({ eventId, id: 'alice' });
    if (alice.status !== 'ENTER') throw new Error(`alice should be admitted, got ${alice.status}`);

    const seen: QueueState[] = [];
    const bob = client.waitUntilAdmitted({ eventId, id: 'bob' }, { onState: (state) => seen.push(state) });
    // Bob polls a few times in line before anyone leaves.
    await eventually(() => seen.filter((state) => state.status === 'WAIT').length >= 2, 20_000, 'bob to poll while waiting');
    const waiting = seen[0];
    expect(waiting).toMatchObject({ status: 'WAIT', id: 'bob', eventId, expectedInfo: { rank: 1 } });
    if (waiting.status === 'WAIT') expect(waiting.pollAfterMs).toBeGreaterThanOrEqual(200);

    expect(await backend.exit(alice.successToken)).toEqual({ eventId, id: 'alice', status: 'EXITED' });
    const admitted = await bob;
    expect(admitted).toMatchObject({ status: 'ENTER', id: 'bob', eventId, successToken: expect.any(String) });
    if (admitted.status !== 'ENTER') throw new Error('unreachable');
    expect(seen.at(-1)).toEqual(admitted);
    expect(await backend.verifySuccessToken(admitted.successToken, eventId)).toMatchObject({ valid: true, admission: { id: 'bob', eventId } });
    expect(await backend.verifyOnline(admitted.successToken)).toMatchObject({ valid: true, id: 'bob' });
  });

  it('an enter whose answer is lost is retried with the same Idempotency-Key and gets the place it took, not 409', async () => {
    const eventId = await newEvent();
    await client.enter({ eventId, id: 'holder' });
    let lost = 0;
    // The first enter reaches Foyer and takes the place; its answer never comes back.
    const losingFetch = async (url: string, init: RequestInit): Promise<Response> => {
      const response = await fetch(url, init);
      if (url.endsWith('/v1/queue/enter') && lost === 0) {
        lost += 1;
        throw new TypeError('fetch failed: the answer was lost');
      }
      return response;
    };
    const retries: string[] = [];
    const seen: QueueState[] = [];
    const controller = new AbortController();
    const waiting = new FoyerClient({ foyerUrl: foyer.url, fetch: losingFetch }).waitUntilAdmitted(
      { eventId, id: 'carol' },
      { signal: controller.signal, onRetry: (error) => retries.push(error.code), onState: (state) => seen.push(state) },
    );
    await eventually(() => seen.length > 0, 20_000, 'the retried enter to answer');
    controller.abort();
    await expect(waiting).rejects.toBeDefined();

    expect(retries).toEqual(['NETWORK_ERROR']);
    expect(seen[0]).toMatchObject({ status: 'WAIT', id: 'carol', expectedInfo: { rank: 1 } });
    expect(await stats(eventId)).toMatchObject({ waiting: 1, active: 1 }); // one place, the one the lost enter took
  });

  it('resumes a place with its ticket, and settles on BLOCK after an exit', async () => {
    const eventId = await newEvent({ minPollIntervalMs: 0 });
    const first = await client.enter({ eventId, id: 'carol' });
    if (first.status !== 'ENTER') throw new Error(`carol should be admitted, got ${first.status}`);
    const resumed = await client.enter({ eventId, ticket: first.ticket });
    expect(resumed).toMatchObject({ status: 'ENTER', id: 'carol', successToken: first.successToken });
    expect(await client.status(first.ticket)).toMatchObject({ status: 'ENTER', id: 'carol' });
    await backend.exit(first.successToken);
    expect(await client.waitUntilAdmitted({ eventId, id: 'carol' })).toMatchObject({ status: 'BLOCK', reason: 'REENTRY_BLOCKED' });
  });

  it('drops a stored ticket of another event, takes a new place, and the next visit resumes that one', async () => {
    // What the README's browser app keeps in localStorage.
    const storage = new Map<string, string>();
    const otherEvent = await newEvent({ limitCnt: 5 });
    const other = await client.enter({ eventId: otherEvent, id: 'heidi' });
    if (other.status !== 'ENTER') throw new Error(`heidi should be admitted, got ${other.status}`);
    storage.set('wr-ticket', other.ticket);

    const eventId = await newEvent();
    const ivan = await client.enter({ eventId, id: 'ivan' });
    if (ivan.status !== 'ENTER') throw new Error(`ivan should be admitted, got ${ivan.status}`);
    const rejected: FoyerError[] = [];
    const seen: QueueState[] = [];
    const visit = client.waitUntilAdmitted(
      { eventId, ticket: storage.get('wr-ticket') },
      {
        onTicketRejected: (error) => rejected.push(error),
        onState: (state) => {
          seen.push(state);
          if ('ticket' in state) storage.set('wr-ticket', state.ticket);
        },
      },
    );
    await eventually(() => seen.length > 0, 20_000, 'a place in line');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ statusCode: 401, code: 'INVALID_TICKET' });
    expect(seen[0]).toMatchObject({ status: 'WAIT', eventId, expectedInfo: { rank: 1 } });
    const newTicket = storage.get('wr-ticket');
    expect(newTicket).not.toBe(other.ticket);
    expect(await stats(eventId)).toMatchObject({ waiting: 1, active: 1 });

    await backend.exit(ivan.successToken);
    const admitted = await visit;
    expect(admitted).toMatchObject({ status: 'ENTER', eventId, ticket: newTicket });
    // The next visit resumes the stored ticket: the same session, no second place.
    const again = await client.waitUntilAdmitted({ eventId, ticket: storage.get('wr-ticket') }, { onTicketRejected: (error) => rejected.push(error) });
    expect(again).toMatchObject({ status: 'ENTER', id: admitted.id, ticket: newTicket });
    if (again.status === 'ENTER' && admitted.status === 'ENTER') expect(again.successToken).toBe(admitted.successToken);
    expect(rejected).toHaveLength(1);
    expect(await stats(eventId)).toMatchObject({ waiting: 0, active: 1 });
  });

  it('stops waiting when aborted, with the signal reason', async () => {
    const eventId = await newEvent();
    expect(await client.enter({ eventId, id: 'dave' })).toMatchObject({ status: 'ENTER' });
    const controller = new AbortController();
    const seen: QueueState[] = [];
    const erin = client.waitUntilAdmitted({ eventId, id: 'erin' }, { signal: controller.signal, onState: (state) => seen.push(state) });
    await eventually(() => seen.length > 0, 20_000, 'erin to be in line');
    controller.abort(new Error('erin closed the tab'));
    await expect(erin).rejects.toThrow('erin closed the tab');
    expect(seen.every((state) => state.status === 'WAIT')).toBe(true);
  });

  it('rejects with typed FoyerErrors', async () => {
    const missing = await client.enter({ eventId: uniqueEventId('sdk-missing') }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(FoyerError);
    expect(missing).toMatchObject({ statusCode: 404, code: 'EVENT_NOT_FOUND', retryable: false });
    expect(await client.status('not-a-ticket').catch((error: unknown) => error)).toMatchObject({ statusCode: 401, code: 'INVALID_TICKET' });
    const eventId = await newEvent({ minPollIntervalMs: 5000 });
    const place = await client.enter({ eventId, id: 'frank' });
    expect(place.status).toBe('ENTER');
    const grace = await client.enter({ eventId, id: 'grace' });
    if (grace.status !== 'WAIT') throw new Error(`grace should wait, got ${grace.status}`);
    const tooSoon = await client.status(grace.ticket).catch((error: unknown) => error);
    expect(tooSoon).toMatchObject({ statusCode: 429, code: 'POLL_TOO_FREQUENT', retryable: true, retryAfterMs: expect.any(Number) });
    expect((tooSoon as FoyerError).retryAfterMs).toBeGreaterThan(0);
    const unreachable = await new FoyerClient({ foyerUrl: 'http://127.0.0.1:9' }).status('t').catch((error: unknown) => error);
    expect(unreachable).toMatchObject({ statusCode: 0, code: 'NETWORK_ERROR', retryable: true });
  });
});
