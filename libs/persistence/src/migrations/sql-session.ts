import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

/**
 * One database connection, used raw (not through Prisma) by the migration runner: migration
 * files hold several statements, which only the simple query protocol runs in one call.
 */
export interface SqlSession {
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of any number of statements, without parameters. */
  exec(script: string): Promise<void>;
}

export function pgSession(client: pg.Client): SqlSession {
  return {
    async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
      const result = await client.query(sql, params);
      return result.rows as Row[];
    },
    async exec(script: string): Promise<void> {
      await client.query(script);
    },
  };
}

export function pgliteSession(db: PGlite): SqlSession {
  return {
    async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
      const result = await db.query<Row>(sql, params);
      return result.rows;
    },
    async exec(script: string): Promise<void> {
      await db.exec(script);
    },
  };
}
