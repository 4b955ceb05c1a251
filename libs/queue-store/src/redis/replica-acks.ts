import { Cluster, Command, type Redis } from 'ioredis';

/** `REDIS_WAIT_REPLICAS` and `REDIS_WAIT_TIMEOUT_MS`: how many replicas must hold a write before it is answered. */
export interface ReplicaWaitOptions {
  replicas: number;
  timeoutMs: number;
}

type Connection = Redis;
type Socket = Redis['stream'];

/** Scripts confirmed by one WAIT: those whose replies came on `socket` before the WAIT was sent. */
interface PendingWait {
  socket: Socket;
  acked: Promise<number>;
}

/**
 * Counts the replicas that hold a write, with Redis's `WAIT numreplicas timeout`.
 *
 * WAIT blocks its connection until the replicas acknowledge everything that connection wrote
 * before it, so it must follow the write on the very connection that carried it: on a Cluster, the
 * connection to the master that owns the event's slot, found the way ioredis routes (the slot's
 * first node). Replication is one ordered stream per master, so a WAIT that confirms a write
 * confirms every earlier write of that master, whoever made it.
 *
 * Group commit: the scripts whose replies arrive in one turn of the event loop share one WAIT,
 * sent right after that turn on their connection; a WAIT sent later still covers them. One WAIT per
 * script would hold the shared connection for a replica round trip each.
 *
 * Never a confirmation it cannot vouch for: when the slot's master or the connection's socket
 * changed between the script and its WAIT (a failover, a MOVED, a reconnection), a WAIT on the new
 * connection would measure other writes, so the write counts as acknowledged by no replica. A WAIT
 * that fails counts the same.
 */
export class ReplicaAcks {
  private readonly pending = new Map<Connection, PendingWait>();

  constructor(
    private readonly redis: Redis | Cluster,
    readonly options: ReplicaWaitOptions,
  ) {}

  /**
   * Runs `write` (a script on the keys of `key`'s slot) and answers its reply with the number of
   * replicas that acknowledged it (0 to `options.replicas`; WAIT answers as soon as that many have).
   */
  async confirm<T>(key: string, write: () => Promise<T>): Promise<{ reply: T; acked: number }> {
    const before = this.masterConnection(key);
    const reply = await write();
    const after = this.masterConnection(key);
    if (before === null || before !== after || after.status !== 'ready') return { reply, acked: 0 };
    return { reply, acked: await this.waitOn(after) };
  }

  /** The connection ioredis sends `key`'s commands on: the single Redis, or the master of its slot. */
  private masterConnection(key: string): Connection | null {
    if (!(this.redis instanceof Cluster)) return this.redis;
    const nodeKey = this.redis.slots[new Command('exists', [key]).getSlot() ?? -1]?.[0];
    if (nodeKey === undefined) return null;
    return this.redis.nodes('master').find((node) => `${node.options.host}:${node.options.port}` === nodeKey) ?? null;
  }

  private waitOn(connection: Connection): Promise<number> {
    const socket = connection.stream;
    const joined = this.pending.get(connection);
    if (joined && joined.socket === socket) return joined.acked;
    const acked = new Promise<number>((resolve) => setImmediate(() => resolve(this.sendWait(connection, socket))));
    this.pending.set(connection, { socket, acked });
    return acked;
  }

  private async sendWait(connection: Connection, socket: Socket): Promise<number> {
    this.pending.delete(connection);
    if (connection.stream !== socket || connection.status !== 'ready') return 0;
    const wait = new Command('wait', [this.options.replicas, this.options.timeoutMs], { replyEncoding: 'utf8' });
    void connection.sendCommand(wait);
    try {
      return Number(await wait.promise);
    } catch {
      return 0;
    }
  }
}
