import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { BenchContext } from '../bench-context.js';
import { ROOT } from '../processes.js';
import { listenOnLoopback } from '../../../test/support/services.js';
import { withBackgroundRole } from './background-roles.js';

const PROBE_GROUP = 'bench-probe';

export type CallbackFigures =
  | {
      measured: true;
      messages: number;
      groups: number;
      concurrency: string;
      /** Posts accepted per second through `POST /v1/callbacks` (one chain per group). */
      acceptedPerSecond: number;
      delivered: number;
      /** First delivery to last, unique messages per second (the freshly started dispatcher's warm-up included). */
      deliveredPerSecond: number;
      /** The same over the last three quarters of the deliveries: the dispatcher warmed up (its JIT, Prisma's query compiler). */
      steadyPerSecond: number;
      duplicates: number;
      /** Groups in which a message arrived before an earlier one of the group had. */
      groupsOutOfOrder: number;
      topology: string;
    }
  | { measured: false; reason: string };

/**
 * Deliveries per second across many groups to a fast receiver on this machine: every message is
 * accepted first (dispatcher stopped), then the dispatcher starts and the receiver times the first
 * to the last delivery and checks each group's order.
 */
export async function measureCallbacks(ctx: BenchContext): Promise<CallbackFigures> {
  if (!existsSync(join(ROOT, 'libs/callbacks/src/index.ts'))) {
    return { measured: false, reason: 'the callbacks module (libs/callbacks) does not exist yet' };
  }
  const receiver = await startReceiver();
  try {
    const hook = `${receiver.url}/hook`;
    const probe = await postCallback(ctx, { callbackUrl: hook, groupId: PROBE_GROUP, body: { n: 0 } });
    if (probe.status !== 202) {
      return { measured: false, reason: `POST /v1/callbacks answered ${probe.status} ${probe.text.slice(0, 200)}` };
    }

    const { callbackMessages: messages, callbackGroups: groups } = ctx.plan;
    const perGroup = Math.ceil(messages / groups);
    const run = randomBytes(3).toString('hex');
    const postStart = Date.now();
    await Promise.all(
      Array.from({ length: groups }, async (_, g) => {
        for (let n = 0; n < perGroup; n++) {
          const answer = await postCallback(ctx, { callbackUrl: hook, groupId: `g${g}`, body: { n }, messageId: `${run}-g${g}-${n}` });
          if (answer.status !== 202) throw new Error(`POST /v1/callbacks answered ${answer.status} ${answer.text.slice(0, 200)}`);
        }
      }),
    );
    const total = perGroup * groups;
    const acceptedPerSecond = total / ((Date.now() - postStart) / 1000);
    ctx.log(`    ${total} messages accepted (${Math.round(acceptedPerSecond)}/s); delivering`);

    const deadlineMs = Math.max(60_000, total * 5);
    const { topology } = await withBackgroundRole(ctx, 'dispatcher', async () => {
      const start = Date.now();
      while (receiver.unique() < total && Date.now() - start < deadlineMs) await new Promise((r) => setTimeout(r, 100));
    });
    const delivered = receiver.unique();
    const span = receiver.lastAt() - receiver.firstAt();
    const times = receiver.times();
    const quarter = Math.floor(times.length / 4);
    const steadySpan = times.length > 0 ? times[times.length - 1] - times[quarter] : 0;
    return {
      measured: true,
      messages: total,
      groups,
      concurrency: `CALLBACK_CONCURRENCY=${ctx.backing.env.CALLBACK_CONCURRENCY ?? '32 (default)'}`,
      acceptedPerSecond,
      delivered,
      deliveredPerSecond: span > 0 ? delivered / (span / 1000) : 0,
      steadyPerSecond: steadySpan > 0 ? (times.length - 1 - quarter) / (steadySpan / 1000) : 0,
      duplicates: receiver.duplicates(),
      groupsOutOfOrder: receiver.groupsOutOfOrder(),
      topology,
    };
  } finally {
    await receiver.close();
  }
}

async function postCallback(ctx: BenchContext, message: Record<string, unknown>): Promise<{ status: number; text: string }> {
  const response = await fetch(`${ctx.api.url}/v1/callbacks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ctx.backing.adminApiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(message),
  });
  return { status: response.status, text: await response.text() };
}

interface Receiver {
  url: string;
  unique(): number;
  duplicates(): number;
  groupsOutOfOrder(): number;
  firstAt(): number;
  lastAt(): number;
  /** When each unique delivery arrived, in order (ms). */
  times(): readonly number[];
  close(): Promise<void>;
}

/** Answers 200 at once; counts each webhook-id once and checks each group's `n` only grows by one. */
async function startReceiver(): Promise<Receiver> {
  const seen = new Set<string>();
  const nextOf = new Map<string, number>();
  const outOfOrder = new Set<string>();
  let duplicates = 0;
  let first = 0;
  let last = 0;
  const arrivals: number[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      response.writeHead(200).end();
      const group = String(request.headers['x-foyer-group-id'] ?? '');
      if (group === PROBE_GROUP) return;
      const webhookId = String(request.headers['webhook-id'] ?? '');
      if (seen.has(webhookId)) {
        duplicates += 1;
        return;
      }
      seen.add(webhookId);
      const now = Date.now();
      if (first === 0) first = now;
      last = now;
      arrivals.push(now);
      const { n } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { n: number };
      if (n !== (nextOf.get(group) ?? 0)) outOfOrder.add(group);
      nextOf.set(group, n + 1);
    });
  });
  server.keepAliveTimeout = 60_000;
  const url = await listenOnLoopback(server);
  return {
    url,
    unique: () => seen.size,
    duplicates: () => duplicates,
    groupsOutOfOrder: () => outOfOrder.size,
    firstAt: () => first,
    lastAt: () => last,
    times: () => arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
