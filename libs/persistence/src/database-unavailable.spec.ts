import { StoreUnavailableError } from '@foyer/domain';
import { isDatabaseUnavailable, rethrowAsStoreUnavailable } from './database-unavailable.js';

/** The shapes errors arrive in; the integration test provokes the common ones for real. */
describe('isDatabaseUnavailable', () => {
  const prismaError = (code: string, message: string, cause?: Record<string, unknown>) =>
    Object.assign(new Error(message), {
      code,
      meta: cause === undefined ? {} : { driverAdapterError: { name: 'DriverAdapterError', cause } },
    });

  it.each([
    ['Prisma cannot reach the server', prismaError('P1001', "Can't reach database server")],
    ['Prisma lost the connection', prismaError('P1017', 'Server has closed the connection.')],
    ['the pool ran dry', prismaError('P2024', 'Timed out fetching a new connection from the connection pool')],
    ['no transaction could start in time', prismaError('P2028', 'Transaction API error: Unable to start a transaction in the given time.')],
    ['the server shut down under a raw query', prismaError('P2010', 'Raw query failed', { kind: 'postgres', originalCode: '57P01' })],
    ['a connection exception (class 08)', prismaError('P2010', 'Raw query failed', { kind: 'postgres', code: '08006' })],
    ['the adapter saw the socket close', prismaError('P2010', 'x', { kind: 'ConnectionClosed' })],
    ['node-postgres lost the socket', new Error('Connection terminated unexpectedly')],
    ['node-postgres timed out connecting', new Error('timeout exceeded when trying to connect')],
    ['a refused socket', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a wrapped refused socket', new Error('open failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) })],
    ['one refusal among several addresses', new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })])],
    ['a closed PGlite', new Error('PGlite is closed')],
  ])('is true when %s', (_, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['a unique violation', prismaError('P2002', 'Unique constraint failed', { kind: 'UniqueConstraintViolation' })],
    ['a syntax error', prismaError('P2010', 'Raw query failed', { kind: 'postgres', originalCode: '42601' })],
    ['a transaction used after it closed', prismaError('P2028', 'Transaction API error: Transaction already closed')],
    ['an ordinary error', new Error('boom')],
    ['a string', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('is false for %s', (_, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });

  it('survives an error that is its own cause', () => {
    const err: Error & { cause?: unknown } = new Error('loop');
    err.cause = err;
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});

describe('rethrowAsStoreUnavailable', () => {
  const thrown = (err: unknown): unknown => {
    try {
      rethrowAsStoreUnavailable(err);
    } catch (error) {
      return error;
    }
  };

  it('turns an outage into StoreUnavailableError, with the driver error as its cause', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const err = thrown(refused);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', cause: refused });
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it('passes on other errors, and an outage already reported, unchanged', () => {
    const duplicate = Object.assign(new Error('Unique constraint failed'), { code: 'P2002' });
    expect(thrown(duplicate)).toBe(duplicate);
    const reported = new StoreUnavailableError('the database');
    expect(thrown(reported)).toBe(reported);
  });
});
