import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

import { Logger } from '@nestjs/common';
import type { QueueConfig, QueueJournalEntry } from '@foyer/domain';

export const MEMORY_SNAPSHOT_FORMAT = 1;

/** Everything a `MemoryQueueStore` holds, as plain JSON. Rate-limit windows are not kept. */
export interface MemoryQueueSnapshot {
  format: typeof MEMORY_SNAPSHOT_FORMAT;
  events: EventQueueSnapshot[];
  journals: MemoryJournalSnapshot[];
}

export interface EventQueueSnapshot {
  config: QueueConfig;
  epoch: string;
  closedSeq: number;
  /** Seq ranges a rebuild could not restore (absent in snapshots written before rebuilds existed). */
  lost?: [number, number][];
  seq: number;
  /** `[id, seq, lastHeartbeat]`, head of the line first. Tuples keep a million waiters small. */
  waiting: [string, number, number][];
  /** `[id, seq, admittedAt, expiresAt, successToken]`. */
  sessions: [string, number, number, number, string | null][];
  /** `[id, seq, kind]`: `X` exited, `S` session ended by the clock. */
  done: [string, number, 'X' | 'S'][];
  totals: { admittedTotal: number; exitedTotal: number; expiredTotal: number; abandonedTotal: number };
  /** `[bucket, admissions]`. */
  rateBuckets: [number, number][];
  rate: number | null;
  /** `[keyHash, id]`: the enters' idempotency keys (absent in snapshots from before them). */
  idem?: [string, string][];
}

export interface MemoryJournalSnapshot {
  eventId: string;
  /** The last entry id handed out, so ids keep growing after a restore. */
  lastId: string;
  entries: QueueJournalEntry[];
}

/** Where an unusable snapshot is reported (Nest's logger by default, as the rest of the app logs). */
export interface SnapshotLogger {
  error(message: string): void;
}

/**
 * The embedded store's state on disk. `save` replaces the file atomically (write a temporary file,
 * flush it, rename), so a crash leaves the previous snapshot or the new one, never half of one.
 */
export class MemorySnapshotFile {
  constructor(
    private readonly path: string,
    private readonly logger: SnapshotLogger = new Logger('Stores'),
  ) {}

  /**
   * `null` when there is no snapshot or it cannot be used: the store then starts empty, and new
   * epochs make old tickets PLACE_LOST. An unusable one is no quiet fresh start: it is logged as an
   * error, with the path and why, and the file is kept aside as `<path>.unreadable-<time>`, since
   * the next save (seconds later) would otherwise replace what an operator may still recover.
   */
  load(): MemoryQueueSnapshot | null {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return null; // the first start
      // A directory in its place holds nothing of ours to keep aside (and saves will fail, loudly too).
      return this.unusable(`cannot be read (${errorMessage(err)})`, errorCode(err) !== 'EISDIR');
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return this.unusable(`is not JSON, perhaps a torn write by another tool (${errorMessage(err)})`);
    }
    if (!isMemoryQueueSnapshot(value)) return this.unusable(`is not a queue snapshot of format ${MEMORY_SNAPSHOT_FORMAT}`);
    return value;
  }

  save(snapshot: MemoryQueueSnapshot): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(temporary, 'w');
    try {
      writeSync(fd, JSON.stringify(snapshot));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.path);
  }

  private unusable(why: string, keepAside = true): null {
    let message = `the queue snapshot ${this.path} ${why}; the queue starts empty and tickets from before answer PLACE_LOST`;
    if (keepAside) {
      const aside = `${this.path}.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      try {
        renameSync(this.path, aside);
        message += `; the file is kept as ${aside}`;
      } catch (err) {
        message += `; it could not be kept aside as ${aside} (${errorMessage(err)}), so the next save replaces it`;
      }
    }
    this.logger.error(message);
    return null;
  }
}

// By shape, not instanceof: an error from another realm (a test sandbox, a worker) is still one.
function errorCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as NodeJS.ErrnoException).code : undefined;
}

function errorMessage(err: unknown): string {
  const message = typeof err === 'object' && err !== null ? (err as Error).message : undefined;
  return typeof message === 'string' ? message : String(err);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function isEventQueueSnapshot(value: unknown): value is EventQueueSnapshot {
  if (!isRecord(value) || !isRecord(value.config) || !isRecord(value.totals)) return false;
  const { config, totals } = value;
  return (
    typeof config.eventId === 'string' &&
    typeof config.status === 'string' &&
    isNumber(config.limitCnt) &&
    isNumber(config.sessionTtlMs) &&
    isNumber(config.waitTimeoutMs) &&
    isNumber(config.pollRefusalMs) &&
    typeof config.blockReentry === 'boolean' &&
    isNumber(config.version) &&
    typeof value.epoch === 'string' &&
    isNumber(value.closedSeq) &&
    isNumber(value.seq) &&
    Array.isArray(value.waiting) &&
    value.waiting.every((w) => Array.isArray(w) && typeof w[0] === 'string' && isNumber(w[1]) && isNumber(w[2])) &&
    Array.isArray(value.sessions) &&
    value.sessions.every((s) => Array.isArray(s) && typeof s[0] === 'string' && isNumber(s[1]) && isNumber(s[2]) && isNumber(s[3])) &&
    Array.isArray(value.done) &&
    value.done.every((d) => Array.isArray(d) && typeof d[0] === 'string' && isNumber(d[1]) && (d[2] === 'X' || d[2] === 'S')) &&
    Array.isArray(value.rateBuckets) &&
    ['admittedTotal', 'exitedTotal', 'expiredTotal', 'abandonedTotal'].every((k) => isNumber(totals[k]))
  );
}

function isJournalSnapshot(value: unknown): value is MemoryJournalSnapshot {
  return (
    isRecord(value) &&
    typeof value.eventId === 'string' &&
    typeof value.lastId === 'string' &&
    /^\d+-\d+$/.test(value.lastId) &&
    Array.isArray(value.entries) &&
    value.entries.every((e) => isRecord(e) && typeof e.entryId === 'string' && typeof e.type === 'string')
  );
}

/** A shape check, so a file that parses but is not ours loads as lost rather than half-restored. */
export function isMemoryQueueSnapshot(value: unknown): value is MemoryQueueSnapshot {
  return (
    isRecord(value) &&
    value.format === MEMORY_SNAPSHOT_FORMAT &&
    Array.isArray(value.events) &&
    value.events.every(isEventQueueSnapshot) &&
    Array.isArray(value.journals) &&
    value.journals.every(isJournalSnapshot)
  );
}
