import { randomBytes } from 'node:crypto';
import type { QueueConfig, QueueOperations, QueueRebuild } from '@foyer/domain';

/** A new store epoch: what `PrismaQueueHistory.claimBuild` makes too. */
export const newStoreEpoch = (): string => randomBytes(9).toString('base64url');

/**
 * Builds an event with nothing in its journal yet: the rebuild's steps with no places. For tests and
 * tools that make an event straight in a store; the app goes through `RebuildEvent`, which reads
 * the epoch and the journal from the database.
 */
export async function buildNewEvent(store: QueueRebuild, config: QueueConfig, epoch: string = newStoreEpoch()): Promise<void> {
  const holder = randomBytes(12).toString('base64url');
  if ((await store.beginRebuild(config.eventId, holder, 10_000)) !== 'BEGUN') throw new Error(`event '${config.eventId}' is in the store or being built`);
  const totals = { admittedTotal: 0, exitedTotal: 0, expiredTotal: 0, abandonedTotal: 0 };
  await store.finishRebuild(config.eventId, holder, { config, epoch, seq: 0, closedSeq: 0, lost: [], totals });
}

/** Writes the settings of an event, building it first when the store does not hold it. */
export async function configureOrBuild(store: QueueRebuild & Pick<QueueOperations, 'configure'>, config: QueueConfig, epoch?: string): Promise<void> {
  if (!(await store.configure(config))) await buildNewEvent(store, config, epoch);
}
