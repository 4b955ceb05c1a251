/**
 * Ordered callbacks with the dispatcher in separate OS processes (the built worker with
 * FOYER_ROLES=dispatcher) on one PostgreSQL database, and an in-process API that accepts the
 * messages: order per group and one delivery in flight per group across two dispatchers, and a
 * dispatcher killed (SIGKILL) mid-delivery whose message is delivered again, same webhook-id,
 * before its successor. Waits for states with generous bounds; never times anything.
 *
 * Not covered here: PostgreSQL itself restarting while messages are pending. The server is
 * shared by every test run on the machine, so restarting it from a test is not safe; instead
 * every connection to this test's database is cut (pg_terminate_backend), which is what a
 * restart looks like from the processes' side.
 */
import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { CallbackReceiver } from './support/callback-receiver.js';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { ADMIN_KEY, createBacking, startFoyer, type FoyerBacking, type RunningFoyer } from './support/foyer.js';
import { buildIfStale, describeOutput, spawnFoyer, type FoyerProcess } from './support/processes.js';
import pg from 'pg';
import { eventually } from './support/services.js';

jest.setTimeout(180_000);

const GROUPS = 20;
const PER_GROUP = 50;

describe('ordered callbacks across dispatcher processes (postgres)', () => {
  let backing: FoyerBacking;
  let api: RunningFoyer;
  let receiver: CallbackReceiver;
  const dispatchers: FoyerProcess[] = [];

  beforeAll(async () => {
    buildIfStale();
    await allowRequireOfEsmPackages();
    receiver = await new CallbackReceiver().start();
    backing = await createBacking('redis', {
      CALLBACK_ALLOW_PRIVATE: 'true',
      CALLBACK_TIMEOUT_MS: '1500',
      CALLBACK_RETRY_BASE_MS: '50',
      CALLBACK_CONCURRENCY: '8',
    });
    api = await startFoyer(backing, { FOYER_ROLES: 'api' });
  }, 180_000);

  afterAll(async () => {
    await Promise.allSettled(dispatchers.map((d) => d.stop('SIGKILL')));
    await api?.close();
    await backing?.dispose();
    await receiver?.close();
  });

  async function startDispatcher(name: string): Promise<FoyerProcess> {
    const dispatcher = await spawnFoyer({ name, entry: 'worker', env: { ...backing.env, FOYER_ROLES: 'dispatcher' } });
    dispatchers.push(dispatcher);
    return dispatcher;
  }

  const post = (body: Record<string, unknown>) => api.http.post('/v1/callbacks', body, { token: ADMIN_KEY });
  const status = async (messageId: string) => (await api.http.get(`/v1/callbacks/${messageId}`, { token: ADMIN_KEY })).body;

  it(`keeps the order of ${GROUPS} groups × ${PER_GROUP} messages across two dispatchers, one in flight per group`, async () => {
    const run = randomBytes(3).toString('hex');
    const groups = Array.from({ length: GROUPS }, (_, g) => `order-${run}-${g}`);
    receiver.behaviour = (request) => (groups.includes(request.groupId) ? { delayMs: Math.floor(Math.random() * 8) } : undefined);
    const first = await startDispatcher('dispatcher-a');
    const second = await startDispatcher('dispatcher-b');
    try {
      // Each group's messages are posted one after another (that is their order); groups in parallel.
      await Promise.all(
        groups.map(async (groupId) => {
          for (let n = 0; n < PER_GROUP; n++) {
            const answer = await post({ callbackUrl: receiver.url('/order'), groupId, messageId: `${groupId}-${n}`, body: { groupId, n } });
            expect(answer.status).toBe(202);
          }
        }),
      );
      await eventually(() => groups.every((groupId) => receiver.forGroup(groupId).length >= PER_GROUP), 120_000, `all ${GROUPS * PER_GROUP} deliveries`);
      for (const groupId of groups) {
        const received = receiver.forGroup(groupId).map((request) => JSON.parse(request.body).n);
        expect(received).toEqual(Array.from({ length: PER_GROUP }, (_, n) => n));
      }
      expect(receiver.overlaps).toEqual([]);
      // Groups ran side by side.
      expect(receiver.maxInFlight).toBeGreaterThan(1);
      // The receiver logs a delivery as it arrives; the dispatcher settles it once it has the answer.
      const last = `${groups[0]}-${PER_GROUP - 1}`;
      await eventually(async () => (await status(last)).status === 'DONE', 30_000, `${last} to be settled`);
      expect((await status(last)).status).toBe('DONE');
    } catch (err) {
      throw new Error(`${String(err)}\n${describeOutput(first)}\n${describeOutput(second)}`, { cause: err });
    } finally {
      await Promise.all([first.stop('SIGTERM'), second.stop('SIGTERM')]);
    }
  });

  it('delivers again, same webhook-id and before its successor, after a dispatcher is killed mid-delivery', async () => {
    const groupId = `crash-${randomBytes(3).toString('hex')}`;
    const other = `${groupId}-other`;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding = true;
    receiver.behaviour = (request) => {
      if (request.messageId === `${groupId}-m1` && holding) {
        holding = false;
        return { hold: held };
      }
      return undefined;
    };
    const doomed = await startDispatcher('dispatcher-doomed');
    await post({ callbackUrl: receiver.url('/crash'), groupId, messageId: `${groupId}-m1`, body: { n: 1 } });
    await post({ callbackUrl: receiver.url('/crash'), groupId, messageId: `${groupId}-m2`, body: { n: 2 } });
    await eventually(() => receiver.forGroup(groupId).length === 1, 30_000, 'the first delivery to be held');
    expect(await status(`${groupId}-m1`)).toMatchObject({ status: 'PROCESSING' });

    await doomed.stop('SIGKILL');
    release();
    // Accepted while no dispatcher runs: delivered once one is back.
    await post({ callbackUrl: receiver.url('/crash'), groupId: other, messageId: `${other}-m1`, body: { n: 1 } });
    const successor = await startDispatcher('dispatcher-successor');
    try {
      await eventually(async () => (await status(`${groupId}-m2`)).status === 'DONE', 60_000, 'the successor to be delivered');
      await eventually(async () => (await status(`${other}-m1`)).status === 'DONE', 30_000, 'the other group');
      const seen = receiver.forGroup(groupId);
      expect(seen.map((r) => `${r.messageId.slice(-2)}#${r.attempt}`)).toEqual(['m1#1', 'm1#1', 'm2#1']);
      expect(seen[0].answered).toBe(false);
      expect(seen[1].webhookId).toBe(seen[0].webhookId);
      expect(seen[2].webhookId).not.toBe(seen[0].webhookId);
      expect(await status(`${groupId}-m1`)).toMatchObject({ status: 'DONE', attempts: 1, processedStatus: 'SUCCEEDED' });
    } catch (err) {
      throw new Error(`${String(err)}\n${describeOutput(successor)}`, { cause: err });
    } finally {
      await successor.stop('SIGTERM');
    }
  });

  it('delivers everything pending, in order, after every database connection is cut', async () => {
    const groupId = `cut-${randomBytes(3).toString('hex')}`;
    let refusing = true;
    receiver.behaviour = (request) => (request.groupId === groupId && refusing ? { status: 503 } : undefined);
    const dispatcher = await startDispatcher('dispatcher-cut');
    try {
      for (let n = 1; n <= 5; n++) {
        await post({ callbackUrl: receiver.url('/cut'), groupId, messageId: `${groupId}-m${n}`, body: { n } });
      }
      await eventually(() => receiver.forGroup(groupId).length >= 1, 30_000, 'a first refused attempt');
      const admin = new pg.Client({ connectionString: backing.env.DATABASE_URL });
      await admin.connect();
      try {
        const cut = await admin.query(
          'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
        );
        expect(cut.rows[0].n).toBeGreaterThan(0);
      } finally {
        await admin.end();
      }
      refusing = false;
      // Posted after the cut, as a client would: a 503 while the API's own connections come back is
      // retried (never anything else), then the dispatcher picks the message up.
      const m6 = { callbackUrl: receiver.url('/cut'), groupId, messageId: `${groupId}-m6`, body: { n: 6 } };
      const accepted = await eventually(
        async () => {
          const answer = await post(m6);
          if (answer.status === 503) return undefined;
          return answer;
        },
        30_000,
        'the API to accept a message after the cut',
      );
      expect(accepted.status).toBe(202);
      await eventually(async () => (await status(`${groupId}-m6`)).status === 'DONE', 60_000, 'the group to be delivered');
      const delivered = receiver.forGroup(groupId).filter((r) => r.answered && r.attempt > 0);
      const successes = [...new Set(delivered.map((r) => JSON.parse(r.body).n))];
      expect(successes).toEqual([1, 2, 3, 4, 5, 6]);
      for (let n = 1; n <= 6; n++) expect((await status(`${groupId}-m${n}`)).status).toBe('DONE');
      // The dispatcher did lose its connections (and got them back).
      expect(dispatcher.output()).toContain('LISTEN connection lost');
      expect(receiver.overlaps).toEqual([]);
      expect(dispatcher.running()).toBe(true);
    } catch (err) {
      // Where each message stood, for a failure that only shows under load.
      const states = await Promise.all(
        [1, 2, 3, 4, 5, 6].map((n) =>
          status(`${groupId}-m${n}`).then(
            (s) => JSON.stringify(s),
            (e: unknown) => String(e),
          ),
        ),
      );
      throw new Error(`${String(err)}\nmessages:\n${states.join('\n')}\n${describeOutput(dispatcher)}`, { cause: err });
    } finally {
      await dispatcher.stop('SIGTERM');
    }
  });
});
