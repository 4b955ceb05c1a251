import { jest } from '@jest/globals';
import { FoyerClient } from './foyer-client.js';
import { FoyerError } from './foyer-error.js';
import type { FetchLike } from './foyer-http.js';
import { DEFAULT_PACING, pollDelayMs, retryDelayMs } from './poll-pacing.js';
import type { QueueState } from './queue-state.js';

const FOYER = 'https://foyer.test/';
const BASE = { id: 'user-1', eventId: 'concert', eventStatus: 'OPEN' };

function waiting(rank: number, pollAfterMs: number): QueueState {
  return { ...BASE, status: 'WAIT', ticket: 'ticket-1', expectedInfo: { rank, waitSeconds: rank * 10, time: '00:01' }, pollAfterMs } as QueueState;
}
const ADMITTED = { ...BASE, status: 'ENTER', ticket: 'ticket-1', successToken: 'jwt', expiresAt: '2026-01-01T10:10:00.000Z' };

type Step = object | ((init: RequestInit) => Response | Promise<Response>) | Error;

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** A fetch that answers from a script, one step per call, and records every call. */
function scriptedFetch(steps: Step[]) {
  const calls: { url: string; method: string; headers: Record<string, string>; body: unknown }[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({
      url,
      method: init.method ?? 'GET',
      headers: init.headers as Record<string, string>,
      body: init.body === undefined ? undefined : JSON.parse(init.body as string),
    });
    const step = steps.shift();
    if (step === undefined) throw new Error(`unexpected call ${init.method} ${url}`);
    if (step instanceof Error) throw step;
    if (typeof step === 'function') return step(init);
    return json(step);
  };
  return { fetch, calls };
}

/** A sleep that records each wait and returns at once: no test waits for real. */
function recordingSleep() {
  const waits: number[] = [];
  const sleep = async (ms: number, signal?: AbortSignal) => {
    signal?.throwIfAborted();
    waits.push(ms);
  };
  return { sleep, waits };
}

describe('FoyerClient requests', () => {
  it('enters with the body of API.md and returns the typed state', async () => {
    const { fetch, calls } = scriptedFetch([waiting(3, 2000)]);
    const client = new FoyerClient({ foyerUrl: FOYER, fetch });
    const state = await client.enter({ eventId: 'concert', id: 'user-1' });
    expect(calls).toEqual([
      {
        url: 'https://foyer.test/v1/queue/enter',
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: { eventId: 'concert', id: 'user-1' },
      },
    ]);
    expect(state.status).toBe('WAIT');
    if (state.status === 'WAIT') expect(state.expectedInfo.rank).toBe(3);
  });

  it('resumes with the ticket as a bearer, and polls with it', async () => {
    const { fetch, calls } = scriptedFetch([waiting(2, 1000), ADMITTED]);
    const client = new FoyerClient({ foyerUrl: FOYER, fetch });
    await client.enter({ eventId: 'concert', ticket: 'ticket-1' });
    const state = await client.status('ticket-1');
    expect(calls[0]).toMatchObject({ body: { eventId: 'concert' }, headers: { authorization: 'Bearer ticket-1' } });
    expect(calls[1]).toMatchObject({ url: 'https://foyer.test/v1/queue/status', method: 'GET', headers: { authorization: 'Bearer ticket-1' } });
    expect(state).toEqual(ADMITTED);
  });

  it('sends an idToken instead of an id', async () => {
    const { fetch, calls } = scriptedFetch([ADMITTED]);
    await new FoyerClient({ foyerUrl: FOYER, fetch }).enter({ eventId: 'concert', idToken: 'id.token.jwt' });
    expect(calls[0].body).toEqual({ eventId: 'concert', idToken: 'id.token.jwt' });
  });

  it('turns an API error into a FoyerError with statusCode, code and retryAfterMs', async () => {
    const { fetch } = scriptedFetch([
      () => json({ statusCode: 429, code: 'POLL_TOO_FREQUENT', message: 'slow down' }, 429, { 'retry-after': '2' }),
      () => json({ statusCode: 400, code: 'VALIDATION_FAILED', message: 'bad', details: [{ field: 'eventId' }] }, 400),
      () => new Response('<html>bad gateway</html>', { status: 502 }),
    ]);
    const client = new FoyerClient({ foyerUrl: FOYER, fetch });
    const tooSoon = await client.status('t').catch((error: unknown) => error);
    expect(tooSoon).toBeInstanceOf(FoyerError);
    expect(tooSoon).toMatchObject({ statusCode: 429, code: 'POLL_TOO_FREQUENT', message: 'slow down', retryAfterMs: 2000, retryable: true });
    const invalid = await client.enter({ eventId: '' }).catch((error: unknown) => error);
    expect(invalid).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', retryAfterMs: null, retryable: false, details: [{ field: 'eventId' }] });
    expect(await client.status('t').catch((error: unknown) => error)).toMatchObject({ statusCode: 502, code: 'HTTP_502', retryable: true });
  });

  it('refuses an answer that is not a QueueState', async () => {
    const { fetch } = scriptedFetch([{ status: 'WAIT', id: 'x', eventId: 'e', eventStatus: 'OPEN' }, () => new Response('ok')]);
    const client = new FoyerClient({ foyerUrl: FOYER, fetch });
    expect(await client.status('t').catch((error: unknown) => error)).toMatchObject({ code: 'INVALID_RESPONSE' });
    expect(await client.status('t').catch((error: unknown) => error)).toMatchObject({ code: 'INVALID_RESPONSE' });
  });

  it('reports a network failure as NETWORK_ERROR, statusCode 0', async () => {
    const { fetch } = scriptedFetch([new TypeError('fetch failed')]);
    const error = await new FoyerClient({ foyerUrl: FOYER, fetch }).status('t').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 0, code: 'NETWORK_ERROR', retryable: true });
  });
});

