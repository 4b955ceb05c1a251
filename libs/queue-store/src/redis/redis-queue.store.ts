import type { Cluster, Redis } from 'ioredis';
import {
  JOURNAL_TYPES,
  RATE_BUCKET_MS,
  measuredAdmissionRate,
  staleRateBuckets,
  type EnterOptions,
  type EnterResult,
  type ExitResult,
  type JournalBacklog,
  type Place,
  type PollResult,
  type PromoteResult,
  type QueueConfig,
  type QueueJournalEntry,
  type QueueJournalType,
  type QueueStats,
  type QueueStore,
  type SweepResult,
  type VerifyResult,
  StoreUnavailableError,
  type BeginRebuild,
  type RestoredEvent,
  type RestoredPlaces,
} from '@foyer/domain';
import { EXIT_PROMOTE_MAX } from '../exit-promotion.js';
import { QueueKeys } from './queue-keys.js';
import { RateCopies } from './rate-copies.js';
import { decodeHeartbeat, decodeReply, parseRate } from './script-replies.js';
import { SCRIPT_KEYS, runScript, type EventScriptName, type ScriptArg } from './scripts.js';
import { reportingOutages } from './redis-outages.js';
import { ReplicaAcks, type ReplicaWaitOptions } from './replica-acks.js';

export interface RedisQueueStoreOptions {
  /** Prefix of every key (`REDIS_KEY_PREFIX`), so deployments and test runs can share a server. */
  keyPrefix: string;
  /**
   * `REDIS_WAIT_REPLICAS` (with `REDIS_WAIT_TIMEOUT_MS`): the scripts that queue or admit answer
   * only once `WAIT` has counted this many replicas holding them. Absent or 0: no WAIT.
   */
  waitForReplicas?: ReplicaWaitOptions;
  /** Told after every WAIT how many replicas acknowledged which script: for a metric and the log. */
  onReplicaAcks?: (report: ReplicaAckReport) => void;
}

/**
 * The writes confirmed by WAIT: the scripts that queue or admit, and `poll` for an ENTER answer
 * with a stored token and a HELD `enter` (see `confirmEarlierWrite`).
 */
export type ConfirmedScript = 'enter' | 'save-token' | 'poll' | 'promote' | 'exit';

export interface ReplicaAckReport {
  script: ConfirmedScript;
  eventId: string;
  wanted: number;
  acked: number;
}

/**
 * What a shortfall means per script. `enter`, `save-token` and an ENTER `poll` acknowledge a place
 * or a session to the visitor, and `exit` tells the customer a slot is free: unconfirmed, they
 * answer 503 rather than something a failover could undo (the place is on the master, and a retry
 * with the same Idempotency-Key finds it; an exit retried answers ALREADY_EXITED, or ends the
 * session again on a new master that lost it, instead of leaving it to hold a slot till its end).
 * `promote` answers nobody: the admitted user learns of it through a poll, confirmed before it
 * answers ENTER; a promotion lost in a failover leaves the user waiting, to be promoted again.
 */
const REFUSED_UNCONFIRMED: ReadonlySet<ConfirmedScript> = new Set(['enter', 'save-token', 'poll', 'exit']);

/**
 * The queue on Redis (single or Cluster): every state change is one Lua script, so a change and
 * its journal entry happen atomically and no number of replicas can over-admit. Times come from
 * Redis `TIME`. The store owns the connection it is given: `close()` quits it.
 */
export class RedisQueueStore implements QueueStore {
  private readonly keys: QueueKeys;
  private readonly rates: RateCopies;
  private readonly replicaAcks: ReplicaAcks | null;
  private readonly onReplicaAcks: (report: ReplicaAckReport) => void;

  constructor(
    private readonly redis: Redis | Cluster,
    options: RedisQueueStoreOptions,
  ) {
    this.keys = new QueueKeys(options.keyPrefix);
    const wait = options.waitForReplicas;
    this.replicaAcks = wait && wait.replicas > 0 ? new ReplicaAcks(redis, wait) : null;
    this.onReplicaAcks = options.onReplicaAcks ?? (() => undefined);
    this.rates = new RateCopies(async (eventId) => parseRate(await this.redis.hget(this.keys.eventKey(eventId, 'stats'), 'rate')));
    // Callers get the domain's StoreUnavailableError for an outage, not ioredis's errors.
    return reportingOutages(this);
  }

