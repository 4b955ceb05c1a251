import { Inject, Injectable, Logger } from '@nestjs/common';
import { RebuildEvent, type RebuildOutcome } from '@foyer/application';
import { queueRebuilding } from '@foyer/domain';

/** How long a request waits for a rebuild it started or joined before answering 503 with retry-after. */
export const REBUILD_WAIT_MS = 2_000;

/**
 * The rebuilds this process runs, one per event at a time: a request, the scheduler or an admin
 * change that finds the store without the event starts one (or joins the one running here) and
 * waits a little; a rebuild that takes longer goes on in the background while the event answers
 * `503 QUEUE_REBUILDING`. Another process holding the event's rebuild lock is answered the same.
 */
@Injectable()
export class EventRebuilds {
  private readonly logger = new Logger('Rebuild');
  private readonly running = new Map<string, Promise<RebuildOutcome>>();

  constructor(@Inject(RebuildEvent) private readonly rebuild: RebuildEvent) {}

  /**
   * Makes the event live in the store: `true` once it is, `false` when the event does not exist;
   * throws QUEUE_REBUILDING while the rebuild runs past `waitMs` (here or in another process).
   */
  async ensure(eventId: string, waitMs = REBUILD_WAIT_MS): Promise<boolean> {
    const run = this.start(eventId);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), waitMs)));
    try {
      const result = await Promise.race([run, timeout]);
      if (result === null) throw queueRebuilding(eventId);
      if (result.outcome === 'REBUILT' || result.outcome === 'PRESENT') return true;
      if (result.outcome === 'NO_EVENT') return false;
      throw queueRebuilding(eventId);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Starts the event's rebuild unless one runs here already; never waits for it. */
  start(eventId: string): Promise<RebuildOutcome> {
    const running = this.running.get(eventId);
    if (running) return running;
    const started = performance.now();
    const run = this.rebuild.execute(eventId).then(
      (result) => {
        this.running.delete(eventId);
        if (result.outcome === 'REBUILT') this.report(eventId, result, performance.now() - started);
        return result;
      },
      (err: unknown) => {
        this.running.delete(eventId);
        throw err;
      },
    );
    // A caller that stopped waiting must not leave a rejection unhandled; the next caller sees the error.
    run.catch((err: unknown) => this.logger.warn(`rebuild of event '${eventId}' failed: ${err instanceof Error ? err.message : String(err)}`));
    this.running.set(eventId, run);
    return run;
  }

  private report(eventId: string, result: Extract<RebuildOutcome, { outcome: 'REBUILT' }>, ms: number): void {
    // A new event is built from an empty journal: worth a line only when a store lost it.
    if (!result.builtBefore) return;
    this.logger.log(
      `event '${eventId}' rebuilt from ${result.entries} journal entries in ${Math.round(ms)} ms: ` +
        `${result.waiting} waiting, ${result.sessions} sessions, numbering continues at ${result.seq + 1}`,
    );
  }
}
