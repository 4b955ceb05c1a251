import { jest } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@foyer/config';
import { createFoyerHttpApp } from '@foyer/composition';
import { FoyerLogger } from '@foyer/platform';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { admin, createBacking, type FoyerBacking } from './support/foyer.js';
import { HttpClient } from './support/http.js';
import { eventually, uniqueName } from './support/services.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

jest.setTimeout(90_000);

interface Line {
  level: string;
  context?: string;
  msg: string;
  reqId?: string;
  dependency?: string;
  stack?: string;
}

/** An app on `env`, its production (JSON) log lines captured through the logger's sink. */
async function startLogged(backing: FoyerBacking, env: Record<string, string> = {}) {
  const lines: Line[] = [];
  const logger = new FoyerLogger({ format: 'json', level: 'info', sink: (line) => lines.push(JSON.parse(line) as Line) });
  const config = loadConfig({ ...backing.env, ...env });
  const app: NestFastifyApplication = await createFoyerHttpApp(config, { logger });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app, lines, http: new HttpClient(`http://127.0.0.1:${port}`) };
}

describe('logs and request ids', () => {
  let backing: FoyerBacking;

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    backing = await createBacking('redis');
  });

  afterAll(async () => {
    await backing?.dispose();
  });

  it("names every answer's request in x-request-id, echoing a sane one the caller gave", async () => {
    const { app, lines, http } = await startLogged(backing);
    try {
      const generated = await http.get('/health/live');
      expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const other = await http.get('/health/live');
      expect(other.headers.get('x-request-id')).not.toBe(generated.headers.get('x-request-id'));

      const given = await http.get('/v1/admin/events/nope', { headers: { 'x-request-id': 'proxy-abc-123' } });
      expect(given.status).toBe(401);
      expect(given.headers.get('x-request-id')).toBe('proxy-abc-123');
      const tooLong = await http.get('/health/live', { headers: { 'x-request-id': 'x'.repeat(200) } });
      expect(tooLong.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

      // Nest's start-up lines (per module, per route) are not written at info.
      expect(lines.filter((line) => ['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory'].includes(line.context ?? ''))).toEqual([]);
      expect(lines.every((line) => typeof (line as unknown as { time: string }).time === 'string')).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('logs a Redis outage of many refused requests as one unavailable line and one recovered line', async () => {
    const redisUrl = new URL(backing.env.REDIS_URL);
    const proxy: TcpProxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    const proxied = new URL(redisUrl);
    proxied.port = String(proxy.port);
    const { app, lines, http } = await startLogged(backing, { REDIS_URL: proxied.toString() });
    try {
      const eventId = uniqueName('logs');
      expect((await admin(http).createEvent({ eventId, name: 'Logs', limitCnt: 1, minPollIntervalMs: 0 })).status).toBe(201);
      expect((await http.get('/health/ready')).status).toBe(200);

      await proxy.cut();
      const refused = 12;
      for (let i = 0; i < refused; i++) {
        const answer = await http.post('/v1/queue/enter', { eventId, id: `visitor-${i}` }, { headers: { 'x-request-id': `outage-${i}` } });
        expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 503, code: 'STORE_UNAVAILABLE' });
      }
      // Readiness names "the queue store", which is the same Redis.
      expect((await http.get('/health/ready')).status).toBe(503);
      await proxy.restore();
      await eventually(async () => (await http.get('/health/ready')).status === 200, 30_000, 'Redis to answer again');

      expect(lines.filter((line) => line.dependency !== undefined && line.dependency !== 'Redis')).toEqual([]);
      const redisLines = lines.filter((line) => line.dependency === 'Redis');
      expect(redisLines).toEqual([
        expect.objectContaining({ level: 'warn', context: 'Dependencies', msg: expect.stringMatching(/^Redis is unavailable/) }),
        expect.objectContaining({ level: 'info', context: 'Dependencies', msg: expect.stringMatching(/^Redis answers again/) }),
      ]);
      // No line per refused request, and no stack trace.
      expect(lines.filter((line) => line.reqId?.startsWith('outage-') && line.dependency === undefined)).toEqual([]);
      expect(lines.filter((line) => line.stack !== undefined)).toEqual([]);
    } finally {
      await app.close();
      await proxy.close();
    }
  });
  it('logs a database outage once when it starts and once when a new connection answers', async () => {
    const database = new URL(backing.env.DATABASE_URL);
    const proxy: TcpProxy = await startTcpProxy({ host: database.hostname, port: Number(database.port || 5432) });
    const proxied = new URL(database);
    proxied.port = String(proxy.port);
    const { app, lines, http } = await startLogged(backing, { DATABASE_URL: proxied.toString() });
    try {
      const api = admin(http);
      const eventId = uniqueName('dblogs');
      expect((await api.createEvent({ eventId, name: 'DB logs', limitCnt: 1 })).status).toBe(201);

      await proxy.cut();
      for (let i = 0; i < 8; i++) expect((await api.getEvent(eventId)).status).toBe(503);
      await proxy.restore();
      await eventually(async () => (await api.getEvent(eventId)).status === 200, 30_000, 'the database to answer again');

      // Only the database's lines: a Redis connection of the shared test server may blip on its own.
      expect(lines.filter((line) => line.dependency === 'the database')).toEqual([
        expect.objectContaining({ level: 'warn', dependency: 'the database', msg: expect.stringMatching(/^the database is unavailable: [^\n]+$/) }),
        expect.objectContaining({ level: 'info', dependency: 'the database', msg: expect.stringMatching(/^the database answers again .*requests refused\)$/) }),
      ]);
      expect(lines.filter((line) => line.stack !== undefined)).toEqual([]);
    } finally {
      await app.close();
      await proxy.close();
    }
  });
});
