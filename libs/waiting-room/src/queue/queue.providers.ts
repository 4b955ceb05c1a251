import { EnterQueue, PollPlace } from '@foyer/application';
import { EVENT_LOOKUP, FoyerMetrics, QUEUE_OPERATIONS } from '@foyer/platform';
import { IdTokenVerifier, SuccessTokens, TicketCodec } from '@foyer/tokens';
import { QueueConfigSync } from '../events/queue-config-sync.js';
import { useCaseProvider } from '../use-case.provider.js';

/** The visitor's use cases, for `QueueController`. */
export const queueUseCaseProviders = [
  useCaseProvider(EnterQueue, [QUEUE_OPERATIONS, EVENT_LOOKUP, QueueConfigSync, TicketCodec, IdTokenVerifier, SuccessTokens, FoyerMetrics]),
  useCaseProvider(PollPlace, [QUEUE_OPERATIONS, EVENT_LOOKUP, QueueConfigSync, TicketCodec, SuccessTokens, FoyerMetrics]),
];
