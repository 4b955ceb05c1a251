import { StoreUnavailableError } from '@foyer/domain';
import type { PrismaClient } from './generated/prisma/client.js';

/**
 * Whether an error means the database could not be reached or dropped the connection (the HTTP
 * layer answers `503 STORE_UNAVAILABLE`), as opposed to a query that failed on its own merits.
 * Errors arrive in several wrappings: Prisma's (`P1001`…, with the driver adapter's error inside),
 * node-postgres's (SQLSTATE or socket codes, or a bare message), PGlite's.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  return causes(err).some(isUnavailableCause);
}

/** Prisma's codes for "cannot reach / lost the server", "pool exhausted" and "too many connections". */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1011', 'P1017', 'P2024', 'P2037']);

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** SQLSTATEs of a server going away or refusing connections (class 08 is "connection exception"). */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** The errors node-postgres and PGlite throw without a code. */
const MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection is not queryable/i,
  /cannot use a pool after calling end/i,
  /PGlite is closed/i,
];

/** Driver adapter error kinds, as Prisma carries them in `meta.driverAdapterError`. */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TlsConnectionError']);

function isUnavailableCause(value: Record<string, unknown>): boolean {
  const code = typeof value.code === 'string' ? value.code : undefined;
  if (code !== undefined) {
    if (PRISMA_CODES.has(code) || SOCKET_CODES.has(code) || SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
    // "Unable to start a transaction in the given time": every connection stayed busy.
    if (code === 'P2028' && /unable to start a transaction/i.test(String(value.message))) return true;
  }
  if (typeof value.originalCode === 'string' && (SQLSTATES.has(value.originalCode) || /^08/.test(value.originalCode))) return true;
  if (typeof value.kind === 'string' && ADAPTER_KINDS.has(value.kind)) return true;
  const message = typeof value.message === 'string' ? value.message : '';
  return MESSAGES.some((pattern) => pattern.test(message));
}

/** The error and what it wraps (`cause`, Prisma's `meta.driverAdapterError`, aggregate errors). */
function causes(err: unknown): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const pending: unknown[] = [err];
  while (pending.length > 0 && found.length < 20) {
    const value = pending.shift();
    if (typeof value !== 'object' || value === null || found.includes(value as Record<string, unknown>)) continue;
    const record = value as Record<string, unknown>;
    found.push(record);
    pending.push(record.cause);
    const meta = record.meta;
    if (typeof meta === 'object' && meta !== null) pending.push((meta as Record<string, unknown>).driverAdapterError);
    if (Array.isArray(record.errors)) pending.push(...(record.errors as unknown[]));
  }
  return found;
}

/** Rethrows a database outage as the domain's `StoreUnavailableError` (the driver's error as its cause), else as it was. */
export function rethrowAsStoreUnavailable(err: unknown): never {
  if (err instanceof StoreUnavailableError || !isDatabaseUnavailable(err)) throw err;
  throw new StoreUnavailableError('the database', err);
}

/**
 * The client with every query, raw statement and transaction answering an outage with
 * `StoreUnavailableError`: the repositories, here and in the callbacks library, share this one
 * client, so none of them (and nothing above them) needs to recognise the drivers' errors.
 * A transaction's own start is not an operation a query extension sees, hence the proxy.
 */
export function reportingOutages(prisma: PrismaClient): PrismaClient {
  const extended = prisma.$extends({
    query: { $allOperations: ({ args, query }) => query(args).catch(rethrowAsStoreUnavailable) },
  });
  return new Proxy(extended, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== '$transaction' || typeof value !== 'function') return value;
      return (...args: unknown[]) => (value.apply(target, args) as Promise<unknown>).catch(rethrowAsStoreUnavailable);
    },
  }) as unknown as PrismaClient;
}
