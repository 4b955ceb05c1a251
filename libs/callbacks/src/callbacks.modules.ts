import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import type { FoyerConfig } from '@foyer/config';
import type { Clock } from '@foyer/domain';
import type { Database } from '@foyer/persistence';
import { AdminGuard, CLOCK, CONFIG, DATABASE } from '@foyer/platform';
import { CallbackRoutesController, IngestController } from './api/callback-routes.controller.js';
import { CallbackRoutesService } from './api/callback-routes.service.js';
import { CallbacksController } from './api/callbacks.controller.js';
import { CallbacksService } from './api/callbacks.service.js';
import { IngestBodyParser } from './api/ingest-body.parser.js';
import { WebhookSender } from './delivery/webhook-sender.js';
import { WebhookSigner } from './delivery/webhook-signature.js';
import { CallbackDispatcher } from './dispatcher/callback-dispatcher.js';
import { CallbackHousekeeping } from './dispatcher/callback-housekeeping.js';
import { CallbackMetrics } from './dispatcher/callback-metrics.js';
import { CallbackWakeups } from './dispatcher/callback-wakeups.js';
import { LifecycleCursorRepository } from './lifecycle/lifecycle-cursor.repository.js';
import { LifecycleNotifier } from './lifecycle/lifecycle-notifier.js';
import { CallbackUrlPolicy } from './security/callback-url-policy.js';
import { CallbackDispatchRepository } from './store/callback-dispatch.repository.js';
import { CallbackMessagesRepository } from './store/callback-messages.repository.js';
import { CallbackRoutesRepository } from './store/callback-routes.repository.js';

const repository = <T>(type: new (db: Database) => T) => ({
  provide: type,
  useFactory: (db: Database) => new type(db),
  inject: [DATABASE],
});

/** What both roles share: the repositories, the URL policy, wake-ups and metrics. */
@Module({
  providers: [
    repository(CallbackMessagesRepository),
    repository(CallbackDispatchRepository),
    repository(CallbackRoutesRepository),
    {
      provide: CallbackUrlPolicy,
      useFactory: (config: FoyerConfig) => new CallbackUrlPolicy(config.callbacks.allowPrivate),
      inject: [CONFIG],
    },
    CallbackWakeups,
    CallbackMetrics,
  ],
  exports: [CallbackMessagesRepository, CallbackDispatchRepository, CallbackRoutesRepository, CallbackUrlPolicy, CallbackWakeups, CallbackMetrics],
})
export class CallbacksCoreModule {}

/** The `api` role's routes: post, status, list, retry, skip, ingest routes and ingest URLs. */
@Module({
  imports: [CallbacksCoreModule],
  controllers: [CallbacksController, CallbackRoutesController, IngestController],
  providers: [CallbacksService, CallbackRoutesService, IngestBodyParser, AdminGuard],
})
export class CallbacksApiModule {}

/** The `dispatcher` role: delivery, lifecycle notifications, retention. */
@Module({
  imports: [CallbacksCoreModule, ScheduleModule.forRoot()],
  providers: [
    {
      provide: WebhookSender,
      useFactory: (config: FoyerConfig, policy: CallbackUrlPolicy, clock: Clock) =>
        new WebhookSender(policy, new WebhookSigner(config.callbacks.signingSecret), config.callbacks.timeoutMs, clock),
      inject: [CONFIG, CallbackUrlPolicy, CLOCK],
    },
    CallbackDispatcher,
    repository(LifecycleCursorRepository),
    LifecycleNotifier,
    CallbackHousekeeping,
  ],
  exports: [CallbackDispatcher, CallbackHousekeeping],
})
export class CallbacksDispatcherModule {}
