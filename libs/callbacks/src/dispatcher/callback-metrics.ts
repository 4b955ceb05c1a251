import { Injectable, Logger } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { FoyerMetrics } from '@foyer/platform';
import { CallbackMessagesRepository } from '../store/callback-messages.repository.js';

/**
 * The callback metrics, on Foyer's registry. Counters and the latency histogram count what this
 * process delivered; the backlog, oldest-pending age and dead-letter gauges are read from the
 * database at scrape time, so every process reports the same, current numbers.
 */
@Injectable()
export class CallbackMetrics {
  private readonly logger = new Logger('CallbackMetrics');

  readonly deliveries: Counter<'outcome'>;
  readonly attemptDuration: Histogram<'outcome'>;

  constructor(metrics: FoyerMetrics, messages: CallbackMessagesRepository) {
    const registers = [metrics.registry];
    this.deliveries = new Counter({
      name: 'foyer_callback_deliveries_total',
      help: 'Delivery attempts by outcome: succeeded, retry (failed, will be tried again), dead (failed, dead-lettered)',
      labelNames: ['outcome'] as const,
      registers,
    });
    this.attemptDuration = new Histogram({
      name: 'foyer_callback_attempt_duration_seconds',
      help: 'Delivery attempt latency by result (succeeded, http_error, timeout, forbidden, network_error)',
      labelNames: ['outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    let last = { backlog: 0, oldestPendingAgeSeconds: 0, dead: 0 };
    let reading: Promise<typeof last> | null = null;
    // One database read serves the three gauges of a scrape.
    const read = (): Promise<typeof last> => {
      reading ??= messages
        .stats()
        .then((stats) => (last = stats))
        .catch((err: unknown) => {
          this.logger.warn(`could not read the callback backlog: ${String(err)}`);
          return last;
        })
        .finally(() => setTimeout(() => (reading = null), 100).unref());
      return reading;
    };
    new Gauge({
      name: 'foyer_callback_backlog',
      help: 'Messages accepted and not yet delivered, dead-lettered or skipped (PENDING and PROCESSING)',
      registers,
      async collect() {
        this.set((await read()).backlog);
      },
    });
    new Gauge({
      name: 'foyer_callback_oldest_pending_age_seconds',
      help: 'Age of the oldest message not yet delivered (0 when none)',
      registers,
      async collect() {
        this.set((await read()).oldestPendingAgeSeconds);
      },
    });
    new Gauge({
      name: 'foyer_callback_dead',
      help: 'Dead-lettered messages (DEAD), waiting for retry or skip',
      registers,
      async collect() {
        this.set((await read()).dead);
      },
    });
  }
}