  async configure(config: QueueConfig): Promise<boolean> {
    return Number(await this.run('configure', config.eventId, configArgs(config))) >= 0;
  }

  async beginRebuild(eventId: string, holder: string, leaseMs: number): Promise<BeginRebuild> {
    const code = Number(await this.run('begin-rebuild', eventId, [holder, leaseMs]));
    return code === 0 ? 'BEGUN' : code === 1 ? 'HELD' : 'PRESENT';
  }

  async restoreChunk(eventId: string, holder: string, leaseMs: number, chunk: RestoredPlaces): Promise<boolean> {
    const args: ScriptArg[] = [holder, leaseMs, chunk.waiting.length, chunk.sessions.length, chunk.done.length, chunk.idem.length];
    for (const [id, seq] of chunk.waiting) args.push(id, seq);
    for (const [id, seq, admittedAt, expiresAt] of chunk.sessions) args.push(id, seq, admittedAt, expiresAt);
    for (const [id, seq, kind] of chunk.done) args.push(id, `${seq}:${kind}`);
    for (const [hash, id] of chunk.idem) args.push(hash, id);
    return Number(await this.run('restore', eventId, args)) === 1;
  }

  async finishRebuild(eventId: string, holder: string, event: RestoredEvent): Promise<boolean> {
    const { totals } = event;
    const args = [
      holder,
      ...configArgs(event.config),
      event.epoch,
      event.seq,
      event.closedSeq,
      JSON.stringify(event.lost),
      totals.admittedTotal,
      totals.exitedTotal,
      totals.expiredTotal,
      totals.abandonedTotal,
    ];
    const live = Number(await this.run('finish-rebuild', eventId, args)) === 1;
    if (live) this.rates.forget(eventId);
    return live;
  }

  async reregisterSession(place: Place, admittedAt: number, expiresAt: number): Promise<boolean> {
    const args = [place.id, place.seq, place.epoch, admittedAt, expiresAt];
    return Number(await this.run('reregister', place.eventId, args)) === 1;
  }

  async configVersion(eventId: string): Promise<number | null> {
    const [epoch, version] = await this.redis.hmget(this.keys.eventKey(eventId, 'cfg'), 'epoch', 'version');
    return epoch === null || version === null ? null : Number(version);
  }

  async enter(eventId: string, id: string, options: EnterOptions = {}): Promise<EnterResult> {
    const args = [id, options.key?.hash ?? '', options.key?.serverId ?? '', options.answerHeld ? 1 : 0];
    const result = decodeReply('enter', await this.runConfirmed('enter', eventId, args), { eventId, id });
    // A HELD answer (a keyed retry, a SIGNED id) reads a place an earlier enter wrote, maybe on another connection.
    if (result.outcome === 'HELD') await this.confirmEarlierWrite('enter', eventId);
    return result;
  }

  /**
   * A waiter's poll (nearly every poll) takes the heartbeat script, with 3 keys instead of 9 and
   * an integer for an answer, and the rate from this process's copy (`RateCopies`); any other
   * place (admitted, lapsed, gone) is answered by the full poll script after it.
   */
  async poll(place: Place): Promise<PollResult> {
    const args = [place.id, place.seq, place.epoch];
    const heartbeat = decodeHeartbeat(await this.run('heartbeat', place.eventId, args));
    if (heartbeat > 0) {
      const rate = this.rates.get(place.eventId);
      const measuredRate = rate instanceof Promise ? await rate : rate;
      return { outcome: 'STATE', state: { status: 'WAIT', place, rank: heartbeat, measuredRate } };
    }
    if (heartbeat < 0) return { outcome: 'TOO_FREQUENT', retryAfterMs: -heartbeat };
    const result = decodeReply('poll', await this.run('poll', place.eventId, args), place);
    if (result.outcome === 'STATE' && result.state.status === 'ENTER' && result.state.session.successToken !== null) {
      await this.confirmEarlierWrite('poll', place.eventId);
    }
    return result;
  }