describe('FoyerClient.waitUntilAdmitted', () => {
  afterEach(() => jest.useRealTimers());

  it('polls at pollAfterMs plus jitter until admitted, and reports every state', async () => {
    const { fetch, calls } = scriptedFetch([waiting(3, 2000), waiting(2, 1500), waiting(1, 1000), ADMITTED]);
    const { sleep, waits } = recordingSleep();
    const seen: string[] = [];
    const client = new FoyerClient({ foyerUrl: FOYER, fetch, sleep, random: () => 0.5 });
    const state = await client.waitUntilAdmitted({ eventId: 'concert', id: 'user-1' }, { onState: (s) => seen.push(s.status) });
    expect(state).toEqual(ADMITTED);
    expect(calls.map((call) => call.method)).toEqual(['POST', 'GET', 'GET', 'GET']);
    // jitter 0.2 × random 0.5: +10 %.
    expect(waits).toEqual([2200, 1650, 1100]);
    expect(seen).toEqual(['WAIT', 'WAIT', 'WAIT', 'ENTER']);
  });

  it('keeps jitter within [pollAfterMs, pollAfterMs × 1.2): never sooner than the server asked', () => {
    for (const random of [0, 0.25, 0.5, 0.999999]) {
      const delay = pollDelayMs(5000, DEFAULT_PACING, () => random);
      expect(delay).toBeGreaterThanOrEqual(5000);
      expect(delay).toBeLessThan(6000);
    }
    expect(pollDelayMs(5000, DEFAULT_PACING, () => 0)).toBe(5000);
    expect(pollDelayMs(5000, { ...DEFAULT_PACING, jitter: 0 }, () => 0.9)).toBe(5000);
  });

  it('with fake timers and the default sleep: does not poll before pollAfterMs has passed', async () => {
    jest.useFakeTimers();
    const { fetch, calls } = scriptedFetch([waiting(1, 3000), ADMITTED]);
    const client = new FoyerClient({ foyerUrl: FOYER, fetch, random: () => 0 });
    const done = client.waitUntilAdmitted({ eventId: 'concert' });
    await jest.advanceTimersByTimeAsync(2999);
    expect(calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await expect(done).resolves.toMatchObject({ status: 'ENTER' });
  });

  it('settles on BLOCK and EXPIRED: answers, not errors', async () => {
    const blocked = { ...BASE, status: 'BLOCK', reason: 'REENTRY_BLOCKED' };
    const expired = { ...BASE, status: 'EXPIRED', reason: 'WAIT_TIMEOUT' };
    const { sleep } = recordingSleep();
    const first = scriptedFetch([blocked]);
    expect(await new FoyerClient({ foyerUrl: FOYER, fetch: first.fetch, sleep }).waitUntilAdmitted({ eventId: 'concert' })).toEqual(blocked);
    const second = scriptedFetch([waiting(1, 1000), expired]);
    expect(await new FoyerClient({ foyerUrl: FOYER, fetch: second.fetch, sleep }).waitUntilAdmitted({ eventId: 'concert' })).toEqual(expired);
  });

  it('on 429 waits retry-after (plus jitter), then polls again with the same ticket', async () => {
    const { fetch, calls } = scriptedFetch([
      waiting(2, 1000),
      () => json({ statusCode: 429, code: 'POLL_TOO_FREQUENT', message: 'too soon' }, 429, { 'retry-after': '3' }),
      ADMITTED,
    ]);
    const { sleep, waits } = recordingSleep();
    const client = new FoyerClient({ foyerUrl: FOYER, fetch, sleep, random: () => 0 });
    await expect(client.waitUntilAdmitted({ eventId: 'concert' })).resolves.toMatchObject({ status: 'ENTER' });
    expect(waits).toEqual([1000, 3000]);
    expect(calls[2].headers.authorization).toBe('Bearer ticket-1');
  });

  it('retries a rate-limited enter after retry-after', async () => {
    const { fetch, calls } = scriptedFetch([() => json({ statusCode: 429, code: 'RATE_LIMITED', message: 'later' }, 429, { 'retry-after': '7' }), ADMITTED]);
    const { sleep, waits } = recordingSleep();
    const client = new FoyerClient({ foyerUrl: FOYER, fetch, sleep, random: () => 0.5 });
    await expect(client.waitUntilAdmitted({ eventId: 'concert', id: 'user-1' })).resolves.toMatchObject({ status: 'ENTER' });
    expect(waits).toEqual([7700]);
    expect(calls.map((call) => call.body)).toEqual([
      { eventId: 'concert', id: 'user-1' },
      { eventId: 'concert', id: 'user-1' },
    ]);
  });

  it('backs off exponentially on network errors and 5xx, with jitter, capped', async () => {
    const down = new TypeError('fetch failed');
    const unavailable = () => json({ statusCode: 503, code: 'STORE_UNAVAILABLE', message: 'redis' }, 503);
    const { fetch } = scriptedFetch([down, down, unavailable, down, down, down, down, ADMITTED]);
    const { sleep, waits } = recordingSleep();
    const client = new FoyerClient({ foyerUrl: FOYER, fetch, sleep, random: () => 1, pacing: { backoffBaseMs: 1000, backoffMaxMs: 10_000 } });
    await expect(client.waitUntilAdmitted({ eventId: 'concert' })).resolves.toMatchObject({ status: 'ENTER' });
    // random 1: the top of each window; doubling from the base, then held at the cap.
    expect(waits).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it('sends one fresh Idempotency-Key with an enter and the same one on each retry of it (503, network error, timeout)', async () => {
    const unavailable = () => json({ statusCode: 503, code: 'STORE_UNAVAILABLE', message: 'redis' }, 503);
    const { fetch, calls } = scriptedFetch([unavailable, new TypeError('fetch failed'), ADMITTED]);
    const { sleep } = recordingSleep();
    const client = new FoyerClient({ foyerUrl: FOYER, fetch, sleep });
    await expect(client.waitUntilAdmitted({ eventId: 'concert', id: 'user-1' })).resolves.toMatchObject({ status: 'ENTER' });
    const keys = calls.map((call) => call.headers['idempotency-key']);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/); // 128 random bits
    expect(new Set(keys).size).toBe(1);

    // The next wait is a new enter: a new key.
    const next = scriptedFetch([ADMITTED]);
    const again = new FoyerClient({ foyerUrl: FOYER, fetch: next.fetch, sleep });
    await again.waitUntilAdmitted({ eventId: 'concert', id: 'user-1' });
    expect(next.calls[0].headers['idempotency-key']).toMatch(/^[0-9a-f]{32}$/);
    expect(next.calls[0].headers['idempotency-key']).not.toBe(keys[0]);
  });

  it('uses the Idempotency-Key it is given, and a fresh one for a new place after a refused ticket', async () => {
    const refused = () => json({ statusCode: 401, code: 'INVALID_TICKET', message: 'no' }, 401);
    const { fetch, calls } = scriptedFetch([
      refused,
      () => {
        throw new TypeError('fetch failed');
      },
      ADMITTED,
    ]);
    const { sleep } = recordingSleep();
    const made = ['made-key-1', 'made-key-2'];
    const client = new FoyerClient({ foyerUrl: FOYER, fetch, sleep, newIdempotencyKey: () => made.shift()! });
    await client.waitUntilAdmitted({ eventId: 'concert', ticket: 'stale', idempotencyKey: 'given-key-0123456789' });
    expect(calls.map((call) => call.headers['idempotency-key'])).toEqual(['given-key-0123456789', 'made-key-1', 'made-key-1']);
  });

  it('enter() sends the Idempotency-Key only when given one: a single request has no retry to pair it with', async () => {
    const { fetch, calls } = scriptedFetch([ADMITTED, ADMITTED]);
    const client = new FoyerClient({ foyerUrl: FOYER, fetch });
    await client.enter({ eventId: 'concert', id: 'user-1', idempotencyKey: 'own-key-0123456789' });
    await client.enter({ eventId: 'concert', id: 'user-1' });
    expect(calls.map((call) => call.headers['idempotency-key'])).toEqual(['own-key-0123456789', undefined]);
  });

  it('keeps backoff windows between half and all of the ceiling', () => {
    const error = new FoyerError(0, 'NETWORK_ERROR', 'down');
    for (const random of [0, 0.3, 0.999]) {
      const delay = retryDelayMs(error, 3, null, DEFAULT_PACING, () => random);
      expect(delay).toBeGreaterThanOrEqual(2000);
      expect(delay).toBeLessThanOrEqual(4000);
    }
  });

  it('while waiting, caps backoff at twice the last pollAfterMs so an outage does not cost the place', async () => {
    const down = new TypeError('fetch failed');
    const { fetch } = scriptedFetch([waiting(5, 1500), down, down, down, down, ADMITTED]);
    const { sleep, waits } = recordingSleep();
    const client = new FoyerClient({ foyerUrl: FOYER, fetch, sleep, random: () => 1 });
    await client.waitUntilAdmitted({ eventId: 'concert' });
    expect(waits).toEqual([1800, 1000, 2000, 3000, 3000]);
  });

  it('rejects on an error that asking again cannot fix', async () => {
    const { fetch, calls } = scriptedFetch([waiting(1, 1000), () => json({ statusCode: 401, code: 'INVALID_TICKET', message: 'not yours' }, 401)]);
    const { sleep } = recordingSleep();
    const error = await new FoyerClient({ foyerUrl: FOYER, fetch, sleep }).waitUntilAdmitted({ eventId: 'concert' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FoyerError);
    expect(error).toMatchObject({ statusCode: 401, code: 'INVALID_TICKET' });
    expect(calls).toHaveLength(2);
  });

  it('drops a resumed ticket Foyer refuses (INVALID_TICKET), takes a new place and says so', async () => {
    const refused = () => json({ statusCode: 401, code: 'INVALID_TICKET', message: 'ticket of another event' }, 401);
    const fresh = { ...waiting(4, 1000), ticket: 'ticket-2' };
    const { fetch, calls } = scriptedFetch([refused, fresh, { ...ADMITTED, ticket: 'ticket-2' }]);
    const { sleep } = recordingSleep();
    const rejected: unknown[] = [];
    const tickets: string[] = [];
    const client = new FoyerClient({ foyerUrl: FOYER, fetch, sleep });
    const state = await client.waitUntilAdmitted(
      { eventId: 'concert', idToken: 'id.token.jwt', ticket: 'stale' },
      { onTicketRejected: (error) => rejected.push(error), onState: (s) => 'ticket' in s && tickets.push(s.ticket) },
    );
    expect(state).toMatchObject({ status: 'ENTER', ticket: 'ticket-2' });
    expect(rejected).toEqual([expect.any(FoyerError)]);
    expect(rejected[0]).toMatchObject({ statusCode: 401, code: 'INVALID_TICKET' });
    // The resume, then a new enter with the same identity and no ticket, then polls with the new ticket.
    expect(calls.map((call) => [call.method, call.headers.authorization, call.body])).toEqual([
      ['POST', 'Bearer stale', { eventId: 'concert', idToken: 'id.token.jwt' }],
      ['POST', undefined, { eventId: 'concert', idToken: 'id.token.jwt' }],
      ['GET', 'Bearer ticket-2', undefined],
    ]);
    expect(tickets).toEqual(['ticket-2', 'ticket-2']);
  });

  it('starts over only for a refused ticket it was given, and only once', async () => {
    const refused = () => json({ statusCode: 401, code: 'INVALID_TICKET', message: 'no' }, 401);
    const { sleep } = recordingSleep();
    // No ticket given: nothing to drop (and a second refusal after starting over is not retried).
    const bare = scriptedFetch([refused]);
    const onTicketRejected = jest.fn();
    const plain = new FoyerClient({ foyerUrl: FOYER, fetch: bare.fetch, sleep });
    await expect(plain.waitUntilAdmitted({ eventId: 'concert' }, { onTicketRejected })).rejects.toMatchObject({ code: 'INVALID_TICKET' });
    const twice = scriptedFetch([refused, refused]);
    const again = new FoyerClient({ foyerUrl: FOYER, fetch: twice.fetch, sleep });
    await expect(again.waitUntilAdmitted({ eventId: 'concert', ticket: 'stale' }, { onTicketRejected })).rejects.toMatchObject({ code: 'INVALID_TICKET' });
    expect(twice.calls).toHaveLength(2);
    expect(onTicketRejected).toHaveBeenCalledTimes(1);
    // Other refusals of a resume are the caller's to handle, as before.
    const missing = scriptedFetch([() => json({ statusCode: 404, code: 'EVENT_NOT_FOUND', message: 'gone' }, 404)]);
    const client = new FoyerClient({ foyerUrl: FOYER, fetch: missing.fetch, sleep });
    await expect(client.waitUntilAdmitted({ eventId: 'concert', ticket: 't' }, { onTicketRejected })).rejects.toMatchObject({ code: 'EVENT_NOT_FOUND' });
    expect(missing.calls).toHaveLength(1);
    expect(onTicketRejected).toHaveBeenCalledTimes(1);
  });

  it('stops at once when aborted while sleeping, with the signal reason', async () => {
    jest.useFakeTimers();
    const { fetch, calls } = scriptedFetch([waiting(4, 5000)]);
    const controller = new AbortController();
    const client = new FoyerClient({ foyerUrl: FOYER, fetch });
    const done = client.waitUntilAdmitted({ eventId: 'concert' }, { signal: controller.signal }).catch((error: unknown) => error);
    await jest.advanceTimersByTimeAsync(1000);
    controller.abort();
    const error = await done;
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
    await jest.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('aborts a request in flight, and never starts one with an aborted signal', async () => {
    const seen: AbortSignal[] = [];
    const fetch: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => {
        seen.push(init.signal!);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a fake fetch rejects as the real one does
        init.signal!.addEventListener('abort', () => reject(init.signal!.reason));
      });
    const controller = new AbortController();
    const client = new FoyerClient({ foyerUrl: FOYER, fetch });
    const done = client.waitUntilAdmitted({ eventId: 'concert' }, { signal: controller.signal }).catch((error: unknown) => error);
    await Promise.resolve();
    controller.abort(new Error('visitor left'));
    expect(await done).toEqual(new Error('visitor left'));
    expect(seen[0].aborted).toBe(true);
    const again = await client.status('t', { signal: controller.signal }).catch((error: unknown) => error);
    expect(again).toEqual(new Error('visitor left'));
    expect(seen).toHaveLength(1);
  });

  it('fails a request that outlives timeoutMs with TIMEOUT, and retries it in the loop', async () => {
    jest.useFakeTimers();
    let calls = 0;
    const fetch: FetchLike = (_url, init) => {
      calls += 1;
      if (calls === 3) return Promise.resolve(json(ADMITTED));
      return new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    };
    const client = new FoyerClient({ foyerUrl: FOYER, fetch, timeoutMs: 4000, random: () => 0 });
    const single = client.status('t').catch((error: unknown) => error);
    await jest.advanceTimersByTimeAsync(4000);
    expect(await single).toMatchObject({ statusCode: 0, code: 'TIMEOUT' });
    const done = client.waitUntilAdmitted({ eventId: 'concert' });
    await jest.advanceTimersByTimeAsync(4000 + 499);
    expect(calls).toBe(2);
    await jest.advanceTimersByTimeAsync(1);
    await expect(done).resolves.toMatchObject({ status: 'ENTER' });
    expect(calls).toBe(3);
  });
});

describe('FoyerClient hooks for a page that runs its own line (the waiting-room page)', () => {
  it('reports each failure it retries, with the wait before asking again', async () => {
    const down = new TypeError('fetch failed');
    const tooSoon = () => json({ statusCode: 429, code: 'POLL_TOO_FREQUENT', message: 'too soon' }, 429, { 'retry-after': '2' });
    const { fetch } = scriptedFetch([down, waiting(2, 1000), tooSoon, ADMITTED]);
    const { sleep, waits } = recordingSleep();
    const retried: [string, number][] = [];
    const client = new FoyerClient({ foyerUrl: FOYER, fetch, sleep, random: () => 0 });
    await client.waitUntilAdmitted({ eventId: 'concert' }, { onRetry: (error, delayMs) => retried.push([error.code, delayMs]) });
    // random 0: the bottom of the backoff window (half of 1 s), and retry-after as it came.
    expect(retried).toEqual([
      ['NETWORK_ERROR', 500],
      ['POLL_TOO_FREQUENT', 2000],
    ]);
    expect(waits).toEqual([500, 1000, 2000]);
  });

  it('pollUntilSettled polls a known ticket at once, never enters, and paces like waitUntilAdmitted', async () => {
    const { fetch, calls } = scriptedFetch([new TypeError('fetch failed'), waiting(2, 1500), ADMITTED]);
    const { sleep, waits } = recordingSleep();
    const seen: string[] = [];
    const client = new FoyerClient({ foyerUrl: FOYER, fetch, sleep, random: () => 0.5 });
    const state = await client.pollUntilSettled('ticket-1', { onState: (s) => seen.push(s.status) });
    expect(state).toEqual(ADMITTED);
    expect(calls.map((call) => [call.method, call.url, call.headers.authorization])).toEqual([
      ['GET', 'https://foyer.test/v1/queue/status', 'Bearer ticket-1'],
      ['GET', 'https://foyer.test/v1/queue/status', 'Bearer ticket-1'],
      ['GET', 'https://foyer.test/v1/queue/status', 'Bearer ticket-1'],
    ]);
    // The backoff after the failure (random 0.5: three quarters of 1 s), then pollAfterMs + 10 %.
    expect(waits).toEqual([750, 1650]);
    expect(seen).toEqual(['WAIT', 'ENTER']);
  });

  it('pollUntilSettled rejects a refused ticket: there is no identity to start over with', async () => {
    const { fetch, calls } = scriptedFetch([() => json({ statusCode: 401, code: 'INVALID_TICKET', message: 'no' }, 401)]);
    const onTicketRejected = jest.fn();
    const client = new FoyerClient({ foyerUrl: FOYER, fetch, sleep: recordingSleep().sleep });
    await expect(client.pollUntilSettled('stale', { onTicketRejected })).rejects.toMatchObject({ statusCode: 401, code: 'INVALID_TICKET' });
    expect(onTicketRejected).not.toHaveBeenCalled();
    expect(calls).toHaveLength(1);
  });
});
