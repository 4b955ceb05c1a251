/**
 * The callback tables under the dispatcher's hands, on real PostgreSQL with two connections
 * standing in for two dispatchers: claims never share a group, a claimed group's next message
 * waits, a lease that runs out gives the same message to another dispatcher, a completion from a
 * dispatcher whose lease ran out changes nothing, and retention removes only finished messages.
 */
import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { CallbackDispatchRepository, CallbackMessagesRepository, contentHash, type AttemptOutcome, type NewCallback } from '@foyer/callbacks';
import { openDatabase, type Database } from '@foyer/persistence';
import { createTempDir, createTestDatabase, sleep } from './support/services.js';

jest.setTimeout(60_000);

const LEASE_MS = 60_000;

describe('callback store on postgres', () => {
  let database: { url: string; drop(): Promise<void> };
  let dbA: Database;
  let dbB: Database;
  let messages: CallbackMessagesRepository;
  let dispatcherA: CallbackDispatchRepository;
  let dispatcherB: CallbackDispatchRepository;
  const dir = createTempDir();

  beforeAll(async () => {
    database = await createTestDatabase();
    dbA = await openDatabase({ databaseUrl: database.url, dataDir: dir.path });
    dbB = await openDatabase({ databaseUrl: database.url, dataDir: dir.path });
    messages = new CallbackMessagesRepository(dbA);
    dispatcherA = new CallbackDispatchRepository(dbA);
    dispatcherB = new CallbackDispatchRepository(dbB);
  });

  afterAll(async () => {
    await dbA?.close();
    await dbB?.close();
    await database?.drop();
    dir.remove();
  });

  beforeEach(async () => {
    // Each test starts with nothing due, so claims only find what the test adds.
    await dbA.prisma.$executeRawUnsafe('UPDATE callback_groups SET ready_at = NULL, claim_id = NULL');
  });

  const message = (groupId: string, n: number): NewCallback => {
    const body = { n };
    return {
      messageId: `${groupId}-${n}`,
      groupId,
      callbackUrl: 'http://127.0.0.1:9/hook',
      body: JSON.stringify(body),
      onDead: 'CONTINUE',
      contentHash: contentHash({ callbackUrl: 'http://127.0.0.1:9/hook', groupId, onDead: 'CONTINUE', body }),
    };
  };
  const succeeded = (): AttemptOutcome => ({
    succeeded: true,
    statusCode: 200,
    error: null,
    startedAt: new Date(),
    durationMs: 1,
    dead: false,
    retryDelayMs: 0,
  });
  const unique = (name: string) => `${name}-${randomBytes(4).toString('hex')}`;

  it('gives two dispatchers claiming at once disjoint groups, one message per group', async () => {
    const groups = Array.from({ length: 10 }, (_, i) => unique(`g${i}`));
    for (const groupId of groups) {
      await messages.accept(message(groupId, 1));
      await messages.accept(message(groupId, 2));
    }
    const [a, b] = await Promise.all([dispatcherA.claim(6, LEASE_MS), dispatcherB.claim(6, LEASE_MS)]);
    const claimed = [...a, ...b];
    expect(claimed.length).toBe(10);
    expect(new Set(claimed.map((c) => c.groupId)).size).toBe(10);
    expect(claimed.every((c) => c.messageId.endsWith('-1') && c.attempt === 1)).toBe(true);
    // Held groups give nothing more, to anyone.
    expect(await dispatcherA.claim(10, LEASE_MS)).toEqual([]);
    expect(await dispatcherB.claim(10, LEASE_MS)).toEqual([]);
    // Completing moves a group on to its next message, claimed in the same step when asked to.
    const next = await dispatcherA.complete(claimed[0], succeeded(), { leaseMs: LEASE_MS, chain: true });
    expect(next).toMatchObject({ groupId: claimed[0].groupId, messageId: `${claimed[0].groupId}-2` });
    expect(await dispatcherB.claim(10, LEASE_MS)).toEqual([]);
    for (const claim of claimed.slice(1)) await (claim === a[0] ? dispatcherA : dispatcherB).complete(claim, succeeded(), { leaseMs: LEASE_MS, chain: false });
    const seconds = await dispatcherB.claim(20, LEASE_MS);
    expect(seconds.map((c) => c.messageId).sort()).toEqual(
      claimed
        .slice(1)
        .map((c) => `${c.groupId}-2`)
        .sort(),
    );
  });

  it('hands the same message to another dispatcher when a lease runs out, and ignores the late completion', async () => {
    const groupId = unique('lease');
    await messages.accept(message(groupId, 1));
    await messages.accept(message(groupId, 2));
    const [first] = await dispatcherA.claim(1, 200);
    expect(first.messageId).toBe(`${groupId}-1`);
    expect(await dispatcherB.claim(5, LEASE_MS)).toEqual([]);
    await sleep(400);
    const [again] = await dispatcherB.claim(5, LEASE_MS);
    expect(again).toMatchObject({ messageId: `${groupId}-1`, webhookId: first.webhookId, attempt: 1 });
    expect(again.claimId).not.toBe(first.claimId);
    // The first dispatcher comes back late: its attempt is recorded, nothing else changes.
    expect(await dispatcherA.complete(first, succeeded(), { leaseMs: LEASE_MS, chain: true })).toBeNull();
    expect((await messages.find(`${groupId}-1`))?.status).toBe('PROCESSING');
    expect(await dispatcherA.claim(5, LEASE_MS)).toEqual([]);
    await dispatcherB.complete(again, succeeded(), { leaseMs: LEASE_MS, chain: false });
    expect((await messages.find(`${groupId}-1`))?.status).toBe('DONE');
    const pk = (await messages.find(`${groupId}-1`))!.pk;
    expect((await messages.attempts(pk)).length).toBe(2);
  });

  it('schedules a failed message for later and keeps its successor behind it', async () => {
    const groupId = unique('later');
    await messages.accept(message(groupId, 1));
    await messages.accept(message(groupId, 2));
    const [claim] = await dispatcherA.claim(1, LEASE_MS);
    const failed: AttemptOutcome = {
      succeeded: false,
      statusCode: 500,
      error: 'HTTP 500',
      startedAt: new Date(),
      durationMs: 3,
      dead: false,
      retryDelayMs: 60_000,
    };
    expect(await dispatcherA.complete(claim, failed, { leaseMs: LEASE_MS, chain: true })).toBeNull();
    expect(await messages.find(`${groupId}-1`)).toMatchObject({ status: 'PENDING', attempts: 1, lastStatusCode: 500, lastError: 'HTTP 500' });
    expect(await dispatcherB.claim(10, LEASE_MS)).toEqual([]);
    const wait = await dispatcherA.msUntilNextDue();
    expect(wait).toBeGreaterThan(50_000);
  });

  it('claims only due heads, and schedules every other group it found due for its head', async () => {
    const [due, idle, later, halted] = ['due', 'idle', 'later', 'halted'].map(unique);
    await messages.accept(message(due, 1));
    // idle: its only message delivered. later: its head failed and waits a minute. halted: dead, HALT.
    await messages.accept(message(idle, 1));
    await messages.accept(message(later, 1));
    await messages.accept({ ...message(halted, 1), onDead: 'HALT' });
    const setUp = await dispatcherA.claim(10, LEASE_MS);
    expect(setUp.map((c) => c.groupId).sort()).toEqual([due, idle, later, halted].sort());
    const failed = (dead: boolean): AttemptOutcome => ({
      succeeded: false,
      statusCode: 500,
      error: 'HTTP 500',
      startedAt: new Date(),
      durationMs: 1,
      dead,
      retryDelayMs: 60_000,
    });
    for (const claim of setUp) {
      if (claim.groupId === due) continue;
      const outcome = claim.groupId === idle ? succeeded() : failed(claim.groupId === halted);
      await dispatcherA.complete(claim, outcome, { leaseMs: LEASE_MS, chain: false });
    }
    // Every group looks due again (as after a crash, or a clock moved by hand); `due` has a new head.
    await dispatcherA.complete(
      setUp.find((c) => c.groupId === due)!,
      succeeded(),
      { leaseMs: LEASE_MS, chain: false },
    );
    await messages.accept(message(due, 2));
    await dbA.prisma.$executeRawUnsafe(`UPDATE callback_groups SET ready_at = now() - interval '1 second' WHERE group_id = ANY($1::text[])`, [
      due,
      idle,
      later,
      halted,
    ]);

    const claimed = await dispatcherB.claim(10, LEASE_MS);
    expect(claimed.map((c) => c.messageId)).toEqual([`${due}-2`]);
    const rows = await dbA.prisma.$queryRawUnsafe<{ group_id: string; claim_id: string | null; ready_in_ms: number | null; halted: boolean }[]>(
      `SELECT group_id, claim_id, halted, (EXTRACT(EPOCH FROM ready_at - now()) * 1000)::float8 AS ready_in_ms
         FROM callback_groups WHERE group_id = ANY($1::text[])`,
      [due, idle, later, halted],
    );
    const row = (groupId: string) => rows.find((r) => r.group_id === groupId)!;
    expect(row(due)).toMatchObject({ claim_id: claimed[0].claimId, halted: false });
    expect(row(due).ready_in_ms).toBeGreaterThan(LEASE_MS - 10_000);
    expect(row(idle)).toMatchObject({ claim_id: null, ready_in_ms: null, halted: false });
    expect(row(later)).toMatchObject({ claim_id: null, halted: false });
    expect(row(later).ready_in_ms).toBeGreaterThan(50_000);
    expect(row(halted)).toMatchObject({ claim_id: null, ready_in_ms: null, halted: true });
    expect(await dispatcherA.claim(10, LEASE_MS)).toEqual([]);
  });

  it('removes finished messages after retention, never pending or dead ones, then their empty groups', async () => {
    const groupId = unique('retention');
    for (const n of [1, 2, 3, 4]) await messages.accept(message(groupId, n));
    await dbA.prisma.$executeRawUnsafe(
      `UPDATE callback_messages SET status = (CASE seq WHEN 1 THEN 'DONE' WHEN 2 THEN 'SKIPPED' WHEN 3 THEN 'DEAD' ELSE 'DONE' END)::callback_status,
              processed_at = CASE seq WHEN 4 THEN now() ELSE now() - interval '10 days' END
        WHERE group_id = $1`,
      groupId,
    );
    await dbA.prisma.$executeRawUnsafe(`UPDATE callback_groups SET ready_at = NULL WHERE group_id = $1`, groupId);
    const before = new Date(Date.now() - 7 * 86_400_000);
    expect(await dispatcherA.purgeFinished(before, 1)).toBe(1);
    expect(await dispatcherA.purgeFinished(before, 100)).toBe(1);
    const left = await messages.list({ groupId, limit: 10 });
    expect(left.map((m) => [m.messageId.slice(-1), m.status])).toEqual([
      ['3', 'DEAD'],
      ['4', 'DONE'],
    ]);
    expect(await dispatcherA.purgeEmptyGroups(100)).toBe(0);
    await dbA.prisma.$executeRawUnsafe(`DELETE FROM callback_messages WHERE group_id = $1`, groupId);
    expect(await dispatcherA.purgeEmptyGroups(100)).toBeGreaterThanOrEqual(1);
    // A group that comes back starts afresh and works as before.
    const again = await messages.accept(message(groupId, 9));
    expect(again.inserted).toBe(true);
    expect(again.message.seq).toBe(1n);
  });
});