  /**
   * An answer read from what an earlier write left (an ENTER poll with a stored token, a HELD
   * enter) had no WAIT of its own behind that write: the save or enter that made it was confirmed,
   * or answered 503 when it was not, and then this answer is its first acknowledgement. So with
   * `REDIS_WAIT_REPLICAS` it is confirmed here: a write that changes nothing (`INCRBY seq 0`, the
   * arrival counter every event with a place has) brings this connection's replication offset past
   * the earlier write, and WAIT counts the replicas there.
   */
  private async confirmEarlierWrite(script: 'enter' | 'poll', eventId: string): Promise<void> {
    if (this.replicaAcks === null) return;
    const seq = this.keys.eventKey(eventId, 'seq');
    this.refuseUnconfirmed(script, eventId, await this.replicaAcks.confirm(seq, () => this.redis.incrby(seq, 0)));
  }

  async saveSuccessToken(place: Place, successToken: string): Promise<string | null> {
    const stored = await this.runConfirmed('save-token', place.eventId, [place.id, place.seq, place.epoch, successToken]);
    return typeof stored === 'string' ? stored : null;
  }

  async exit(place: Place): Promise<ExitResult> {
    const args = [place.id, place.seq, place.epoch, EXIT_PROMOTE_MAX, RATE_BUCKET_MS];
    return decodeReply('exit', await this.runConfirmed('exit', place.eventId, args), place);
  }

  async verify(place: Place): Promise<VerifyResult> {
    return decodeReply('verify', await this.run('verify', place.eventId, [place.id, place.seq, place.epoch]), place);
  }

  async promote(eventId: string, max: number): Promise<PromoteResult> {
    const [admitted, abandoned] = numbers(await this.runConfirmed('promote', eventId, [max, RATE_BUCKET_MS]));
    return { admitted, abandoned };
  }

  async sweep(eventId: string, max: number): Promise<SweepResult> {
    const [expired, abandoned, removed] = numbers(await this.run('sweep', eventId, [max]));
    return { expired, abandoned, removed };
  }

  /** Two round trips: read the buckets, then store what the domain's rule makes of them. */
  async refreshRate(eventId: string): Promise<number | null> {
    const window = numbers(await this.run('rate-buckets', eventId, []));
    if (window.length === 0) return null;
    const [now, limitCnt, sessionTtlMs, ...counts] = window;
    const buckets = new Map<number, number>();
    for (let i = 0; i + 1 < counts.length; i += 2) buckets.set(counts[i], counts[i + 1]);
    const rate = measuredAdmissionRate(buckets, now, { limitCnt, sessionTtlSec: sessionTtlMs / 1000 });
    const stale = staleRateBuckets(buckets.keys(), now);
    await this.run('set-rate', eventId, [rate === null ? '' : String(rate), ...stale]);
    this.rates.set(eventId, rate);
    return rate;
  }

  async stats(eventId: string): Promise<QueueStats> {
    const [waiting, active, admittedTotal, exitedTotal, expiredTotal, abandonedTotal] = numbers(await this.run('stats', eventId, []));
    return { waiting, active, admittedTotal, exitedTotal, expiredTotal, abandonedTotal };
  }

  async dropEvent(eventId: string): Promise<void> {
    await this.run('drop', eventId, []);
    this.rates.forget(eventId);
  }

  async readJournal(eventId: string, max: number): Promise<QueueJournalEntry[]> {
    if (max <= 0) return [];
    const entries = await this.redis.xrange(this.keys.eventKey(eventId, 'log'), '-', '+', 'COUNT', max);
    return entries.map(([entryId, fields]) => journalEntry(eventId, entryId, fields));
  }

