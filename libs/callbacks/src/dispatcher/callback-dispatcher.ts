import { performance } from 'node:perf_hooks';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { FoyerConfig } from '@foyer/config';
import { CONFIG } from '@foyer/platform';
import { nextRetryDelayMs } from '../delivery/retry-policy.js';
import { WebhookSender } from '../delivery/webhook-sender.js';
import { CallbackDispatchRepository, type AttemptOutcome, type ClaimedDelivery } from '../store/callback-dispatch.repository.js';
import { CallbackMetrics } from './callback-metrics.js';
import { CallbackWakeups } from './callback-wakeups.js';
import { WakeSignal } from './wake-signal.js';

/** Without any announcement, the dispatcher still looks for due groups this often. */
const FALLBACK_POLL_MS = 1_000;
/** The shortest sleep between claims that found nothing, so a group locked elsewhere is not spun on. */
const MIN_SLEEP_MS = 5;
/** A database that does not answer is asked again after this long. */
const ERROR_PAUSE_MS = 1_000;
/** Deliveries one slot makes in a row in one group before it lets other groups have the slot. */
const MAX_CHAIN = 16;

/** A delivery's lease: its whole attempt, and as long again to record the outcome, plus slack. */
export function leaseMsFor(timeoutMs: number): number {
  return timeoutMs * 2 + 2_000;
}

/**
 * The `dispatcher` role. Claims due group heads (at most CALLBACK_CONCURRENCY groups at once),
 * delivers each, records the outcome, and goes on with the group's next message. It sleeps until
 * a wake-up (a message accepted here or, through PostgreSQL NOTIFY, anywhere), the next retry
 * falls due, a slot frees up, or the fallback poll; any number of dispatchers may run.
 */
@Injectable()
export class CallbackDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('CallbackDispatcher');
  private readonly signal = new WakeSignal();
  private readonly running = new Set<Promise<void>>();
  private readonly leaseMs: number;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private lastFailure = '';

  constructor(
    @Inject(CONFIG) private readonly config: FoyerConfig,
    private readonly repository: CallbackDispatchRepository,
    private readonly sender: WebhookSender,
    private readonly metrics: CallbackMetrics,
    private readonly wakeups: CallbackWakeups,
  ) {
    this.leaseMs = leaseMsFor(config.callbacks.timeoutMs);
  }

  onApplicationBootstrap(): void {
    this.wakeups.subscribe(() => this.signal.notify());
    this.loop = this.run();
  }

  /** Stops claiming and lets the deliveries in flight finish (each is bounded by the timeout). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.signal.notify();
    await this.loop;
    await Promise.allSettled([...this.running]);
    this.sender.close();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const free = this.config.callbacks.concurrency - this.running.size;
      let claimed: ClaimedDelivery[] = [];
      if (free > 0) {
        try {
          claimed = await this.repository.claim(free, this.leaseMs);
        } catch (err) {
          this.warnOnce(`claiming failed: ${String(err)}`);
          await this.signal.wait(ERROR_PAUSE_MS);
          continue;
        }
        for (const delivery of claimed) this.start(delivery);
        // Every free slot filled: there may be more due right now.
        if (claimed.length === free) continue;
      }
      if (this.stopping) break;
      await this.signal.wait(await this.sleepMs(free - claimed.length));
    }
  }

  private async sleepMs(freeSlots: number): Promise<number> {
    // With no free slot, a finishing delivery wakes the loop; the timer only bounds the wait.
    if (freeSlots <= 0) return FALLBACK_POLL_MS;
    try {
      const nextDue = await this.repository.msUntilNextDue();
      return Math.max(MIN_SLEEP_MS, Math.min(FALLBACK_POLL_MS, nextDue ?? FALLBACK_POLL_MS));
    } catch {
      return FALLBACK_POLL_MS;
    }
  }

  private start(first: ClaimedDelivery): void {
    const task = (async () => {
      let current: ClaimedDelivery | null = first;
      for (let chained = 1; current !== null; chained++) {
        current = await this.deliver(current, !this.stopping && chained < MAX_CHAIN);
      }
    })()
      .catch((err: unknown) => this.logger.error(`delivery failed: ${String(err)}`))
      .finally(() => {
        this.running.delete(task);
        this.signal.notify();
      });
    this.running.add(task);
  }

  /** One attempt and its record; returns the group's next delivery when it was chained. */
  private async deliver(claim: ClaimedDelivery, chain: boolean): Promise<ClaimedDelivery | null> {
    // Elapsed time on the monotonic timer: how long this process may still act on the lease.
    const leaseEnds = performance.now() + this.leaseMs;
    const result = await this.sender.send(claim);
    const dead = !result.succeeded && claim.attempt >= this.config.callbacks.maxAttempts;
    const outcome: AttemptOutcome = {
      succeeded: result.succeeded,
      statusCode: result.statusCode,
      error: result.error,
      startedAt: result.startedAt,
      durationMs: result.durationMs,
      dead,
      retryDelayMs: result.succeeded
        ? 0
        : nextRetryDelayMs({ failedAttempts: claim.attempt, baseMs: this.config.callbacks.retryBaseMs, retryAfterMs: result.retryAfterMs }),
    };
    this.metrics.attemptDuration.observe({ outcome: result.kind }, result.durationMs / 1000);
    this.metrics.deliveries.inc({ outcome: result.succeeded ? 'succeeded' : dead ? 'dead' : 'retry' });
    if (!result.succeeded) {
      this.logger.debug(`${claim.messageId} attempt ${claim.attempt} failed: ${result.error}${dead ? ' (dead)' : ''}`);
    }
    // The outcome must be recorded while the lease holds; if the database stays away longer, the
    // lease runs out and the message is delivered again (at least once, same webhook-id).
    for (let pause = 100; ; pause = Math.min(pause * 2, 2_000)) {
      try {
        const next = await this.repository.complete(claim, outcome, { leaseMs: this.leaseMs, chain });
        this.lastFailure = '';
        return next;
      } catch (err) {
        this.warnOnce(`recording an attempt failed: ${String(err)}`);
        if (performance.now() + pause >= leaseEnds) return null;
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  private warnOnce(message: string): void {
    if (message !== this.lastFailure) this.logger.warn(message);
    this.lastFailure = message;
  }
}
