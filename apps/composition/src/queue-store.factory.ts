import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import type { FoyerConfig } from '@foyer/config';
import { dependencyState, type FoyerMetrics } from '@foyer/platform';
import type { Clock, QueueStore } from '@foyer/domain';
import { createRedis, MemoryQueueStore, MemorySnapshotFile, readyWithin, RedisQueueStore, type ReplicaAckReport } from '@foyer/queue-store';

/** The embedded store is written to disk this often (and on shutdown). */
const SNAPSHOT_EVERY_MS = 5_000;

/**
 * The embedded queue: a `MemoryQueueStore` restored from its snapshot file under `FOYER_DATA_DIR`
 * and saved to it every few seconds until `stop`, so a restart keeps the line.
 */
export class EmbeddedQueue {
  private readonly logger = new Logger('Stores');
  private readonly timer: NodeJS.Timeout;

  private constructor(
    readonly store: MemoryQueueStore,
    private readonly file: MemorySnapshotFile,
  ) {
    this.timer = setInterval(() => this.save(), SNAPSHOT_EVERY_MS);
    this.timer.unref();
  }

  static restore(config: FoyerConfig, clock: Clock): EmbeddedQueue {
    const file = new MemorySnapshotFile(join(config.dataDir, 'queue-snapshot.json'));
    const snapshot = file.load();
    const store = snapshot ? MemoryQueueStore.fromSnapshot(snapshot, { clock }) : new MemoryQueueStore({ clock });
    return new EmbeddedQueue(store, file);
  }

  /** Stops the timer and writes the last snapshot. */
  stop(): void {
    clearInterval(this.timer);
    this.save();
  }

  private save(): void {
    try {
      this.file.save(this.store.toSnapshot());
    } catch (err) {
      this.logger.error(`could not write the queue snapshot: ${(err as Error).message}`);
    }
  }
}

/** The Redis queue store; an API process fails fast (→ 503), a worker-only process waits out an outage. */
export async function openRedisQueueStore(config: FoyerConfig, metrics: FoyerMetrics): Promise<QueueStore> {
  const { url, clusterNodes, clusterAuth, keyPrefix, waitReplicas, waitTimeoutMs } = config.redis;
  const profile = config.roles.has('api') ? 'api' : 'worker';
  const redis = createRedis({ url, clusterNodes, clusterAuth, profile, name: 'foyer', ...dependencyState.reporter('Redis') });
  if (!(await readyWithin(redis))) new Logger('Stores').warn('Redis is not answering yet; queue routes answer 503 until it does');
  return new RedisQueueStore(redis, {
    keyPrefix,
    waitForReplicas: { replicas: waitReplicas, timeoutMs: waitTimeoutMs },
    onReplicaAcks: (report) => countReplicaAcks(report, metrics),
  });
}

/**
 * Every WAIT counted in `foyer_redis_wait_total`; a shortfall logged once when it starts and once
 * when the replicas confirm again (as an outage of "Redis replication"), not once per write.
 */
function countReplicaAcks({ script, eventId, wanted, acked }: ReplicaAckReport, metrics: FoyerMetrics): void {
  const confirmed = acked >= wanted;
  metrics.redisWaits.inc({ script, outcome: confirmed ? 'confirmed' : 'unconfirmed' });
  if (confirmed) dependencyState.available('Redis replication');
  else dependencyState.unavailable('Redis replication', `WAIT counted ${acked} of ${wanted} replicas (first: the ${script} of event '${eventId}')`);
}