  async ackJournal(eventId: string, entryIds: string[]): Promise<void> {
    if (entryIds.length === 0) return;
    await this.redis.xdel(this.keys.eventKey(eventId, 'log'), ...entryIds);
  }

  async dropJournal(eventId: string): Promise<void> {
    await this.redis.unlink(this.keys.eventKey(eventId, 'log'));
  }

  async journalBacklog(eventId: string): Promise<JournalBacklog> {
    const [pending, lagMs] = numbers(await this.run('backlog', eventId, []));
    return { pending, lagMs };
  }

  async hit(key: string, limit: number, windowMs: number): Promise<{ allowed: boolean; retryAfterMs: number }> {
    if (!(windowMs >= 1)) throw new RangeError(`windowMs must be at least 1, got ${windowMs}`);
    const [allowed, retryAfterMs] = numbers(await runScript(this.redis, 'hit', [this.keys.rateLimitKey(key)], [limit, windowMs]));
    return { allowed: allowed === 1, retryAfterMs };
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    if (this.redis.status === 'end') return;
    // QUIT lets replies in flight arrive; without a live connection it would wait for one.
    if (this.redis.status === 'ready') await this.redis.quit();
    else this.redis.disconnect();
  }

  private run(name: EventScriptName, eventId: string, args: readonly ScriptArg[]): Promise<unknown> {
    return runScript(this.redis, name, this.keys.eventKeyList(eventId, SCRIPT_KEYS[name]), args);
  }

  /** `run`, then, with `REDIS_WAIT_REPLICAS`, WAIT for the replicas (see `REFUSED_UNCONFIRMED` for a shortfall). */
  private async runConfirmed(name: ConfirmedScript, eventId: string, args: readonly ScriptArg[]): Promise<unknown> {
    if (this.replicaAcks === null) return this.run(name, eventId, args);
    const confirmed = await this.replicaAcks.confirm(this.keys.eventKey(eventId, 'cfg'), () => this.run(name, eventId, args));
    return this.refuseUnconfirmed(name, eventId, confirmed);
  }

  /** Reports a WAIT; throws `StoreUnavailableError` (503) when it fell short for a script of `REFUSED_UNCONFIRMED`. */
  private refuseUnconfirmed<T>(name: ConfirmedScript, eventId: string, { reply, acked }: { reply: T; acked: number }): T {
    const { replicas, timeoutMs } = this.replicaAcks!.options;
    this.onReplicaAcks({ script: name, eventId, wanted: replicas, acked });
    if (acked < replicas && REFUSED_UNCONFIRMED.has(name)) {
      const why = `WAIT counted ${acked} of ${replicas} replicas holding the ${name} of event '${eventId}' within ${timeoutMs} ms`;
      throw new StoreUnavailableError('Redis replication', new Error(why));
    }
    return reply;
  }
}

/** The settings as configure-3 and finish-rebuild-5 take them (ARGV order). */
function configArgs(config: QueueConfig): ScriptArg[] {
  return [config.status, config.limitCnt, config.sessionTtlMs, config.waitTimeoutMs, config.pollRefusalMs, config.blockReentry ? 1 : 0, config.version];
}

function numbers(reply: unknown): number[] {
  if (!Array.isArray(reply)) throw new Error(`expected an array reply, got ${JSON.stringify(reply)}`);
  return reply.map(Number);
}

/** A stream entry of the event's outbox: fields t (type), u (user id), d (JSON payload). */
function journalEntry(eventId: string, entryId: string, fields: string[]): QueueJournalEntry {
  const field = (name: string): string => {
    for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
    throw new Error(`journal entry ${entryId} of event '${eventId}' has no field '${name}'`);
  };
  const type = field('t');
  if (!(JOURNAL_TYPES as readonly string[]).includes(type)) {
    throw new Error(`journal entry ${entryId} of event '${eventId}' has an unknown type '${type}'`);
  }
  return {
    entryId,
    type: type as QueueJournalType,
    eventId,
    id: field('u'),
    at: Number(entryId.slice(0, entryId.indexOf('-'))),
    payload: JSON.parse(field('d')) as Record<string, unknown>,
  };
}
