import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Every Prometheus metric Foyer exports, on a registry of its own (so tests can run many apps). */
@Injectable()
export class FoyerMetrics {
  readonly registry = new Registry();

  readonly enters = new Counter({
    name: 'foyer_enters_total',
    help: 'Enter requests by event and outcome (ENTER, WAIT, BLOCK, EXPIRED, or an error code)',
    labelNames: ['event', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly polls = new Counter({
    name: 'foyer_polls_total',
    help: 'Status polls and resumes by event and answer',
    labelNames: ['event', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly admissions = new Counter({
    name: 'foyer_admissions_total',
    help: 'Users admitted, by event and how (immediate at enter, promotion, exit hand-over)',
    labelNames: ['event', 'via'] as const,
    registers: [this.registry],
  });

  readonly expiries = new Counter({
    name: 'foyer_expiries_total',
    help: 'Places and sessions ended by the clock or a close, by event and kind (session, abandoned, removed)',
    labelNames: ['event', 'kind'] as const,
    registers: [this.registry],
  });

  readonly exits = new Counter({
    name: 'foyer_exits_total',
    help: 'Exit webhook calls by event and answer',
    labelNames: ['event', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly waiting = new Gauge({
    name: 'foyer_queue_waiting',
    help: 'Users waiting, per event',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  readonly active = new Gauge({
    name: 'foyer_queue_active',
    help: 'Users admitted and not yet exited or expired, per event',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  readonly journalPending = new Gauge({
    name: 'foyer_journal_pending',
    help: 'Queue changes in the queue store not yet copied into the journal, per event',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  readonly journalLag = new Gauge({
    name: 'foyer_journal_lag_seconds',
    help: 'Age of the oldest queue change not yet in the journal, per event: what losing the queue store now would lose',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  readonly redisWaits = new Counter({
    name: 'foyer_redis_wait_total',
    help: 'REDIS_WAIT_REPLICAS: writes that queue or admit, by script and whether WAIT confirmed them (confirmed, unconfirmed)',
    labelNames: ['script', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'foyer_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'foyer_' });
  }
}
