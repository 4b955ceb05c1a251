/** An event ("행사"): a sale, a concert, a launch, with its own line and capacity. */

export const EVENT_STATUSES = ['DRAFT', 'OPEN', 'PAUSED', 'CLOSED'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const ID_POLICIES = ['OPEN', 'SIGNED'] as const;
export type IdPolicy = (typeof ID_POLICIES)[number];

export const EVENT_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export interface EventSettings {
  eventId: string;
  name: string;
  limitCnt: number;
  status: EventStatus;
  successUrl: string | null;
  callbackUrl: string | null;
  sessionTtlSec: number;
  waitTimeoutSec: number;
  minPollIntervalMs: number;
  blockReentry: boolean;
  idPolicy: IdPolicy;
  message: string | null;
}

export interface EventRecord extends EventSettings {
  createdAt: Date;
  updatedAt: Date;
}

export type WritableEventFields = Omit<EventSettings, 'eventId'>;

export const EVENT_DEFAULTS = {
  status: 'OPEN',
  successUrl: null,
  callbackUrl: null,
  sessionTtlSec: 600,
  waitTimeoutSec: 300,
  minPollIntervalMs: 1000,
  blockReentry: true,
  idPolicy: 'OPEN',
  message: null,
} as const satisfies Partial<EventSettings>;

export const EVENT_LIMITS = {
  limitCnt: { min: 0, max: 1_000_000 },
  sessionTtlSec: { min: 1, max: 86_400 },
  waitTimeoutSec: { min: 1, max: 86_400 },
  minPollIntervalMs: { min: 0, max: 60_000 },
  name: { min: 1, max: 200 },
  message: { max: 500 },
} as const;

/** `DRAFT` and `CLOSED` refuse new places and end every waiting one. */
export function refusesEntry(status: EventStatus): boolean {
  return status === 'DRAFT' || status === 'CLOSED';
}

/** Only an `OPEN` event admits anyone; a `PAUSED` one still queues. */
export function admits(status: EventStatus): boolean {
  return status === 'OPEN';
}

/** The longest a waiter may be told to wait between polls: a third of the wait timeout. */
export function maxPollIntervalMs(settings: Pick<EventSettings, 'waitTimeoutSec'>): number {
  return Math.floor((settings.waitTimeoutSec * 1000) / 3);
}

/**
 * Cross-field rules of a whole event (single fields are checked by the DTOs).
 * Returns one message per broken rule, naming the field, empty when the event is consistent.
 */
export function eventSettingsProblems(
  settings: Pick<EventSettings, 'waitTimeoutSec' | 'minPollIntervalMs' | 'idPolicy'>,
  options: { entryTokensConfigured: boolean },
): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (settings.minPollIntervalMs > maxPollIntervalMs(settings)) {
    problems.push({
      field: 'minPollIntervalMs',
      message: `minPollIntervalMs must not exceed a third of waitTimeoutSec (${maxPollIntervalMs(settings)} ms)`,
    });
  }
  if (settings.idPolicy === 'SIGNED' && !options.entryTokensConfigured) {
    problems.push({
      field: 'idPolicy',
      message: 'idPolicy SIGNED needs ENTRY_TOKEN_SECRET to be set on the server',
    });
  }
  return problems;
}
