import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { CallbacksCoreModule } from '@foyer/callbacks';
import { AdminGuard } from '@foyer/platform';
import { ActiveController } from './active/active.controller.js';
import { activeUseCaseProviders } from './active/active.providers.js';
import { EventsController } from './events/events.controller.js';
import { EventsService } from './events/events.service.js';
import { JournalController } from './journal/journal.controller.js';
import { OpsController } from './ops/ops.controller.js';
import { EnterRateLimiter } from './queue/enter-rate-limiter.js';
import { QueueController } from './queue/queue.controller.js';
import { queueUseCaseProviders } from './queue/queue.providers.js';
import { QueueScheduler } from './scheduler/queue-scheduler.js';
import { schedulerUseCaseProviders } from './scheduler/scheduler.providers.js';
import { EventSeriesService } from './series/event-series.service.js';
import { EventSeriesSampler } from './series/series-sampler.js';
import { EventSeriesController } from './series/series.controller.js';

/** Visitors and customer backends: enter, poll, verify, exit, JWKS. */
@Module({
  controllers: [QueueController, ActiveController],
  providers: [...queueUseCaseProviders, EnterRateLimiter, ...activeUseCaseProviders],
})
export class VisitorModule {}

/** Admins: events, their recent history and the journal; an event's callbackUrl is checked by the callbacks' URL policy. */
@Module({
  imports: [CallbacksCoreModule],
  controllers: [EventsController, EventSeriesController, JournalController],
  providers: [EventsService, EventSeriesService, AdminGuard],
})
export class AdminModule {}

/** Health, metrics. */
@Module({ controllers: [OpsController] })
export class OpsModule {}

/** The `scheduler` role: promotion, expiry, journal forwarding and retention, the events' series. */
@Module({
  imports: [ScheduleModule.forRoot()],
  providers: [QueueScheduler, ...schedulerUseCaseProviders, EventSeriesSampler],
})
export class SchedulerModule {}
