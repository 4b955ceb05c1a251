import { jest } from '@jest/globals';
import { existsSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { generateEs256PrivateKeyPem } from '@foyer/tokens';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { admin, ADMIN_KEY, createBacking, startFoyer, type FoyerBacking, type RunningFoyer } from './support/foyer.js';
import type { HttpClient } from './support/http.js';
import { buildIfStale, describeOutput, spawnFoyer, spawnFoyerRaw, type ExitStatus, type FoyerProcess } from './support/processes.js';
import { eventually, sleep, uniqueName } from './support/services.js';
import { eventIdsOnEveryMaster, eventSlot, type LocalRedisCluster } from './support/redis-cluster.js';
import { FailoverLoad } from './support/failover-load.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

/**
 * The built app (`npm run build`) as separate OS processes sharing one Redis and one PostgreSQL, the
 * way it is deployed: replicas that never over-admit, restarts that lose no place, a journal read
 * while several processes write, a worker that promotes for API-only replicas, graceful drains;
 * and what the app answers when a store is not there.
 */

// Processes start in seconds (an embedded database in more); a build may precede them.
jest.setTimeout(120_000);

/** Generous bounds for states to be reached; never a measure of speed. */
const WITHIN = 30_000;

beforeAll(() => buildIfStale(), 180_000);

/** Every process a test started; whatever is still running at the end is killed. */
const started: FoyerProcess[] = [];

afterAll(async () => {
  await Promise.all(started.filter((p) => p.running()).map((p) => p.stop('SIGKILL')));
});

async function start(name: string, env: Record<string, string>, entry: 'api' | 'worker' = 'api'): Promise<FoyerProcess> {
  const foyer = await spawnFoyer({ name, env, entry });
  started.push(foyer);
  return foyer;
}

/** Stops a process and checks how it ended, showing its output when that is not as expected. */
async function expectStop(foyer: FoyerProcess, signal: 'SIGTERM' | 'SIGKILL', expected: ExitStatus): Promise<void> {
  const status = await foyer.stop(signal);
  if (status.code !== expected.code || status.signal !== expected.signal) {
    throw new Error(`${foyer.name} ended with ${JSON.stringify(status)}, expected ${JSON.stringify(expected)}\n${describeOutput(foyer)}`);
  }
}

/** What `promise` resolves to, or 'still running' when it takes longer than `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

const GRACEFUL: ExitStatus = { code: 0, signal: null };
const KILLED: ExitStatus = { code: null, signal: 'SIGKILL' };

const enterVia = (http: HttpClient, eventId: string, id: string) => http.post('/v1/queue/enter', { eventId, id });
const pollVia = (http: HttpClient, ticket: string) => http.get('/v1/queue/status', { token: ticket });

/** What a place looks like from outside, to compare across restarts. */
function placeView(state: { status: string; successToken?: string; expectedInfo?: { rank: number } }) {
  return state.status === 'ENTER'
    ? { status: 'ENTER', successToken: state.successToken }
    : state.status === 'WAIT'
      ? { status: 'WAIT', rank: state.expectedInfo?.rank }
      : { status: state.status };
}

describe('API and worker processes on one Redis and PostgreSQL', () => {
  let backing: FoyerBacking;
  let apiA: FoyerProcess;
  let apiB: FoyerProcess;
  let apiOnly: Record<string, string>;

  beforeAll(async () => {
    // Replicas share their secrets and public URL (the tokens' issuer) through the environment, as in production.
    backing = await createBacking('redis', {
      FOYER_PUBLIC_URL: 'http://foyer.test',
      TICKET_SECRET: 'e2e-processes-ticket-secret-of-32-bytes+',
      TOKEN_PRIVATE_KEY: generateEs256PrivateKeyPem(),
      SCHEDULER_TICK_MS: '100',
    });
    apiOnly = { ...backing.env, FOYER_ROLES: 'api' };
    [apiA, apiB] = await Promise.all([start('api-a', apiOnly), start('api-b', apiOnly)]);
  });

  afterAll(async () => {
    await Promise.all(started.filter((p) => p.running()).map((p) => p.stop('SIGKILL')));
    await backing?.dispose();
  });

  async function createEvent(via: FoyerProcess, settings: Record<string, unknown>): Promise<string> {
    const eventId = uniqueName('proc');
    const created = await admin(via.http).createEvent({ eventId, name: 'Processes', minPollIntervalMs: 0, ...settings });
    expect(created.status).toBe(201);
    return eventId;
  }

  it('two API replicas never over-admit 500 concurrent enters', async () => {
    const limitCnt = 37;
    const eventId = await createEvent(apiA, { limitCnt });
    const answers = await Promise.all(Array.from({ length: 500 }, (_, i) => enterVia((i % 2 === 0 ? apiA : apiB).http, eventId, `burst-${i}`)));
    expect(answers.filter((a) => a.status !== 200).map((a) => [a.status, a.text])).toEqual([]);

    const admitted = answers.filter((a) => a.body.status === 'ENTER');
    const waiting = answers.filter((a) => a.body.status === 'WAIT');
    expect(admitted).toHaveLength(limitCnt);
    expect(waiting).toHaveLength(500 - limitCnt);
    // Both replicas admitted and queued: the limit held across them, not inside each.
    expect(new Set(admitted.map((a) => a.body.successToken)).size).toBe(limitCnt);
    const ranks = waiting.map((a) => a.body.expectedInfo.rank).sort((x, y) => x - y);
    expect(ranks).toEqual(Array.from({ length: 500 - limitCnt }, (_, i) => i + 1));

    const event = await admin(apiB.http).getEvent(eventId);
    expect(event.body.stats).toMatchObject({ active: limitCnt, waiting: 500 - limitCnt, admittedTotal: limitCnt });
  });

  it('a worker process alone promotes for API-only replicas', async () => {
    const eventId = await createEvent(apiA, { limitCnt: 1 });
    const first = await enterVia(apiA.http, eventId, 'w-1');
    const second = await enterVia(apiB.http, eventId, 'w-2');
    const third = await enterVia(apiA.http, eventId, 'w-3');
    expect([first.body.status, second.body.status, third.body.status]).toEqual(['ENTER', 'WAIT', 'WAIT']);

    expect((await admin(apiB.http).patchEvent(eventId, { limitCnt: 2 })).status).toBe(200);
    // No process runs the scheduler yet: the new slot stays empty however long one waits.
    await sleep(1_500);
    expect(placeView((await pollVia(apiB.http, second.body.ticket)).body)).toEqual({ status: 'WAIT', rank: 1 });

    const worker = await start('worker-1', { ...backing.env, FOYER_ROLES: 'scheduler' }, 'worker');
    await eventually(
      async () => (await pollVia(apiA.http, second.body.ticket)).body.status === 'ENTER',
      WITHIN,
      `w-2 to be admitted by the worker\n${describeOutput(worker)}`,
    );
    // The one who came next, not the one after.
    expect(placeView((await pollVia(apiB.http, third.body.ticket)).body)).toEqual({ status: 'WAIT', rank: 1 });
    expect((await admin(apiA.http).getEvent(eventId)).body.stats).toMatchObject({ active: 2, waiting: 1 });

    // The worker can be probed and scraped like a replica: its admissions are counted where they happen.
    expect((await worker.http.get('/health/live')).status).toBe(200);
    expect((await worker.http.get('/health/ready')).body).toEqual({ status: 'ok', queueStore: 'ok', database: 'ok' });
    const metrics = await worker.http.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain(`foyer_admissions_total{event="${eventId}",via="promotion"} 1`);
    // Only operations: no visitor, admin or page routes on a worker.
    expect((await worker.http.post('/v1/queue/enter', { eventId, id: 'w-4' })).status).toBe(404);
    expect((await worker.http.get('/admin')).status).toBe(404);
  });

  it('a journal reader sees every entry exactly once while two processes write', async () => {
    // A second forwarder, so two processes race to move entries into the journal.
    await start('worker-2', { ...backing.env, FOYER_ROLES: 'scheduler' }, 'worker');
    const eventId = await createEvent(apiA, { limitCnt: 5 });

    const seen: { offset: number; type: string; eventId: string; id?: string }[] = [];
    let after = 0;
    let writing = true;
    let readWhileWriting = 0;
    const readPage = async () => {
      const page = await admin(apiB.http).journal(`after=${after}&limit=25`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items);
      if (writing) readWhileWriting += page.body.items.filter((e: { eventId: string }) => e.eventId === eventId).length;
      if (page.body.items.length === 0) expect(page.body.nextAfter).toBe(after);
      after = page.body.nextAfter;
      return page.body.items.length;
    };
    const reader = (async () => {
      while (writing) if ((await readPage()) === 0) await sleep(20);
    })();

    interface Visitor {
      id: string;
      ticket: string;
      enteredAs: 'ENTER' | 'WAIT';
      /** Set before the exit is sent, so the two writers never exit the same visitor. */
      exited: boolean;
    }
    const visitors: Visitor[] = [];
    const exit = async (via: FoyerProcess, visitor: Visitor, successToken: string) => {
      visitor.exited = true;
      const answer = await via.http.post('/v1/active/exit', { successToken });
      expect(answer.status).toBe(200);
      expect(answer.body.status).toBe('EXITED');
    };
    const writer = async (self: FoyerProcess, other: FoyerProcess, prefix: string) => {
      for (let i = 0; i < 60; i++) {
        const answer = await enterVia(self.http, eventId, `${prefix}-${i}`);
        expect(answer.status).toBe(200);
        const visitor: Visitor = { id: answer.body.id, ticket: answer.body.ticket, enteredAs: answer.body.status, exited: false };
        visitors.push(visitor);
        if (answer.body.status === 'ENTER' && i % 3 === 0) await exit(other, visitor, answer.body.successToken);
        if (i % 7 === 0) {
          // Someone admitted by promotion (an exit or the scheduler) leaves through the other process.
          for (const waiter of visitors.filter((v) => v.enteredAs === 'WAIT' && !v.exited).slice(0, 3)) {
            const state = await pollVia(other.http, waiter.ticket);
            if (state.body.status === 'ENTER' && !waiter.exited) await exit(self, waiter, state.body.successToken);
          }
        }
        if (i % 15 === 0) {
          // Every patch is a change (the writers' values differ from each other's and from their own last).
          const limitCnt = (self === apiA ? [6, 9, 3, 7] : [8, 4, 10, 5])[i / 15];
          expect((await admin(self.http).patchEvent(eventId, { limitCnt })).status).toBe(200);
        }
      }
    };
    try {
      await Promise.all([writer(apiA, apiB, 'ja'), writer(apiB, apiA, 'jb')]);
    } finally {
      writing = false;
      await reader;
    }

    // What happened, user by user: how each entered, whether it was admitted later, whether it left.
    const expected: string[] = [];
    for (const visitor of visitors) {
      const now = (await pollVia(apiA.http, visitor.ticket)).body.status;
      if (visitor.enteredAs === 'ENTER') expected.push(`user.admitted:${visitor.id}`);
      else {
        expected.push(`user.entered:${visitor.id}`);
        if (now !== 'WAIT') expected.push(`user.admitted:${visitor.id}`);
      }
      if (visitor.exited) {
        expected.push(`user.exited:${visitor.id}`);
        expect(now).toBe('BLOCK');
      }
    }
    expected.sort();

    const userEntries = () =>
      seen
        .filter((e) => e.eventId === eventId && e.type.startsWith('user.'))
        .map((e) => `${e.type}:${e.id}`)
        .sort();
    // The reader goes on reading until the forwarders have moved the last changes.
    await eventually(
      async () => {
        while ((await readPage()) > 0);
        return userEntries().length >= expected.length;
      },
      WITHIN,
      'the journal to hold every change',
    );
    await sleep(1_000); // a late duplicate, if there were one, would arrive by now
    while ((await readPage()) > 0);

    expect(readWhileWriting).toBeGreaterThan(0);
    const offsets = seen.map((e) => e.offset);
    // No duplicate, no gap: offsets are 1, 2, 3, … in the order read.
    expect(offsets).toEqual(Array.from({ length: offsets.length }, (_, i) => i + 1));
    expect(userEntries()).toEqual(expected);
    expect(seen.filter((e) => e.eventId === eventId && e.type === 'event.updated')).toHaveLength(8);
  });

  it('a restart of an API process (SIGTERM, then SIGKILL) loses no place', async () => {
    const eventId = await createEvent(apiA, { limitCnt: 2 });
    const tickets: string[] = [];
    const before = [];
    for (let i = 0; i < 7; i++) {
      const answer = await enterVia(apiA.http, eventId, `restart-${i}`);
      expect(answer.status).toBe(200);
      tickets.push(answer.body.ticket);
      before.push(placeView(answer.body));
    }
    expect(before.map((p) => p.status)).toEqual(['ENTER', 'ENTER', 'WAIT', 'WAIT', 'WAIT', 'WAIT', 'WAIT']);
    expect(before.slice(2).map((p) => p.rank)).toEqual([1, 2, 3, 4, 5]);

    const statesVia = async (foyer: FoyerProcess) =>
      Promise.all(
        tickets.map(async (ticket) => {
          const answer = await pollVia(foyer.http, ticket);
          expect(answer.status).toBe(200);
          return placeView(answer.body);
        }),
      );

    await expectStop(apiA, 'SIGTERM', GRACEFUL);
    apiA = await start('api-a2', apiOnly);
    expect(await statesVia(apiA)).toEqual(before);

    await expectStop(apiA, 'SIGKILL', KILLED);
    apiA = await start('api-a3', apiOnly);
    expect(await statesVia(apiA)).toEqual(before);
  });

  it('SIGTERM drains: an in-flight request completes, then the process exits with code 0', async () => {
    const eventId = await createEvent(apiA, { limitCnt: 0 });
    const body = JSON.stringify({ eventId, id: 'in-flight' });
    const url = new URL(apiB.url);
    const socket = connect(Number(url.port), url.hostname);
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);

    // `expect: 100-continue` makes the server say when it has taken the request: from then on it is in flight.
    socket.write(
      `POST /v1/queue/enter HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nexpect: 100-continue\r\n\r\n`,
    );
    await eventually(() => received.includes('100 Continue'), WITHIN, 'the server to take the request');

    const stopping = apiB.stop('SIGTERM', 60_000);
    // The process waits for the request's body instead of ending under it.
    await sleep(500);
    expect(apiB.running()).toBe(true);
    socket.write(body);

    await eventually(() => received.includes('"in-flight"'), WITHIN, `the in-flight answer\n${describeOutput(apiB)}`);
    const response = received.slice(received.lastIndexOf('HTTP/1.1 '));
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    const answer = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));
    expect(answer).toMatchObject({ id: 'in-flight', status: 'WAIT' });

    // Well within the keep-alive timeout (72 s): a finished request does not hold the process.
    const status = await within(stopping, WITHIN);
    expect({ status, output: status === 'still running' || status.code !== 0 ? apiB.output() : '' }).toEqual({
      status: GRACEFUL,
      output: '',
    });
    await closed;

    // The place it took is real: another replica sees it.
    const resumed = await pollVia(apiA.http, answer.ticket);
    expect(placeView(resumed.body)).toEqual({ status: 'WAIT', rank: 1 });
  });

  it('a worker stops gracefully on SIGTERM', async () => {
    const worker = started.find((p) => p.name === 'worker-1' && p.running());
    expect(worker).toBeDefined();
    await expectStop(worker!, 'SIGTERM', GRACEFUL);
  });
});

