/** API.md's QueueState: what every enter, resume and poll answers, one shape per `status`. */

// The SDK is installed alone, so it keeps its own copy of the contract's lists; Foyer's
// queue-state-drift.spec.ts fails when they and the types below part from the server's.
export const EVENT_STATUSES = ['DRAFT', 'OPEN', 'PAUSED', 'CLOSED'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const QUEUE_STATUSES = ['WAIT', 'ENTER', 'BLOCK', 'EXPIRED'] as const;

export const EXPIRED_REASONS = ['WAIT_TIMEOUT', 'SESSION_ENDED', 'EXITED', 'EVENT_CLOSED', 'PLACE_LOST'] as const;
export type ExpiredReason = (typeof EXPIRED_REASONS)[number];

export interface ExpectedInfo {
  /** 1-based: rank 1 is admitted next. */
  rank: number;
  /** The estimated wait; `null` while no estimate is possible (paused event, nobody admitted). */
  waitSeconds: number | null;
  /** `waitSeconds` rounded up to minutes as `HH:MM`; `null` with it. */
  time: string | null;
  /** The middle half of where the wait may fall (a quarter wait less than P25, a quarter more than P75); `null` with `waitSeconds`. */
  waitSecondsP25: number | null;
  waitSecondsP75: number | null;
}

interface QueueStateOf<S extends string> {
  id: string;
  eventId: string;
  eventStatus: EventStatus;
  status: S;
  /** The event's operator message, when it has one. */
  message?: string;
}

/** Holding a place in the line. */
export interface WaitingState extends QueueStateOf<'WAIT'> {
  ticket: string;
  expectedInfo: ExpectedInfo;
  /** When to poll next; the server's pacing, never to be undercut. */
  pollAfterMs: number;
}

/** Admitted: inside until `expiresAt`. */
export interface AdmittedState extends QueueStateOf<'ENTER'> {
  ticket: string;
  /** ES256 JWT for the customer's backend; the same on every answer of one session. */
  successToken: string;
  expiresAt: string;
  /** The event's successUrl with `wr_token=<successToken>`, when the event has one. */
  successUrl?: string;
}

/** This id may not enter this event again. */
export interface BlockedState extends QueueStateOf<'BLOCK'> {
  reason: 'REENTRY_BLOCKED';
}

/** The place or session is over; a new enter starts at the back. */
export interface ExpiredState extends QueueStateOf<'EXPIRED'> {
  reason: ExpiredReason;
}

export type QueueState = WaitingState | AdmittedState | BlockedState | ExpiredState;

/** Every state but `WAIT`: where a wait ends. */
export type SettledQueueState = Exclude<QueueState, WaitingState>;

const STATUSES: ReadonlySet<string> = new Set(QUEUE_STATUSES);

/**
 * The body as a QueueState when it has the fields its `status` promises, else `null`: a proxy's
 * error page or a half-written answer must not reach the caller as a state.
 */
export function readQueueState(body: unknown): QueueState | null {
  if (typeof body !== 'object' || body === null) return null;
  const state = body as Record<string, unknown>;
  if (typeof state.id !== 'string' || typeof state.eventId !== 'string' || typeof state.eventStatus !== 'string') return null;
  if (typeof state.status !== 'string' || !STATUSES.has(state.status)) return null;
  switch (state.status) {
    case 'WAIT': {
      const info = state.expectedInfo as Record<string, unknown> | undefined;
      const ok =
        typeof state.ticket === 'string' &&
        typeof state.pollAfterMs === 'number' &&
        Number.isFinite(state.pollAfterMs) &&
        state.pollAfterMs >= 0 &&
        typeof info === 'object' &&
        info !== null &&
        typeof info.rank === 'number';
      return ok ? (state as unknown as WaitingState) : null;
    }
    case 'ENTER':
      return typeof state.ticket === 'string' && typeof state.successToken === 'string' && typeof state.expiresAt === 'string'
        ? (state as unknown as AdmittedState)
        : null;
    default:
      return typeof state.reason === 'string' ? (state as unknown as BlockedState | ExpiredState) : null;
  }
}
