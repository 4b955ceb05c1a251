import { abortableSleep } from './abortable-sleep.js';
import { FoyerError } from './foyer-error.js';
import { baseUrlOf, callFoyer, type FetchLike } from './foyer-http.js';
import { newIdempotencyKey } from './idempotency-key.js';
import { DEFAULT_PACING, pollDelayMs, retryDelayMs, type PacingOptions } from './poll-pacing.js';
import { readQueueState, type QueueState, type SettledQueueState } from './queue-state.js';

export interface FoyerClientOptions {
  /** Foyer's base URL, e.g. `https://foyer.example.com`. */
  foyerUrl: string;
  /** Defaults to the global `fetch`. */
  fetch?: FetchLike;
  /** How waits are made; tests pass one that records them. Must reject when the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter's source, in [0, 1). */
  random?: () => number;
  /** Per request; a request that takes longer fails with `TIMEOUT` (and is retried by the wait loop). */
  timeoutMs?: number;
  pacing?: Partial<PacingOptions>;
  /** Makes the `Idempotency-Key` of each new enter (tests pass a predictable one); 128 random bits by default. */
  newIdempotencyKey?: () => string;
}

export interface EnterRequest {
  eventId: string;
  /** The customer's user id; without it (and without `idToken`) Foyer makes one. */
  id?: string;
  /** Instead of `id`: a JWT from the customer's backend (required by `SIGNED` events). */
  idToken?: string;
  /** Resume a place held already, instead of taking a new one. */
  ticket?: string;
  /**
   * Sent as the `Idempotency-Key` header: the same key on every retry of one enter finds the place
   * the first try took, even if its answer was lost. `waitUntilAdmitted` makes one when none is
   * given; with `enter` (one request, no retries) pass one to retry it yourself (`newIdempotencyKey()`).
   */
  idempotencyKey?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface WaitOptions extends CallOptions {
  /** Every state seen, the first included: rank and wait updates for a page, and the ticket to keep. */
  onState?: (state: QueueState) => void;
  /**
   * The `ticket` given to resume with was refused (`401 INVALID_TICKET`: another event's, or made
   * before Foyer's `TICKET_SECRET` changed) and is dropped: the wait goes on with a new place, whose
   * ticket the next `onState` carries. Forget the stored ticket here.
   */
  onTicketRejected?: (error: FoyerError) => void;
  /**
   * A call failed in a way asking again can fix (no answer, `429`, `5xx`) and is asked again after
   * `delayMs`: a page says it is offline, or holds off its own early polls for a `429`.
   */
  onRetry?: (error: FoyerError, delayMs: number) => void;
}

const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * A visitor's side of Foyer, for browsers and Node alike (no Node built-ins): take or resume a
 * place, poll it, and wait until the line settles it.
 */
export class FoyerClient {
  private readonly baseUrl: string;
  private readonly fetch: FetchLike;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly timeoutMs: number;
  private readonly pacing: PacingOptions;
  private readonly newKey: () => string;

  constructor(options: FoyerClientOptions) {
    this.baseUrl = baseUrlOf(options.foyerUrl);
    // Bound, so a browser's fetch is not called with the client as `this` (an "Illegal invocation").
    this.fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
    this.sleep = options.sleep ?? abortableSleep;
    this.random = options.random ?? Math.random;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.pacing = { ...DEFAULT_PACING, ...options.pacing };
    this.newKey = options.newIdempotencyKey ?? newIdempotencyKey;
  }

  /** `POST /v1/queue/enter`: a new place, or with `ticket` the current state of one held. One request, no retries. */
  async enter(request: EnterRequest, options: CallOptions = {}): Promise<QueueState> {
    const json: Record<string, string> = { eventId: request.eventId };
    if (request.id !== undefined) json.id = request.id;
    if (request.idToken !== undefined) json.idToken = request.idToken;
    const headers: Record<string, string> = {};
    if (request.ticket !== undefined) headers.authorization = `Bearer ${request.ticket}`;
    if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
    const body = await callFoyer(this.fetch, `${this.baseUrl}/v1/queue/enter`, {
      method: 'POST',
      json,
      headers: Object.keys(headers).length === 0 ? undefined : headers,
      signal: options.signal,
      timeoutMs: this.timeoutMs,
    });
    return this.queueState(body);
  }