/**
 * The same deployment on a Redis Cluster of three masters and three replicas, with
 * `REDIS_WAIT_REPLICAS=1` and events on every master: replicas never over-admit across masters, a
 * worker promotes on all of them, and a master SIGKILLed under load is failed over to its replica
 * without losing an acknowledged place or session or admitting past `limitCnt`.
 */
describe('API and worker processes on a Redis Cluster of three masters and three replicas', () => {
  let backing: FoyerBacking;
  let cluster: LocalRedisCluster;
  let apiA: FoyerProcess;
  let apiB: FoyerProcess;

  beforeAll(async () => {
    backing = await createBacking(
      'redis-cluster',
      {
        FOYER_PUBLIC_URL: 'http://foyer.test',
        TICKET_SECRET: 'e2e-cluster-ticket-secret-of-32-bytes++',
        TOKEN_PRIVATE_KEY: generateEs256PrivateKeyPem(),
        SCHEDULER_TICK_MS: '100',
        REDIS_WAIT_REPLICAS: '1',
      },
      // A silent master is failed over after 2 s: the failover test waits seconds, not 15.
      { nodeTimeoutMs: 2_000 },
    );
    cluster = backing.cluster!;
    const apiOnly = { ...backing.env, FOYER_ROLES: 'api' };
    [apiA, apiB] = await Promise.all([start('cluster-api-a', apiOnly), start('cluster-api-b', apiOnly)]);
    await start('cluster-worker', { ...backing.env, FOYER_ROLES: 'scheduler' }, 'worker');
  }, 120_000);

  afterAll(async () => {
    await Promise.all(started.filter((p) => p.running()).map((p) => p.stop('SIGKILL')));
    await backing?.dispose();
  });

  /** One event per master, each checked to be on its master. */
  async function eventsOnEveryMaster(settings: Record<string, unknown>): Promise<{ eventId: string; masterPort: number }[]> {
    const events = await eventIdsOnEveryMaster(cluster, uniqueName('cl'));
    for (const { eventId } of events) {
      expect((await admin(apiA.http).createEvent({ eventId, name: 'Cluster', minPollIntervalMs: 0, ...settings })).status).toBe(201);
    }
    return events;
  }

  it('two API replicas never over-admit 300 concurrent enters on events on all three masters; a worker promotes on each', async () => {
    const limitCnt = 11;
    const events = await eventsOnEveryMaster({ limitCnt });
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => enterVia((i % 2 === 0 ? apiA : apiB).http, events[i % 3].eventId, `burst-${i}`)));
    expect(answers.filter((a) => a.status !== 200).map((a) => [a.status, a.text])).toEqual([]);
    for (const { eventId } of events) {
      const mine = answers.filter((a) => a.body.eventId === eventId);
      expect(mine.filter((a) => a.body.status === 'ENTER')).toHaveLength(limitCnt);
      const ranks = mine.filter((a) => a.body.status === 'WAIT').map((a) => a.body.expectedInfo.rank);
      expect(ranks.sort((x, y) => x - y)).toEqual(Array.from({ length: 100 - limitCnt }, (_, i) => i + 1));
      expect((await admin(apiB.http).patchEvent(eventId, { limitCnt: limitCnt + 2 })).status).toBe(200);
    }
    for (const { eventId } of events) {
      await eventually(
        async () => (await admin(apiA.http).getEvent(eventId)).body.stats.active === limitCnt + 2,
        WITHIN,
        `the worker to promote on ${eventId}`,
      );
    }
  });

  it('a master SIGKILLed under load fails over to its replica: no acknowledged place or session lost, never over limitCnt, 503s recover', async () => {
    const limitCnt = 2;
    // Sessions outlast any failover (a visitor holds one for less than a second), but a session whose
    // exit a failover lost holds its slot only so long.
    const events = await eventsOnEveryMaster({ limitCnt, sessionTtlSec: 20, waitTimeoutSec: 600 });
    const victim = events[0];
    const replicaPort = await cluster.replicaOf(victim.masterPort);
    const load = new FailoverLoad(
      [apiA, apiB],
      events.map((e) => e.eventId),
    );
    const running = load.run(6);
    try {
      await eventually(() => load.acknowledgedOn(victim.eventId) >= 10, WITHIN, 'load on the victim event');

      // Replication is asynchronous: the replica is held back a moment (frozen by SIGSTOP, its link
      // cut so nothing waits in its socket), so the master holds writes its replica lacks when it dies,
      // the case WAIT is for. Without WAIT, places and sessions acknowledged meanwhile are lost.
      cluster.freeze(replicaPort);
      await cluster.cutReplication(victim.masterPort);
      load.mark('replica frozen');
      await sleep(1_500);
      await cluster.kill(victim.masterPort);
      cluster.thaw(replicaPort);
      load.mark('master killed');
      await eventually(
        async () => (await cluster.masterOf(eventSlot(victim.eventId)).catch(() => undefined)) === replicaPort,
        WITHIN,
        'the replica to take over the slot',
      );
      load.mark('failed over');
      // The new master has no replica until the old one comes back as its replica: its places are unconfirmed (503) till then.
      await cluster.restart(victim.masterPort);
      await cluster.waitUntilHealthy(WITHIN);
      expect(await cluster.replicaOf(replicaPort)).toBe(victim.masterPort);
      load.mark('replica back');
      await eventually(
        () => load.answeredOn(victim.eventId, 'replica back') >= 30,
        WITHIN,
        `answers on the victim event after the failover\n${describeOutput(apiA)}\n${describeOutput(apiB)}`,
      );
    } finally {
      const report = await load.stop(running);
      console.log(
        `cluster failover under load (REDIS_WAIT_REPLICAS=${backing.env.REDIS_WAIT_REPLICAS}, limitCnt ${limitCnt} per event): ${JSON.stringify(report)}`,
      );
    }
    const report = await load.stop(running);
    expect(report.unavailable).toBeGreaterThan(0);
    expect(report.unexpected).toEqual([]);
    expect(report.placesLost).toBe(0);
    expect(report.sessionsLost).toBe(0);
    for (const [eventId, maxActive] of Object.entries(report.maxAcknowledgedActive)) {
      expect({ eventId, maxActive: maxActive <= limitCnt }).toEqual({ eventId, maxActive: true });
    }
    for (const [eventId, maxActive] of Object.entries(report.maxStoreActive)) {
      expect({ eventId, maxActive: maxActive <= limitCnt }).toEqual({ eventId, maxActive: true });
    }
    // Visitors of the failed-over event took new places again.
    expect(load.acknowledgedOn(victim.eventId, 'replica back')).toBeGreaterThan(0);
    // Every place acknowledged at any time is still there, or was admitted and left.
    expect(await load.lostAtTheEnd(apiA)).toEqual([]);
  });
});

