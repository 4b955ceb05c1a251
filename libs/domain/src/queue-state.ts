import type { EventStatus } from './event.js';

export const QUEUE_STATUSES = ['WAIT', 'ENTER', 'BLOCK', 'EXPIRED'] as const;
export type QueueStatus = (typeof QUEUE_STATUSES)[number];

export const BLOCK_REASONS = ['REENTRY_BLOCKED'] as const;
export type BlockReason = (typeof BLOCK_REASONS)[number];

export const EXPIRED_REASONS = ['WAIT_TIMEOUT', 'SESSION_ENDED', 'EXITED', 'EVENT_CLOSED', 'PLACE_LOST'] as const;
export type ExpiredReason = (typeof EXPIRED_REASONS)[number];

export interface ExpectedInfo {
  rank: number;
  waitSeconds: number | null;
  time: string | null;
  /** The middle half of where the wait may fall: a quarter of waits are shorter than P25, a quarter longer than P75. */
  waitSecondsP25: number | null;
  waitSecondsP75: number | null;
}

interface StateBase {
  id: string;
  eventId: string;
  eventStatus: EventStatus;
  message?: string;
}

/** What a visitor is told: the QueueState of API.md. */
export type QueueState =
  | (StateBase & { status: 'WAIT'; ticket: string; expectedInfo: ExpectedInfo; pollAfterMs: number })
  | (StateBase & {
      status: 'ENTER';
      ticket: string;
      successToken: string;
      expiresAt: string;
      successUrl?: string;
    })
  | (StateBase & { status: 'BLOCK'; reason: BlockReason })
  | (StateBase & { status: 'EXPIRED'; reason: ExpiredReason });

/** Every field of any QueueState. */
export type QueueStateField = QueueState extends infer S ? (S extends unknown ? keyof S : never) : never;

/**
 * The fields of QueueState as a value, in the order answers are written: the response schema is
 * built from it, and queue-state drift specs compare the DTO and the SDK with it.
 */
export const QUEUE_STATE_FIELDS = [
  'id',
  'eventId',
  'eventStatus',
  'message',
  'status',
  'ticket',
  'expectedInfo',
  'pollAfterMs',
  'successToken',
  'expiresAt',
  'successUrl',
  'reason',
] as const satisfies readonly QueueStateField[];

export const EXPECTED_INFO_FIELDS = ['rank', 'waitSeconds', 'time', 'waitSecondsP25', 'waitSecondsP75'] as const satisfies readonly (keyof ExpectedInfo)[];

/**
 * A successUrl with the token appended as `wr_token`. The rest of its query is kept byte for byte
 * (URLSearchParams would re-encode it: `b=x%20y` would arrive as `b=x+y`); a `wr_token` already
 * in it is replaced.
 */
export function successUrlWithToken(successUrl: string, successToken: string): string {
  const url = new URL(successUrl);
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((part) => part !== '' && part !== 'wr_token' && !part.startsWith('wr_token='));
  url.search = [...kept, `wr_token=${encodeURIComponent(successToken)}`].join('&');
  return url.toString();
}
