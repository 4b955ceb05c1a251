import { Inject, Injectable, Logger, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { FoyerConfig } from '@foyer/config';
import type { EventSeries } from '@foyer/domain';
import { dependencyState, EVENT_SERIES } from '@foyer/platform';
import { createRedis, MemoryEventSeries, readyWithin, RedisEventSeries } from '@foyer/queue-store';
import { SeriesSettings } from './series-settings.js';

/**
 * Beside the queue store, on the same Redis (a connection of its own, so the store's connection
 * and scripts stay as they are), or in memory in the embedded mode, where the sampler and the
 * route share the one process.
 */
async function createEventSeries(config: FoyerConfig, settings: SeriesSettings): Promise<EventSeries> {
  if (config.queueStore.kind === 'embedded') return new MemoryEventSeries({ retentionMs: settings.retentionMs });
  const { url, clusterNodes, clusterAuth, keyPrefix } = config.redis;
  const profile = config.roles.has('api') ? 'api' : 'worker';
  const redis = createRedis({ url, clusterNodes, clusterAuth, profile, name: 'foyer-series', ...dependencyState.reporter('Redis') });
  if (!(await readyWithin(redis))) new Logger('EventSeries').warn('Redis is not answering yet; the series route answers 503 until it does');
  return new RedisEventSeries(redis, { keyPrefix, retentionMs: settings.retentionMs });
}

/** Closes the series' connection after HTTP has drained. */
@Injectable()
export class EventSeriesLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVENT_SERIES) private readonly series: EventSeries) {}

  async onApplicationShutdown(): Promise<void> {
    await this.series.close();
  }
}

/** The series, its settings and its lifecycle, for the core module. */
export function eventSeriesProviders(config: FoyerConfig): Provider[] {
  const settings = SeriesSettings.fromConfig(config);
  return [
    { provide: SeriesSettings, useValue: settings },
    { provide: EVENT_SERIES, useFactory: () => createEventSeries(config, settings) },
    EventSeriesLifecycle,
  ];
}