describe('one embedded process, restarted', () => {
  let backing: FoyerBacking;

  beforeAll(async () => {
    backing = await createBacking('embedded', { SCHEDULER_TICK_MS: '100' });
  });

  afterAll(async () => {
    await Promise.all(started.filter((p) => p.running()).map((p) => p.stop('SIGKILL')));
    await backing?.dispose();
  });

  it('keeps every place across a graceful restart, and rebuilds them from the journal once its state is lost', async () => {
    let foyer = await start('embedded-1', backing.env);
    const eventId = uniqueName('embedded');
    expect((await admin(foyer.http).createEvent({ eventId, name: 'Embedded', limitCnt: 1, minPollIntervalMs: 0 })).status).toBe(201);
    const tickets: string[] = [];
    const before = [];
    for (let i = 0; i < 4; i++) {
      const answer = await enterVia(foyer.http, eventId, `e-${i}`);
      expect(answer.status).toBe(200);
      tickets.push(answer.body.ticket);
      before.push(placeView(answer.body));
    }
    expect(before).toEqual([
      { status: 'ENTER', successToken: expect.any(String) },
      { status: 'WAIT', rank: 1 },
      { status: 'WAIT', rank: 2 },
      { status: 'WAIT', rank: 3 },
    ]);
    const states = () => Promise.all(tickets.map(async (ticket) => placeView((await pollVia(foyer.http, ticket)).body)));

    // SIGTERM writes the snapshot on the way out.
    await expectStop(foyer, 'SIGTERM', GRACEFUL);
    const snapshot = join(backing.env.FOYER_DATA_DIR, 'queue-snapshot.json');
    expect(existsSync(snapshot)).toBe(true);
    foyer = await start('embedded-2', backing.env);
    expect(await states()).toEqual(before);

    // The state is lost: the snapshot is gone when the next process starts. The event is rebuilt
    // from the journal (issue 13): every place back, the session with the same token claims.
    await expectStop(foyer, 'SIGTERM', GRACEFUL);
    rmSync(snapshot);
    foyer = await start('embedded-3', backing.env);
    const after = await states();
    expect(after.map((view) => ('rank' in view ? view.rank : view.status))).toEqual(['ENTER', 1, 2, 3]);
    // Every claim but the issuer, which is each process's own URL here (no FOYER_PUBLIC_URL is set).
    const claims = (token: unknown) => {
      const { iss: _issuer, ...rest } = JSON.parse(Buffer.from(String(token).split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
      return rest;
    };
    expect(claims(after[0].successToken)).toEqual(claims(before[0].successToken));
    // Newcomers start behind them: the session still holds the one slot.
    const newcomer = await enterVia(foyer.http, eventId, 'new-0');
    expect(placeView(newcomer.body)).toEqual({ status: 'WAIT', rank: 4 });
    expect((await admin(foyer.http).getEvent(eventId)).body.stats).toMatchObject({ active: 1, waiting: 4 });
    await expectStop(foyer, 'SIGTERM', GRACEFUL);
  });
});

describe('a store that is not there', () => {
  let backing: FoyerBacking;
  let healthy: RunningFoyer;

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    backing = await createBacking('redis');
    healthy = await startFoyer(backing, { FOYER_ROLES: 'api' });
  });

  afterAll(async () => {
    await healthy?.close();
    await backing?.dispose();
  });

  const expectUnavailable = (answer: { status: number; body: any; text: string }) =>
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 503,
      body: expect.objectContaining({ statusCode: 503, code: 'STORE_UNAVAILABLE', message: expect.any(String) }),
    });

  it('answers 503 STORE_UNAVAILABLE on visitor routes and readiness when Redis is not there', async () => {
    const eventId = uniqueName('outage');
    expect((await admin(healthy.http).createEvent({ eventId, name: 'Outage', limitCnt: 1, minPollIntervalMs: 0 })).status).toBe(201);
    const admitted = (await enterVia(healthy.http, eventId, 'here')).body;
    const waiting = (await enterVia(healthy.http, eventId, 'waiting')).body;
    expect([admitted.status, waiting.status]).toEqual(['ENTER', 'WAIT']);

    // Nothing listens on port 1.
    const cutOff = await startFoyer(backing, { REDIS_URL: 'redis://127.0.0.1:1/0' });
    try {
      expectUnavailable(await cutOff.http.get('/health/ready'));
      expectUnavailable(await enterVia(cutOff.http, eventId, 'newcomer'));
      expectUnavailable(await pollVia(cutOff.http, waiting.ticket));
      expectUnavailable(await cutOff.http.post('/v1/queue/enter', { eventId }, { token: waiting.ticket }));
      expectUnavailable(await cutOff.http.post('/v1/active/verify', { successToken: admitted.successToken }));
      expectUnavailable(await cutOff.http.post('/v1/active/exit', { successToken: admitted.successToken }));
      expectUnavailable(await admin(cutOff.http).getEvent(eventId));
      expect((await cutOff.http.get('/health/live')).status).toBe(200);
    } finally {
      await cutOff.close();
    }
    // Nothing changed: the places are where they were.
    expect(placeView((await pollVia(healthy.http, waiting.ticket)).body)).toEqual({ status: 'WAIT', rank: 1 });
    expect((await admin(healthy.http).getEvent(eventId)).body.stats).toMatchObject({ active: 1, waiting: 1 });
  });

  it('answers 503 STORE_UNAVAILABLE on admin routes and readiness when PostgreSQL goes away, while known lines keep moving', async () => {
    const database = new URL(backing.env.DATABASE_URL);
    const proxy: TcpProxy = await startTcpProxy({ host: database.hostname, port: Number(database.port) });
    const proxied = new URL(database);
    proxied.port = String(proxy.port);
    const foyer = await startFoyer(backing, { DATABASE_URL: proxied.toString() });
    const eventId = uniqueName('dbgone');
    const neverId = uniqueName('never');
    try {
      const api = admin(foyer.http);
      expect((await api.createEvent({ eventId, name: 'DB outage', limitCnt: 1 })).status).toBe(201);
      expect((await enterVia(foyer.http, eventId, 'early')).body.status).toBe('ENTER');
      const waiting = await enterVia(foyer.http, eventId, 'waiting');
      expect(waiting.body.status).toBe('WAIT');
      await proxy.cut();

      expectUnavailable(await foyer.http.get('/health/ready'));
      expectUnavailable(await api.getEvent(eventId));
      expectUnavailable(await foyer.http.get('/v1/admin/events', { token: ADMIN_KEY }));
      expectUnavailable(await api.createEvent({ eventId: neverId, name: 'x', limitCnt: 1 }));
      expectUnavailable(await api.patchEvent(eventId, { limitCnt: 2 }));
      expectUnavailable(await api.deleteEvent(eventId));
      expectUnavailable(await api.journal('after=0'));
      // Visitors of an event the process has read keep their line: its copy of the settings is
      // answered (and renewed in vain) for up to a minute, and no setting can change meanwhile.
      await sleep(1_500); // past the copy's first second (and the poll pacing): requests now try to renew it
      expect((await pollVia(foyer.http, waiting.body.ticket)).body).toMatchObject({ status: 'WAIT', expectedInfo: { rank: 1 } });
      expect((await enterVia(foyer.http, eventId, 'late')).body).toMatchObject({ status: 'WAIT', expectedInfo: { rank: 2 } });
      // An event it has never read needs the database.
      expectUnavailable(await enterVia(foyer.http, neverId, 'later'));
    } finally {
      await foyer.close();
    }
    // Nothing changed while it was gone.
    expect((await admin(healthy.http).getEvent(neverId)).status).toBe(404);
    const kept = await admin(healthy.http).getEvent(eventId);
    expect(kept.status).toBe(200);
    expect(kept.body.limitCnt).toBe(1);
  });

  it('a process whose database is not there at start exits with a clear message', async () => {
    const foyer = spawnFoyerRaw({
      name: 'no-database',
      env: { ...backing.env, DATABASE_URL: 'postgresql://foyer:s3cret-pw@127.0.0.1:1/foyer', PORT: '0' },
    });
    started.push(foyer);
    const status = await within(foyer.exited, WITHIN);
    expect({ status, output: foyer.output() }).toEqual({ status: { code: 1, signal: null }, output: expect.any(String) });
    const output = foyer.output();
    expect(output).toMatch(/database/i);
    expect(output).toContain('127.0.0.1:1');
    expect(output).not.toContain('s3cret-pw');
  });

  it('a worker refuses the embedded stores, which belong to the single npm start process', async () => {
    const embedded = await createBacking('embedded');
    try {
      const worker = spawnFoyerRaw({ name: 'embedded-worker', entry: 'worker', env: { ...embedded.env, FOYER_ROLES: 'scheduler' } });
      started.push(worker);
      const status = await within(worker.exited, WITHIN);
      expect(status).toEqual({ code: 1, signal: null });
      expect(worker.output()).toContain('REDIS_URL');
      expect(worker.output()).toContain('DATABASE_URL');
    } finally {
      await embedded.dispose();
    }
  });
});
