import {
  admits,
  EVENT_DEFAULTS,
  EVENT_ID_PATTERN,
  EVENT_LIMITS,
  EVENT_STATUSES,
  ID_POLICIES,
  refusesEntry,
  type EventStatus,
  type IdPolicy,
  type WritableEventFields,
} from '@foyer/domain';

/** How the form reads a field's input. */
export type EventFieldKind = 'text' | 'integer' | 'choice' | 'url' | 'boolean';

/**
 * Every writable setting of an event, in the form's order, with how its input is read. Keyed by the
 * domain's own type, so a setting added there does not compile until the dashboard knows it.
 */
const EVENT_FIELDS = {
  name: 'text',
  limitCnt: 'integer',
  status: 'choice',
  successUrl: 'url',
  callbackUrl: 'url',
  sessionTtlSec: 'integer',
  waitTimeoutSec: 'integer',
  minPollIntervalMs: 'integer',
  blockReentry: 'boolean',
  idPolicy: 'choice',
  message: 'text',
} as const satisfies Record<keyof WritableEventFields, EventFieldKind>;

/**
 * What the dashboard's scripts read from the page's JSON block (no inline script: the CSP allows
 * only 'self'): the server's rules for events, so the page restates none of them.
 */
export interface DashboardConfig {
  event: {
    fields: Record<keyof WritableEventFields, EventFieldKind>;
    /** What a setting left out of a create becomes; `null`: none, and clearable by an edit. */
    defaults: typeof EVENT_DEFAULTS;
    limits: typeof EVENT_LIMITS;
    statuses: readonly EventStatus[];
    /** The statuses that admit anyone, and those that refuse new places (ending every waiting one). */
    admitting: EventStatus[];
    refusingEntry: EventStatus[];
    idPolicies: readonly IdPolicy[];
    /** `EVENT_ID_PATTERN`, as a RegExp source. The form leaves the check to the server, whose message names the field. */
    idPattern: string;
  };
}

export function dashboardConfig(): DashboardConfig {
  return {
    event: {
      fields: EVENT_FIELDS,
      defaults: EVENT_DEFAULTS,
      limits: EVENT_LIMITS,
      statuses: EVENT_STATUSES,
      admitting: EVENT_STATUSES.filter(admits),
      refusingEntry: EVENT_STATUSES.filter(refusesEntry),
      idPolicies: ID_POLICIES,
      idPattern: EVENT_ID_PATTERN.source,
    },
  };
}
