import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { estimateWait, type Clock, type EventRecord, type EventRepository, type EventSeries, type QueueOperations } from '@foyer/domain';
import { CLOCK, EVENT_REPOSITORY, EVENT_SERIES, QUEUE_OPERATIONS, schedulePeriodic } from '@foyer/platform';
import { SeriesSettings } from './series-settings.js';

const TIMER = 'event-series';

/**
 * The `scheduler` role's sampler: once per interval, one sample of every event into its series.
 * The timer runs twice per interval so no interval is missed; a slot this process sampled already
 * is skipped, and one another scheduler sampled is overwritten, never duplicated. The work per
 * event is a few store calls, whatever the size of its line.
 */
@Injectable()
export class EventSeriesSampler implements OnApplicationBootstrap, OnApplicationShutdown {
  private sampledSlot: number | null = null;

  constructor(
    @Inject(EVENT_REPOSITORY) private readonly events: EventRepository,
    @Inject(QUEUE_OPERATIONS) private readonly store: QueueOperations,
    @Inject(EVENT_SERIES) private readonly series: EventSeries,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly settings: SeriesSettings,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    schedulePeriodic(this.registry, TIMER, Math.max(1, Math.floor(this.settings.intervalMs / 2)), () => this.sample());
  }

  onApplicationShutdown(): void {
    if (this.registry.doesExist('interval', TIMER)) this.registry.deleteInterval(TIMER);
  }

  /** Samples every event, unless this process sampled the current slot already. */
  async sample(): Promise<void> {
    const slot = this.settings.slotOf(this.clock.now());
    if (slot === this.sampledSlot) return;
    for (const event of await this.events.list()) await this.sampleEvent(event);
    this.sampledSlot = slot;
  }

  private async sampleEvent(event: EventRecord): Promise<void> {
    // The slot of the sample's own time: a pass that crosses into the next slot writes there,
    // and the next pass overwrites it.
    const at = this.clock.now();
    // refreshRate recomputes the rate from the store's admission buckets (the scheduler's tick does
    // the same): the rate visitors are told, so the back of the line reads as its last waiter's.
    const [version, stats, measuredRate] = await Promise.all([
      this.store.configVersion(event.eventId),
      this.store.stats(event.eventId),
      this.store.refreshRate(event.eventId),
    ]);
    // Not in the store: being deleted (its series is dropped next), or not configured yet.
    if (version === null) return;
    // The last waiter's rank is the number waiting: the wait that waiter is told, by the same rule.
    const backWait = estimateWait(event, stats.waiting, measuredRate);
    await this.series.record(event.eventId, this.settings.slotOf(at), {
      at,
      waiting: stats.waiting,
      active: stats.active,
      limitCnt: event.limitCnt,
      admittedTotal: stats.admittedTotal,
      abandonedTotal: stats.abandonedTotal,
      backWaitSeconds: backWait.waitSeconds,
    });
  }
}
