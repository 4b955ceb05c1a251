import { systemClock } from '@foyer/domain';
import type { Clock, EventRecord, EventRepository, EventSettings, WritableEventFields } from '@foyer/domain';
import type { Database } from './database.js';
import type { Event as EventRow } from './generated/prisma/client.js';
import { withJournalLock } from './journal-lock.js';
import { insertJournalRows } from './journal-rows.js';

// A record, not a list, so that a field added to WritableEventFields fails to compile here
// instead of being silently left out of `update`.
const WRITABLE: Record<keyof WritableEventFields, true> = {
  name: true,
  limitCnt: true,
  status: true,
  successUrl: true,
  callbackUrl: true,
  sessionTtlSec: true,
  waitTimeoutSec: true,
  minPollIntervalMs: true,
  blockReentry: true,
  idPolicy: true,
  message: true,
};
const WRITABLE_FIELDS = Object.keys(WRITABLE) as (keyof WritableEventFields)[];

/**
 * Events in PostgreSQL (or PGlite). Every change writes its journal entry in the same
 * transaction, under the journal lock, so the journal never misses or invents a change.
 */
export class PrismaEventRepository implements EventRepository {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock = systemClock,
  ) {}

  async create(settings: EventSettings): Promise<EventRecord | null> {
    const now = new Date(this.clock.now());
    const picked = pickSettings(settings);
    const record: EventRecord = { ...picked, createdAt: now, updatedAt: now };
    return withJournalLock(this.db.prisma, async (tx) => {
      // ON CONFLICT DO NOTHING: the primary key decides a duplicate, and the transaction stays usable.
      const { count } = await tx.event.createMany({ data: [record], skipDuplicates: true });
      if (count === 0) return null;
      await insertJournalRows(tx, [
        {
          type: 'event.created',
          eventId: record.eventId,
          userId: null,
          payload: { ...picked },
          createdAt: now,
          sourceKey: null,
        },
      ]);
      return record;
    });
  }

  async list(): Promise<EventRecord[]> {
    const rows = await this.db.prisma.event.findMany({ orderBy: [{ createdAt: 'asc' }, { eventId: 'asc' }] });
    return rows.map(toEventRecord);
  }

  async get(eventId: string): Promise<EventRecord | null> {
    const row = await this.db.prisma.event.findUnique({ where: { eventId } });
    return row === null ? null : toEventRecord(row);
  }

  async update(eventId: string, changes: Partial<WritableEventFields>): Promise<EventRecord | null> {
    return withJournalLock(this.db.prisma, async (tx) => {
      const current = await tx.event.findUnique({ where: { eventId } });
      if (current === null) return null;
      const changed = changedFields(toEventRecord(current), changes);
      if (Object.keys(changed).length === 0) return toEventRecord(current);
      // Strictly later than the last change even within one millisecond: `updatedAt` is the
      // version the queue store's settings cache is checked against.
      const updatedAt = new Date(Math.max(this.clock.now(), current.updatedAt.getTime() + 1));
      const row = await tx.event.update({ where: { eventId }, data: { ...changed, updatedAt } });
      await insertJournalRows(tx, [
        {
          type: 'event.updated',
          eventId,
          userId: null,
          payload: { changes: changed },
          createdAt: updatedAt,
          sourceKey: null,
        },
      ]);
      return toEventRecord(row);
    });
  }

  async delete(eventId: string): Promise<boolean> {
    return withJournalLock(this.db.prisma, async (tx) => {
      const { count } = await tx.event.deleteMany({ where: { eventId } });
      if (count === 0) return false;
      await insertJournalRows(tx, [
        {
          type: 'event.deleted',
          eventId,
          userId: null,
          payload: {},
          createdAt: new Date(this.clock.now()),
          sourceKey: null,
        },
      ]);
      return true;
    });
  }
}

/** The fields of `changes` whose value differs from the event's. */
function changedFields(current: EventRecord, changes: Partial<WritableEventFields>): Partial<WritableEventFields> {
  const changed: Partial<Record<keyof WritableEventFields, unknown>> = {};
  for (const field of WRITABLE_FIELDS) {
    const value = changes[field];
    if (value !== undefined && value !== current[field]) changed[field] = value;
  }
  return changed as Partial<WritableEventFields>;
}

/** Exactly the settings, whatever else the caller's object carries. */
function pickSettings(settings: EventSettings): EventSettings {
  const picked: Partial<Record<keyof EventSettings, unknown>> = { eventId: settings.eventId };
  for (const field of WRITABLE_FIELDS) picked[field] = settings[field];
  return picked as EventSettings;
}

function toEventRecord(row: EventRow): EventRecord {
  return {
    eventId: row.eventId,
    name: row.name,
    limitCnt: row.limitCnt,
    status: row.status,
    successUrl: row.successUrl,
    callbackUrl: row.callbackUrl,
    sessionTtlSec: row.sessionTtlSec,
    waitTimeoutSec: row.waitTimeoutSec,
    minPollIntervalMs: row.minPollIntervalMs,
    blockReentry: row.blockReentry,
    idPolicy: row.idPolicy,
    message: row.message,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
