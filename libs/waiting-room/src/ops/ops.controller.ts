import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiProduces, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { StoreUnavailableError, type EventRepository, type QueueOperations, type QueueOutbox, type ReadinessChecks } from '@foyer/domain';
import { ErrorResponseDto, EVENT_REPOSITORY, FoyerMetrics, QUEUE_OPERATIONS, QUEUE_OUTBOX, READINESS_CHECKS } from '@foyer/platform';

class LiveDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

class ReadyDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
  @ApiProperty({ enum: ['ok'] }) queueStore!: 'ok';
  @ApiProperty({ enum: ['ok'] }) database!: 'ok';
}

@ApiTags('operations')
@Controller()
export class OpsController {
  constructor(
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessChecks,
    @Inject(QUEUE_OPERATIONS) private readonly queue: QueueOperations,
    @Inject(QUEUE_OUTBOX) private readonly outbox: QueueOutbox,
    @Inject(EVENT_REPOSITORY) private readonly events: EventRepository,
    private readonly metrics: FoyerMetrics,
  ) {}

  @Get('health/live')
  @ApiOperation({ operationId: 'checkLiveness', summary: 'The process is up' })
  @ApiResponse({ status: 200, type: LiveDto, description: 'the process answers' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @ApiOperation({ operationId: 'checkReadiness', summary: 'The queue store and the database both answer' })
  @ApiResponse({ status: 200, type: ReadyDto, description: 'both stores answer' })
  @ApiResponse({ status: 503, type: ErrorResponseDto, description: 'STORE_UNAVAILABLE' })
  async ready(): Promise<{ status: 'ok'; queueStore: 'ok'; database: 'ok' }> {
    const { queueStore, database } = this.checks;
    const [store, db] = await Promise.allSettled([answersSoon(queueStore.ping()), answersSoon(database.ping())]);
    if (store.status === 'rejected') throw new StoreUnavailableError('the queue store', store.reason);
    if (db.status === 'rejected') throw new StoreUnavailableError('the database', db.reason);
    return { status: 'ok', queueStore: 'ok', database: 'ok' };
  }

  @Get('metrics')
  @ApiOperation({ operationId: 'getMetrics', summary: 'Prometheus text format' })
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'the metrics, in the Prometheus text exposition format 0.0.4', schema: { type: 'string' } })
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async prometheus(): Promise<string> {
    await this.refreshQueueGauges();
    return this.metrics.registry.metrics();
  }

  @Get()
  @ApiExcludeEndpoint()
  root(): { name: string; docs: string } {
    return { name: 'Foyer', docs: '/docs' };
  }

  private async refreshQueueGauges(): Promise<void> {
    this.metrics.waiting.reset();
    this.metrics.active.reset();
    this.metrics.journalPending.reset();
    this.metrics.journalLag.reset();
    try {
      for (const { eventId } of await this.events.list()) {
        const [stats, journal] = await Promise.all([this.queue.stats(eventId), this.outbox.journalBacklog(eventId)]);
        this.metrics.waiting.set({ event: eventId }, stats.waiting);
        this.metrics.active.set({ event: eventId }, stats.active);
        this.metrics.journalPending.set({ event: eventId }, journal.pending);
        this.metrics.journalLag.set({ event: eventId }, journal.lagMs / 1000);
      }
    } catch {
      // A scrape during an outage still returns the process metrics; the gauges are simply absent.
    }
  }
}

/** How long a readiness check waits for a store: a worker's Redis connection queues commands through an outage. */
const READY_WAIT_MS = 2_000;

function answersSoon(ping: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${READY_WAIT_MS} ms`)), READY_WAIT_MS);
  });
  return Promise.race([ping, late]).finally(() => clearTimeout(timer));
}
