/**
 * `npm run bench`: measures DESIGN.md's performance targets against the built app on this machine
 * and writes the figures into BENCHMARKS.md (between its marks). `npm run bench:smoke` runs every
 * step at a tiny size and writes nothing. Needs Redis (REDIS_URL); uses PostgreSQL when it can
 * create a database (BENCH_POSTGRES_URL), else the embedded one. Runs under
 * loadtest/node-loader (TypeScript on Node 20) after `npm run build`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createBacking } from './backing.js';
import { fileIn, sizeLabel, type BenchContext } from './bench-context.js';
import { parseCliOptions, type BenchStep } from './cli-options.js';
import { benchEvent, FoyerAdmin } from './foyer-admin.js';
import { chooseLoadGenerator } from './load/choose-load-generator.js';
import type { LoadRequest } from './load/load-generator.js';
import { describeMachine } from './machine.js';
import { measureCallbacks } from './measure/callbacks.js';
import { profileUnderLoad } from './measure/cpu-profile.js';
import { measureEnter, nextIdPrefix } from './measure/enter.js';
import { measureJournalLag } from './measure/journal-lag.js';
import { ESTIMATE_SCENARIOS, simulateEstimateAccuracy } from './measure/estimate-accuracy.js';
import { measureEnterKeyMemory } from './measure/enter-key-memory.js';
import { measureMemory, usedMemory } from './measure/memory.js';
import { measurePoll } from './measure/poll.js';
import { measurePromotion } from './measure/promotion.js';
import { measureRebuild } from './measure/rebuild.js';
import { measureScaleOut } from './measure/scale-out.js';
import { ROOT, startApi, startFloor, type BenchProcess } from './processes.js';
import { renderReport, spliceReport } from './report.js';
import type { BenchResults } from './results.js';
import { seedWaiters, type SeededQueue } from './seed.js';

const ENTER_EVENT = 'bench-enter';
const FLOOR_ENTER_EVENT = 'bench-floor-enter';
const ID_LENGTH = 16;

async function main(): Promise<number> {
  const options = parseCliOptions(process.argv.slice(2), ROOT);
  const { plan } = options;
  const log = (line: string) => console.log(line);
  const startedAt = new Date();
  const load = chooseLoadGenerator(options.loadGenerator);
  log(`Foyer benchmark (${plan.mode}); load generator: ${load.description}`);

  const backing = await createBacking();
  const processes: BenchProcess[] = [];
  const track = (p: BenchProcess) => (processes.push(p), p);
  const problems: BenchResults['problems'] = [];
  // Once, whoever asks first: the end of the run, or Ctrl-C / SIGTERM in the middle of it (a run
  // left behind would keep its processes, a million keys and a database).
  let cleaning: Promise<void> | null = null;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      for (const p of [...processes].reverse()) await p.stop().catch(() => undefined);
      await backing.dispose();
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the run's processes, removing its keys and database`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const machine = await describeMachine(backing.redis, backing.databaseDescription, load.description);
    log(`${machine.cores} × ${machine.cpuModel}, Node ${machine.node}, Redis ${machine.redis}, ${machine.database}; key prefix ${backing.keyPrefix}`);

    const api = track(await startApi({ name: 'api', env: { ...backing.env, FOYER_ROLES: 'api' } }));
    const floorEnv = { REDIS_URL: backing.redisUrl, REDIS_KEY_PREFIX: backing.keyPrefix };
    const floor = track(await startFloor({ name: 'floor', env: floorEnv }));
    const coalescingFloor = track(await startFloor({ name: 'floor (coalescing)', env: { ...floorEnv, FLOOR_COALESCE: '1' } }));
    const ctx: BenchContext = {
      plan,
      backing,
      load,
      api,
      floor,
      coalescingFloor,
      admin: new FoyerAdmin(api.url, backing.adminApiKey),
      log,
      file: fileIn(backing),
      track,
    };
    const results: BenchResults = { plan, machine, note: options.note, startedAt, finishedAt: startedAt, polls: [], profiles: [], problems };
    const picked = (kind: BenchStep) => options.only === null || options.only.has(kind);
    const step = async (name: string, work: () => Promise<void>, kind?: BenchStep) => {
      if (kind !== undefined && !picked(kind)) return;
      log(`- ${name}`);
      const began = Date.now();
      try {
        await work();
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        problems.push({ step: name, message });
        log(`  FAILED: ${message}`);
      }
      log(`  (${((Date.now() - began) / 1000).toFixed(0)} s)`);
    };

    // Queues of three sizes, seeded straight into Redis; the largest also gives the memory figure.
    // Only the steps that poll or promote need them (the rebuild journals a line of its own).
    const needsQueues = (['poll', 'scale-out', 'promotion', 'profile'] as const).some(picked);
    const queues: SeededQueue[] = [];
    if (needsQueues)
      await step(`seed queues of ${plan.queueSizes.map(sizeLabel).join(', ')} waiters`, async () => {
        for (const size of plan.queueSizes) {
          const eventId = `bench-q${sizeLabel(size)}`;
          await ctx.admin.createEvent(benchEvent(eventId));
          const largest = size === plan.queueSizes[plan.queueSizes.length - 1];
          const usedBefore = largest ? await usedMemory(backing.redis) : 0;
          const began = Date.now();
          const queue = await seedWaiters({ redis: backing.redis, keyPrefix: backing.keyPrefix, ticketSecret: backing.ticketSecret, eventId, size });
          log(`  ${eventId}: ${size} waiters in ${((Date.now() - began) / 1000).toFixed(1)} s`);
          if (largest) {
            const usedAfter = await usedMemory(backing.redis);
            results.memory = await measureMemory(backing.redis, backing.keyPrefix, eventId, { waiters: size, idLength: ID_LENGTH, usedBefore, usedAfter });
            log(`  memory: ${results.memory.bytesPerWaiter.toFixed(1)} B per waiter (used_memory: ${results.memory.bytesPerWaiterFromInfo.toFixed(1)})`);
          }
          queues.push(queue);
        }
      });
    if (needsQueues && queues.length !== plan.queueSizes.length) throw new Error('seeding failed; nothing else can be measured');

    await step(
      `memory of enters with and without an Idempotency-Key, ${sizeLabel(plan.enterKeyWaiters)} waiters each`,
      async () => {
        results.enterKeyMemory = await measureEnterKeyMemory(backing.redis, backing.keyPrefix, plan.enterKeyWaiters);
        for (const variant of results.enterKeyMemory.variants) log(`  ${variant.name}: ${variant.bytesPerWaiter.toFixed(1)} B per waiter`);
      },
      'enter-keys',
    );
    const ticketsOf = (queue: SeededQueue) => queue.writeTickets(ctx.file(`tickets-${queue.eventId}.txt`), plan.ticketSample);
    const largest = queues[queues.length - 1];

    for (const [index, queue] of queues.entries()) {
      const headline = index === queues.length - 1;
      await step(
        `poll vs floor, ${sizeLabel(queue.size)} waiting`,
        async () => {
          results.polls.push(
            await measurePoll(ctx, {
              queueSize: queue.size,
              ticketsFile: ticketsOf(queue),
              rounds: headline ? plan.headlineRounds : plan.rounds,
              seconds: headline ? plan.headlineRoundSeconds : plan.roundSeconds,
              withCoalescingFloor: headline,
            }),
          );
        },
        'poll',
      );
    }

    await step(
      'scale-out: 1 vs 2 API processes',
      async () => {
        results.scaleOut =
          backing.databaseUrl === null
            ? { skipped: 'two API processes need a shared PostgreSQL database (none was reachable)' }
            : await measureScaleOut(ctx, { ticketsFile: ticketsOf(queues[1]) });
      },
      'scale-out',
    );

    await step(
      `promotion on the ${sizeLabel(plan.queueSizes[plan.queueSizes.length - 1])} queue`,
      async () => {
        // Tickets from the back 30 %: the window admits far fewer than that, so they keep waiting.
        const fromRank = Math.floor(largest.size * 0.7);
        const ticketsFile = largest.writeTickets(ctx.file('tickets-back.txt'), plan.ticketSample, fromRank);
        results.promotion = await measurePromotion(ctx, { eventId: largest.eventId, queueSize: largest.size, ticketsFile });
      },
      'promotion',
    );

    // The enter event is taken by the enter step and by the enter profile, whichever runs.
    if (picked('enter') || picked('profile')) await ctx.admin.createEvent(benchEvent(ENTER_EVENT));

    await step(
      'enter vs floor',
      async () => {
        results.enter = await measureEnter(ctx, { eventId: ENTER_EVENT, floorEventId: FLOOR_ENTER_EVENT });
      },
      'enter',
    );

    await step(
      `journal lag under a ${plan.roundSeconds * 2} s spike of enters`,
      async () => {
        results.journalLag = await measureJournalLag(ctx, { eventId: 'bench-journal-lag', seconds: plan.roundSeconds * 2 });
      },
      'journal-lag',
    );

    if (plan.profileSeconds > 0 && picked('profile')) {
      // The 100k line: nothing admitted from it (the promotion step let the 1M line's head in).
      const pollTickets = ticketsOf(queues[1]);
      for (const kind of ['poll', 'enter'] as const) {
        for (const server of ['Foyer', 'floor'] as const) {
          const name = `${server} ${kind}`;
          await step(
            `CPU profile: ${name}`,
            async () => {
              const start = (nodeArgs: string[]) =>
                server === 'Foyer'
                  ? startApi({ name: 'api (profiled)', env: { ...backing.env, FOYER_ROLES: 'api' }, nodeArgs })
                  : startFloor({ name: 'floor (profiled)', env: { REDIS_URL: backing.redisUrl, REDIS_KEY_PREFIX: backing.keyPrefix }, nodeArgs });
              const request = (url: string): LoadRequest =>
                kind === 'poll'
                  ? { kind, url: url + (server === 'Foyer' ? '/v1/queue/status' : '/floor/status'), ticketsFile: pollTickets }
                  : server === 'Foyer'
                    ? { kind, url: `${url}/v1/queue/enter`, eventId: ENTER_EVENT, idPrefix: nextIdPrefix() }
                    : { kind, url: `${url}/floor/enter`, eventId: FLOOR_ENTER_EVENT, idPrefix: nextIdPrefix() };
              results.profiles.push(await profileUnderLoad(ctx, { name, start, request }));
            },
            'profile',
          );
        }
      }
    }

    await step(
      `callbacks: ${plan.callbackMessages} messages over ${plan.callbackGroups} groups`,
      async () => {
        results.callbacks = await measureCallbacks(ctx);
      },
      'callbacks',
    );

    await step(
      'estimate accuracy: simulated sales on a fake clock',
      async () => {
        results.estimates = [];
        for (const scenario of ESTIMATE_SCENARIOS) results.estimates.push(await simulateEstimateAccuracy(scenario));
      },
      'estimates',
    );

    await step(
      `rebuild of a ${sizeLabel(plan.rebuildPlaces)}-place line from the journal into an empty Redis`,
      async () => {
        results.rebuild = await measureRebuild(ctx, { places: plan.rebuildPlaces, sessions: plan.rebuildSessions });
      },
      'rebuild',
    );

    results.finishedAt = new Date();
    machine.loadAverage.end = loadavg()[0];
    const report = renderReport(results);
    log('');
    log(report);
    if (options.out) {
      const existing = existsSync(options.out) ? readFileSync(options.out, 'utf8') : null;
      writeFileSync(options.out, spliceReport(existing, report));
      log(`written to ${options.out}`);
    } else {
      const why = plan.mode === 'smoke' ? 'smoke run' : options.only !== null ? '--only: a partial run' : '--no-write';
      log(`(${why}: no report file written)`);
    }
    return problems.length === 0 ? 0 : 1;
  } finally {
    await cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
