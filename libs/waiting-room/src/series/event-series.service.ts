import { Inject, Injectable } from '@nestjs/common';
import { eventNotFound, type Clock, type EventRepository, type EventSeries } from '@foyer/domain';
import { CLOCK, EVENT_REPOSITORY, EVENT_SERIES } from '@foyer/platform';
import { seriesPoints, type SeriesPoint } from './series-points.js';
import { SeriesSettings } from './series-settings.js';

/** An event's recent history, as the dashboard charts it. */
@Injectable()
export class EventSeriesService {
  constructor(
    @Inject(EVENT_REPOSITORY) private readonly events: EventRepository,
    @Inject(EVENT_SERIES) private readonly series: EventSeries,
    @Inject(CLOCK) private readonly clock: Clock,
    readonly settings: SeriesSettings,
  ) {}

  async recent(eventId: string, minutes: number): Promise<SeriesPoint[]> {
    const event = await this.events.get(eventId);
    if (!event) throw eventNotFound(eventId);
    const since = this.clock.now() - minutes * 60_000;
    // One slot more than the window, to measure the first point's rates.
    const samples = await this.series.read(eventId, this.settings.slotOf(since) - this.settings.intervalMs);
    // A sampler that read an event just before it was deleted may write a sample after the
    // series was dropped; an event created again under the same id must not inherit it.
    const created = event.createdAt.getTime();
    return seriesPoints(
      samples.filter((sample) => sample.at >= created),
      since,
    );
  }
}
