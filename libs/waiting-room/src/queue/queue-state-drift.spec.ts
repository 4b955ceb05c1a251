import 'reflect-metadata';
import { DECORATORS } from '@nestjs/swagger';
import {
  BLOCK_REASONS,
  EVENT_STATUSES,
  EXPECTED_INFO_FIELDS,
  EXPIRED_REASONS,
  QUEUE_STATE_FIELDS,
  QUEUE_STATUSES,
  type ExpectedInfo,
  type QueueState,
  type QueueStateField,
  type QueueStatus,
} from '@foyer/domain';
import * as sdk from '../../../sdk/src/client/queue-state.js';
import { ExpectedInfoDto, QUEUE_STATE_SCHEMA, QueueStateDto } from './queue-state.dto.js';

/**
 * QueueState is written down four times: the domain type (the source), the OpenAPI DTO, the
 * response schema the serialiser is compiled from, and the SDK's copy (which may not import the
 * domain). This fails when any of them parts from the domain's fields, statuses or reasons.
 */

// ---- type level (npm run typecheck): the SDK's types against the domain's ---------------------

/** Exactly the same type (not just assignable either way). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Assignable both ways: the same fields with the same types and optionality, maybe spelt differently. */
type Interchangeable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Variant<State, S extends QueueStatus> = Extract<State, { status: S }>;
type SameVariant<S extends QueueStatus> =
  Interchangeable<Variant<QueueState, S>, Variant<sdk.QueueState, S>> extends true
    ? Same<keyof Variant<QueueState, S>, keyof Variant<sdk.QueueState, S>>
    : false;

const TYPES_AGREE: {
  domainFieldList: Same<(typeof QUEUE_STATE_FIELDS)[number], QueueStateField>;
  domainExpectedInfoList: Same<(typeof EXPECTED_INFO_FIELDS)[number], keyof ExpectedInfo>;
  sdkStatuses: Same<sdk.QueueState['status'], QueueStatus>;
  sdkWait: SameVariant<'WAIT'>;
  sdkEnter: SameVariant<'ENTER'>;
  sdkBlock: SameVariant<'BLOCK'>;
  sdkExpired: SameVariant<'EXPIRED'>;
  sdkExpectedInfo: Interchangeable<sdk.ExpectedInfo, ExpectedInfo>;
} = {
  domainFieldList: true,
  domainExpectedInfoList: true,
  sdkStatuses: true,
  sdkWait: true,
  sdkEnter: true,
  sdkBlock: true,
  sdkExpired: true,
  sdkExpectedInfo: true,
};

// ---- run time (jest) -------------------------------------------------------------------------

function documented(dto: abstract new () => unknown): string[] {
  const names = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, dto.prototype) as string[];
  return names.map((name) => name.replace(/^:/, ''));
}

function documentedEnum(dto: abstract new () => unknown, field: string): unknown {
  return (Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, dto.prototype, field) as { enum?: unknown }).enum;
}

/** One answer of each status, as the server writes them. */
const ANSWERS: QueueState[] = [
  {
    id: 'u',
    eventId: 'e',
    eventStatus: 'OPEN',
    message: 'm',
    status: 'WAIT',
    ticket: 't',
    expectedInfo: { rank: 1, waitSeconds: null, time: null, waitSecondsP25: null, waitSecondsP75: null },
    pollAfterMs: 1000,
  },
  {
    id: 'u',
    eventId: 'e',
    eventStatus: 'OPEN',
    status: 'ENTER',
    ticket: 't',
    successToken: 's',
    expiresAt: '2026-01-01T00:00:00.000Z',
    successUrl: 'https://shop.example/?wr_token=s',
  },
  { id: 'u', eventId: 'e', eventStatus: 'OPEN', status: 'BLOCK', reason: 'REENTRY_BLOCKED' },
  { id: 'u', eventId: 'e', eventStatus: 'CLOSED', status: 'EXPIRED', reason: 'EVENT_CLOSED' },
];

describe('QueueState written four times', () => {
  it('type-checks the SDK against the domain (the assertions above compile only when they agree)', () => {
    expect(Object.values(TYPES_AGREE).every((agrees) => agrees)).toBe(true);
  });

  it('has the response schema name the domain fields, in the order answers are written', () => {
    expect(Object.keys(QUEUE_STATE_SCHEMA.properties)).toEqual([...QUEUE_STATE_FIELDS]);
    expect(Object.keys(QUEUE_STATE_SCHEMA.properties.expectedInfo.properties)).toEqual([...EXPECTED_INFO_FIELDS]);
  });

  it('has the DTO document the domain fields, statuses and reasons', () => {
    expect(documented(QueueStateDto).sort()).toEqual([...QUEUE_STATE_FIELDS].sort());
    expect(documented(ExpectedInfoDto).sort()).toEqual([...EXPECTED_INFO_FIELDS].sort());
    expect(documentedEnum(QueueStateDto, 'status')).toEqual([...QUEUE_STATUSES]);
    expect(documentedEnum(QueueStateDto, 'eventStatus')).toEqual([...EVENT_STATUSES]);
    expect(documentedEnum(QueueStateDto, 'reason')).toEqual([...BLOCK_REASONS, ...EXPIRED_REASONS]);
  });

  it("has the SDK's lists match the domain's", () => {
    expect([...sdk.QUEUE_STATUSES]).toEqual([...QUEUE_STATUSES]);
    expect([...sdk.EVENT_STATUSES]).toEqual([...EVENT_STATUSES]);
    expect([...sdk.EXPIRED_REASONS]).toEqual([...EXPIRED_REASONS]);
  });

  it('has the SDK read every status the server writes, as written', () => {
    expect(ANSWERS.map((answer) => answer.status).sort()).toEqual([...QUEUE_STATUSES].sort());
    for (const answer of ANSWERS) {
      const wire = JSON.parse(JSON.stringify(answer)) as unknown;
      expect(sdk.readQueueState(wire)).toEqual(answer);
    }
  });
});
