import type { Database } from '@foyer/persistence';
import type { NewCallback } from '../message/callback-message.js';
import { insertMessage } from '../store/insert-message.js';

const CURSOR = 'lifecycle-notifications';

/** Where the lifecycle notifier has read the journal up to (`callback_cursors`), and its enqueues. */
export class LifecycleCursorRepository {
  constructor(private readonly db: Database) {}

  /** The journal offset read up to; 0 before the first pass. */
  async position(): Promise<number> {
    const rows = await this.db.prisma.$queryRawUnsafe<{ position: bigint | string }[]>(`SELECT position FROM callback_cursors WHERE name = $1`, CURSOR);
    return rows.length === 0 ? 0 : Number(rows[0].position);
  }

  /**
   * Enqueues the notifications of the journal entries after `from` up to `to` and moves the cursor
   * to `to`, in one transaction. The cursor row's lock lets one notifier at a time through; when
   * another has moved the cursor since `from` was read, nothing is done and the answer is null.
   * Returns how many notifications were new (a messageId per journal offset makes a repeat harmless).
   */
  enqueue(from: number, to: number, notifications: NewCallback[]): Promise<number | null> {
    return this.db.prisma.$transaction(async (tx) => {
      const cursor = await tx.$queryRawUnsafe<{ position: bigint | string }[]>(`SELECT position FROM callback_cursors WHERE name = $1 FOR UPDATE`, CURSOR);
      const position = cursor.length === 0 ? 0 : Number(cursor[0].position);
      if (position !== from) return null;
      let enqueued = 0;
      for (const notification of notifications) {
        if (await insertMessage(tx, notification)) enqueued++;
      }
      await tx.$executeRawUnsafe(
        `INSERT INTO callback_cursors (name, position) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position`,
        CURSOR,
        BigInt(to),
      );
      return enqueued;
    });
  }
}