  /** `GET /v1/queue/status`: the place's current state (a heartbeat). One request, no retries. */
  async status(ticket: string, options: CallOptions = {}): Promise<QueueState> {
    const body = await callFoyer(this.fetch, `${this.baseUrl}/v1/queue/status`, {
      method: 'GET',
      headers: { authorization: `Bearer ${ticket}` },
      signal: options.signal,
      timeoutMs: this.timeoutMs,
    });
    return this.queueState(body);
  }

  /**
   * Enters (or resumes with `ticket`) and polls at the server's `pollAfterMs`, with jitter, until
   * the state is no longer `WAIT`: `ENTER` (admitted), `BLOCK` or `EXPIRED` are answers, not
   * errors. A `ticket` Foyer refuses (`401 INVALID_TICKET`) is dropped and a new place taken
   * instead, as the waiting-room page does (see `onTicketRejected`). No answer, `429` and `5xx` are
   * retried with backoff (`retry-after` when given), every retry of the enter with the same
   * `Idempotency-Key` (the request's, else a fresh one), so an enter whose answer was lost is found,
   * not refused with `409 ALREADY_QUEUED`; any other API error rejects with its `FoyerError`.
   * Aborting rejects with the signal's reason.
   */
  async waitUntilAdmitted(request: EnterRequest, options: WaitOptions = {}): Promise<SettledQueueState> {
    return this.pollWhileWaiting(await this.enterOrStartOver(request, options), options);
  }

  /**
   * Polls the place of `ticket` now, then as `waitUntilAdmitted` does until the state is no longer
   * `WAIT`. For a page that knows the place already (another tab of the browser held it) and must
   * not enter again. A refused ticket rejects (`INVALID_TICKET`): there is no identity to start
   * over with here.
   */
  async pollUntilSettled(ticket: string, options: WaitOptions = {}): Promise<SettledQueueState> {
    return this.pollWhileWaiting(await this.retrying(() => this.status(ticket, { signal: options.signal }), null, options), options);
  }

  private async pollWhileWaiting(first: QueueState, options: WaitOptions): Promise<SettledQueueState> {
    const { signal, onState } = options;
    let state = first;
    for (;;) {
      onState?.(state);
      if (state.status !== 'WAIT') return state;
      const { ticket, pollAfterMs } = state;
      await this.sleep(pollDelayMs(pollAfterMs, this.pacing, this.random), signal);
      state = await this.retrying(() => this.status(ticket, { signal }), pollAfterMs, options);
    }
  }

  /** The first state of a wait: a resume, or a new place when Foyer refuses the ticket. */
  private async enterOrStartOver(request: EnterRequest, options: WaitOptions): Promise<QueueState> {
    const { signal, onTicketRejected } = options;
    const keyed = { ...request, idempotencyKey: request.idempotencyKey ?? this.newKey() };
    try {
      return await this.retrying(() => this.enter(keyed, { signal }), null, options);
    } catch (error) {
      if (request.ticket === undefined || !(error instanceof FoyerError) || error.code !== 'INVALID_TICKET') throw error;
      // The ticket names no place of this event (another event's, or signed with a secret Foyer no
      // longer has): kept, it would fail every visit until storage is cleared.
      onTicketRejected?.(error);
      const { ticket: _refused, ...fresh } = request;
      const anew = { ...fresh, idempotencyKey: this.newKey() }; // a new enter: a new key
      return this.retrying(() => this.enter(anew, { signal }), null, options);
    }
  }

  private async retrying(call: () => Promise<QueueState>, lastPollAfterMs: number | null, { signal, onRetry }: WaitOptions): Promise<QueueState> {
    for (let failures = 1; ; failures += 1) {
      try {
        return await call();
      } catch (error) {
        if (!(error instanceof FoyerError) || !error.retryable) throw error;
        const delayMs = retryDelayMs(error, failures, lastPollAfterMs, this.pacing, this.random);
        onRetry?.(error, delayMs);
        await this.sleep(delayMs, signal);
      }
    }
  }

  private queueState(body: unknown): QueueState {
    const state = readQueueState(body);
    if (!state) throw new FoyerError(200, 'INVALID_RESPONSE', 'Foyer answered with something that is not a QueueState');
    return state;
  }
}
