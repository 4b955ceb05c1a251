/**
 * Issue 13, section 1, end to end: Redis stalls for 4 s (DEBUG SLEEP on a private redis-server, so
 * no other test shares the stall) while an enter is in flight. The API gives up after its 3 s
 * command timeout and answers 503 STORE_UNAVAILABLE; the enter script runs when Redis wakes, and
 * takes a place nobody was told about. Before idempotency keys every retry was 409 ALREADY_QUEUED
 * and the place was lost to its owner (and, once its session ran out, the id BLOCKed). With the
 * same Idempotency-Key the retry gets that place and its ticket, and the owner its session.
 */
import { jest } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { whenReady } from '../libs/queue-store/src/redis/redis-connection.js';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { admin, createBacking, startFoyer, type FoyerBacking, type RunningFoyer } from './support/foyer.js';
import { eventually, freePort, sleep } from './support/services.js';
import { expectError, okAnswers, uniqueEventId, visitor } from './support/visitors.js';

jest.setTimeout(120_000);

/** Longer than the API's 3 s command timeout, as in the fault-injection run. */
const STALL_SEC = 4;

describe('an enter whose answer was lost while Redis stalled', () => {
  let server: ChildProcess;
  let dir: string;
  let redis: Redis;
  let backing: FoyerBacking;
  let foyer: RunningFoyer;
  let v: ReturnType<typeof visitor>;
  let adm: ReturnType<typeof admin>;

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    const port = await freePort();
    dir = mkdtempSync(join(tmpdir(), 'foyer-stall-'));
    server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes'],
      { stdio: 'ignore' },
    );
    redis = new Redis({ port, host: '127.0.0.1', retryStrategy: () => 50 });
    redis.on('error', () => undefined); // refused until the server listens
    await whenReady(redis);

    backing = await createBacking('redis');
    foyer = await startFoyer(backing, { REDIS_URL: `redis://127.0.0.1:${port}/0`, SCHEDULER_TICK_MS: '60000' });
    v = visitor(foyer.http);
    adm = admin(foyer.http);
  }, 120_000);

  afterAll(async () => {
    await foyer?.close();
    await backing?.dispose();
    redis?.disconnect();
    if (server && server.exitCode === null) {
      server.kill();
      await once(server, 'exit');
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const { enterOk, pollOk, stats } = okAnswers(
    () => v,
    () => adm,
  );

  /** The forwarded journal entries of one id, once `until` holds for them (the forwarder runs every second or so). */
  function journalOf(eventId: string, id: string, until: (types: string[]) => boolean): Promise<{ type: string; payload: Record<string, unknown> }[]> {
    return eventually(
      async () => {
        const page = await adm.journal(`eventId=${eventId}&limit=1000`);
        expect(page.status).toBe(200);
        const mine = (page.body.items as { type: string; id?: string; payload: Record<string, unknown> }[]).filter((entry) => entry.id === id);
        return until(mine.map((entry) => entry.type)) ? mine.map(({ type, payload }) => ({ type, payload })) : undefined;
      },
      30_000,
      `the journal of ${id}`,
    );
  }

  it('a retry with the same Idempotency-Key gets the place the lost enter took, its ticket and its session', async () => {
    const eventId = uniqueEventId('stall');
    expect((await adm.createEvent({ eventId, name: 'Stall', limitCnt: 1, minPollIntervalMs: 0, blockReentry: true })).status).toBe(201);
    const first = await enterOk({ eventId, id: 'first' });
    expect(first.status).toBe('ENTER');
    const key = randomBytes(16).toString('hex');
    const headers = { 'idempotency-key': key };

    // Redis sleeps; the enter sent just after it waits behind the sleep and outlives the API's timeout.
    const sleeper = redis.duplicate();
    const stall = sleeper.call('DEBUG', 'SLEEP', String(STALL_SEC));
    await sleep(300); // lets the DEBUG reach Redis first (ordering, not a measured duration)
    const sentAt = Date.now();
    const lost = await v.enter({ eventId, id: 'stalled' }, { headers });
    const answeredAfterMs = Date.now() - sentAt;
    expectError(lost, 503, 'STORE_UNAVAILABLE');
    await stall;
    sleeper.disconnect();

    // The script ran once Redis woke: the place exists though its owner was told 503.
    await eventually(async () => (await stats(eventId)).waiting === 1, 15_000, 'the stalled enter to take its place');
    const keyHash = createHash('sha256').update(key).digest('hex');
    expect(await journalOf(eventId, 'stalled', (types) => types.length > 0)).toEqual([
      { type: 'user.entered', payload: expect.objectContaining({ seq: 2, idem: keyHash }) },
    ]);

    // Without the key this is what the issue saw; with it, the place and its ticket.
    expectError(await v.enter({ eventId, id: 'stalled' }), 409, 'ALREADY_QUEUED');
    const retry = await v.enter({ eventId, id: 'stalled' }, { headers });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ id: 'stalled', status: 'WAIT', expectedInfo: { rank: 1 } });
    const again = await v.enter({ eventId, id: 'stalled' }, { headers });
    expect(again.body.ticket).toBe(retry.body.ticket);

    // The owner is admitted on the ticket the retry gave, and has its session (not a BLOCK unseen).
    expect((await v.exit(first.successToken)).status).toBe(200);
    const admitted = await pollOk(retry.body.ticket);
    expect(admitted).toMatchObject({ id: 'stalled', status: 'ENTER', ticket: retry.body.ticket });
    expect((await v.verify(admitted.successToken)).body).toMatchObject({ valid: true, id: 'stalled' });
    const late = await v.enter({ eventId, id: 'stalled' }, { headers });
    expect(late.body).toMatchObject({ status: 'ENTER', ticket: retry.body.ticket, successToken: admitted.successToken });
    expect(await stats(eventId)).toMatchObject({ waiting: 0, active: 1, admittedTotal: 2 });
    // One place in all: the retries took nothing new (up to the admission, which the journal has once it is forwarded).
    const history = await journalOf(eventId, 'stalled', (types) => types.includes('user.admitted'));
    expect(history.map((entry) => entry.type)).toEqual(['user.entered', 'user.admitted']);

    process.stdout.write(
      `[issue 13 §1] Redis stalled ${STALL_SEC} s: enter answered 503 after ${answeredAfterMs} ms; the script ran after it; ` +
        `keyless retry 409 ALREADY_QUEUED; keyed retries 200 WAIT rank 1 with one ticket (seq 2, idem ${keyHash.slice(0, 12)}…); ` +
        `admitted on that ticket after the exit, successToken valid\n`,
    );
  });
});
