/**
 * The admin time-series route over real HTTP, on both store modes: the scheduler samples every
 * event (once a second here: SCHEDULER_TICK_MS=100), the route answers the recent points with
 * rates derived from consecutive samples, and deleting an event drops its series.
 */
import { jest } from '@jest/globals';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Redis } from 'ioredis';
import { CLOCK, EVENT_REPOSITORY, EVENT_SERIES, QUEUE_STORE } from '@foyer/platform';
import { EventSeriesSampler } from '../libs/waiting-room/src/series/series-sampler.js';
import { SeriesSettings } from '../libs/waiting-room/src/series/series-settings.js';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { admin, ADMIN_KEY, createBacking, startFoyer, STORE_MODES, type FoyerBacking, type RunningFoyer } from './support/foyer.js';
import { eventually, REDIS_URL, sleep } from './support/services.js';
import { badFields, expectError, okAnswers, uniqueEventId, visitor } from './support/visitors.js';

jest.setTimeout(60_000);

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

interface Point {
  at: string;
  waiting: number;
  active: number;
  limitCnt: number;
  admittedTotal: number;
  admittedPerMin: number | null;
  abandonedTotal: number;
  abandonedPerMin: number | null;
  backWaitSeconds: number | null;
}

describe.each(STORE_MODES)('GET /v1/admin/events/{eventId}/series (%s store)', (mode) => {
  let backing: FoyerBacking;
  let foyer: RunningFoyer;
  let adm: ReturnType<typeof admin>;
  let v: ReturnType<typeof visitor>;

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    backing = await createBacking(mode);
    foyer = await startFoyer(backing);
    adm = admin(foyer.http);
    v = visitor(foyer.http);
  }, 120_000);

  afterAll(async () => {
    await foyer?.close();
    await backing?.dispose();
  });

  const { enterOk, stats } = okAnswers(
    () => v,
    () => adm,
  );

  /** `token: null` sends no authorization header. */
  const series = (eventId: string, query = '', token: string | null = ADMIN_KEY) =>
    foyer.http.get(`/v1/admin/events/${encodeURIComponent(eventId)}/series${query}`, { token: token ?? undefined });

  async function newEvent(settings: Record<string, unknown> = {}): Promise<string> {
    const eventId = uniqueEventId(`series-${mode}`);
    const created = await adm.createEvent({ name: 'Series', limitCnt: 2, minPollIntervalMs: 0, ...settings, eventId });
    expect(created.status).toBe(201);
    return eventId;
  }

  async function pointsOf(eventId: string, query = ''): Promise<Point[]> {
    const answer = await series(eventId, query);
    expect(answer.status).toBe(200);
    return answer.body.points;
  }

  /** Waits for the newest point to satisfy `check`, and returns it. */
  function latestPoint(eventId: string, check: (point: Point) => boolean, what: string): Promise<Point> {
    return eventually(
      async () => {
        const points = await pointsOf(eventId);
        const last = points.at(-1);
        return last && check(last) ? last : undefined;
      },
      20_000,
      what,
    );
  }

  it('gains a point per sampling interval as the scheduler ticks', async () => {
    const eventId = await newEvent();
    const first = await eventually(
      async () => {
        const answer = await series(eventId);
        return answer.body?.points?.length >= 1 ? answer : undefined;
      },
      20_000,
      'a first point',
    );
    expect(first.body).toEqual({
      eventId,
      intervalSec: 1,
      minutes: 30,
      points: [
        {
          at: expect.stringMatching(ISO_TIME),
          waiting: 0,
          active: 0,
          limitCnt: 2,
          admittedTotal: 0,
          admittedPerMin: null,
          abandonedTotal: 0,
          abandonedPerMin: null,
          backWaitSeconds: 0,
        },
      ],
    });
    const points = await eventually(
      async () => {
        const all = await pointsOf(eventId);
        return all.length >= 3 ? all : undefined;
      },
      20_000,
      'three points',
    );
    const times = points.map((point) => Date.parse(point.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // One point per one-second slot.
    expect(new Set(times.map((at) => Math.floor(at / 1000))).size).toBe(times.length);
    expect(points.slice(1).every((point) => point.admittedPerMin === 0 && point.abandonedPerMin === 0)).toBe(true);
  });

  it("follows the event's stats as users enter, wait, are paused and admitted", async () => {
    const eventId = await newEvent({ limitCnt: 2 });
    await latestPoint(eventId, () => true, 'a first point');
    for (let i = 1; i <= 5; i++) await enterOk({ eventId, id: `user-${i}` });
    const now = await stats(eventId);
    expect(now).toMatchObject({ waiting: 3, active: 2, admittedTotal: 2, abandonedTotal: 0 });

    const loaded = await latestPoint(eventId, (point) => point.waiting === 3, 'three waiting');
    expect(loaded).toMatchObject({
      waiting: now.waiting,
      active: now.active,
      limitCnt: 2,
      admittedTotal: now.admittedTotal,
      abandonedTotal: now.abandonedTotal,
    });
    // Three waiting behind a measured rate: a real estimate, in whole seconds.
    expect(Number.isInteger(loaded.backWaitSeconds)).toBe(true);
    expect(loaded.backWaitSeconds).toBeGreaterThan(0);
    // The sample that saw the two admissions measured them against the one before.
    const points = await pointsOf(eventId);
    expect(points.some((point) => (point.admittedPerMin ?? 0) > 0)).toBe(true);

    expect((await adm.patchEvent(eventId, { status: 'PAUSED' })).status).toBe(200);
    await latestPoint(eventId, (point) => point.waiting === 3 && point.backWaitSeconds === null, 'no estimate while PAUSED');

    expect((await adm.patchEvent(eventId, { status: 'OPEN', limitCnt: 5 })).status).toBe(200);
    const admitted = await latestPoint(eventId, (point) => point.active === 5, 'five active');
    expect(admitted).toMatchObject({ waiting: 0, active: 5, limitCnt: 5, admittedTotal: 5, backWaitSeconds: 0 });
    expect(await stats(eventId)).toMatchObject({ waiting: 0, active: 5, admittedTotal: 5 });
  });

  it('counts waiters who stop polling as abandoned, with a rate per minute', async () => {
    const eventId = await newEvent({ limitCnt: 0, waitTimeoutSec: 1 });
    await latestPoint(eventId, () => true, 'a first point');
    await enterOk({ eventId, id: 'gone-1' });
    await enterOk({ eventId, id: 'gone-2' });
    const after = await latestPoint(eventId, (point) => point.abandonedTotal === 2, 'two abandoned');
    expect(after).toMatchObject({ waiting: 0, active: 0, limitCnt: 0 });
    const points = await pointsOf(eventId);
    expect(points.some((point) => (point.abandonedPerMin ?? 0) > 0)).toBe(true);
    // limitCnt 0 admits nobody: no estimate was possible while they waited.
    expect(points.filter((point) => point.waiting > 0).every((point) => point.backWaitSeconds === null)).toBe(true);
  });

  it('answers only the minutes asked for', async () => {
    const eventId = await newEvent();
    await latestPoint(eventId, () => true, 'a first point');
    const before = Date.now();
    const answer = await series(eventId, '?minutes=1');
    expect(answer.status).toBe(200);
    expect(answer.body.minutes).toBe(1);
    expect(answer.body.points.length).toBeGreaterThanOrEqual(1);
    for (const point of answer.body.points as Point[]) expect(Date.parse(point.at)).toBeGreaterThanOrEqual(before - 60_000 - 5_000);
    expect((await series(eventId, '?minutes=60')).status).toBe(200);
  });

  it('several samplers write each slot once, never twice', async () => {
    const eventId = await newEvent();
    const app = foyer.app;
    const sampler = () =>
      new EventSeriesSampler(
        app.get(EVENT_REPOSITORY),
        app.get(QUEUE_STORE),
        app.get(EVENT_SERIES),
        app.get(CLOCK),
        app.get(SeriesSettings),
        app.get(SchedulerRegistry),
      );
    const second = sampler();
    const third = sampler();
    const until = Date.now() + 3_500;
    while (Date.now() < until) {
      await Promise.all([second.sample(), third.sample()]);
      await sleep(100);
    }
    const points = await pointsOf(eventId);
    expect(points.length).toBeGreaterThanOrEqual(3);
    const slots = points.map((point) => Math.floor(Date.parse(point.at) / 1000));
    expect(new Set(slots).size).toBe(slots.length);
  });

  it('refuses minutes that are not an integer 1..60, and unknown parameters', async () => {
    const eventId = await newEvent();
    for (const minutes of ['0', '61', '-5', '1.5', 'abc', '']) {
      expect(badFields(await series(eventId, `?minutes=${minutes}`))).toEqual(['minutes']);
    }
    expect(badFields(await series(eventId, '?minutes=5&window=9'))).toEqual(['window']);
  });

  it('needs the admin key, and reveals nothing without it', async () => {
    const eventId = await newEvent();
    for (const id of [eventId, 'no-such-event']) {
      expectError(await series(id, '', null), 401, 'UNAUTHORIZED');
      expectError(await series(id, '?minutes=0', 'wrong-key'), 401, 'UNAUTHORIZED');
    }
  });

  it('answers 404 for an unknown event', async () => {
    expectError(await series('no-such-event'), 404, 'EVENT_NOT_FOUND');
    expectError(await series('x'.repeat(300)), 404, 'EVENT_NOT_FOUND');
  });

  it("drops an event's series with the event", async () => {
    const eventId = await newEvent();
    await latestPoint(eventId, () => true, 'a first point');
    expect((await adm.deleteEvent(eventId)).status).toBe(204);
    expectError(await series(eventId), 404, 'EVENT_NOT_FOUND');
    if (mode === 'redis') {
      const redis = new Redis(REDIS_URL);
      try {
        expect(await redis.exists(`${backing.env.REDIS_KEY_PREFIX}ev:{${eventId}}:series`)).toBe(0);
      } finally {
        await redis.quit();
      }
    }
    const again = await adm.createEvent({ eventId, name: 'Again', limitCnt: 1 });
    expect(again.status).toBe(201);
    const createdAt = Date.parse(again.body.createdAt);
    // Whatever was sampled before the deletion is gone; only the new event's own samples show.
    const points = await pointsOf(eventId);
    expect(points.every((point) => Date.parse(point.at) >= createdAt)).toBe(true);
    const fresh = await latestPoint(eventId, () => true, 'a point of the new event');
    expect(fresh).toMatchObject({ limitCnt: 1, admittedTotal: 0 });
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = await foyer.http.get('/docs-json');
    const operation = doc.body.paths['/v1/admin/events/{eventId}/series']?.get;
    expect(operation).toBeDefined();
    expect(operation.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['eventId', 'minutes']);
    // A fraction is refused (400): a client generated from the document must not send one.
    const minutes = operation.parameters.find((p: { name: string }) => p.name === 'minutes');
    expect(minutes.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 60, default: 30 });
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '400', '401', '404', '503']);
    const schemas = doc.body.components.schemas;
    expect(Object.keys(schemas.EventSeriesDto.properties).sort()).toEqual(['eventId', 'intervalSec', 'minutes', 'points']);
    expect(Object.keys(schemas.SeriesPointDto.properties).sort()).toEqual([
      'abandonedPerMin',
      'abandonedTotal',
      'active',
      'admittedPerMin',
      'admittedTotal',
      'at',
      'backWaitSeconds',
      'limitCnt',
      'waiting',
    ]);
  });
});
