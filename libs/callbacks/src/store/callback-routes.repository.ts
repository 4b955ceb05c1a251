import { createHash } from 'node:crypto';
import type { Database } from '@foyer/persistence';
import type { OnDead } from '../message/callback-message.js';
import { toDate } from './message-rows.js';

export interface CallbackRoute {
  routeId: string;
  callbackUrl: string;
  /** `path`, or a JSON pointer into the body. */
  groupFrom: string;
  onDead: OnDead;
  createdAt: Date;
}

/** Tokens are stored as their SHA-256 only: a copy of the database does not open the routes. */
export function ingestTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const COLUMNS = `route_id AS "routeId", callback_url AS "callbackUrl", group_from AS "groupFrom",
                 on_dead::text AS "onDead", created_at AS "createdAt"`;

export class CallbackRoutesRepository {
  constructor(private readonly db: Database) {}

  async create(route: Omit<CallbackRoute, 'createdAt'>, token: string): Promise<CallbackRoute> {
    const rows = await this.db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(
      `INSERT INTO callback_routes (route_id, token_hash, callback_url, group_from, on_dead, created_at)
       VALUES ($1, $2, $3, $4, $5::callback_on_dead, now()) RETURNING ${COLUMNS}`,
      route.routeId,
      ingestTokenHash(token),
      route.callbackUrl,
      route.groupFrom,
      route.onDead,
    );
    return toRoute(rows[0]);
  }

  async list(): Promise<CallbackRoute[]> {
    const rows = await this.db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT ${COLUMNS} FROM callback_routes ORDER BY created_at, route_id`);
    return rows.map(toRoute);
  }

  async get(routeId: string): Promise<CallbackRoute | null> {
    const rows = await this.db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT ${COLUMNS} FROM callback_routes WHERE route_id = $1`, routeId);
    return rows.length === 0 ? null : toRoute(rows[0]);
  }

  async findByToken(token: string): Promise<CallbackRoute | null> {
    const rows = await this.db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT ${COLUMNS} FROM callback_routes WHERE token_hash = $1`,
      ingestTokenHash(token),
    );
    return rows.length === 0 ? null : toRoute(rows[0]);
  }

  /** false when there was no such route. */
  async delete(routeId: string): Promise<boolean> {
    return (await this.db.prisma.$executeRawUnsafe(`DELETE FROM callback_routes WHERE route_id = $1`, routeId)) > 0;
  }
}

function toRoute(row: Record<string, unknown>): CallbackRoute {
  return {
    routeId: row.routeId as string,
    callbackUrl: row.callbackUrl as string,
    groupFrom: row.groupFrom as string,
    onDead: row.onDead as OnDead,
    createdAt: toDate(row.createdAt),
  };
}
