import { ExitSession, VerifySession } from '@foyer/application';
import { EVENT_LOOKUP, FoyerMetrics, QUEUE_STORE } from '@foyer/platform';
import { QueueConfigSync } from '../events/queue-config-sync.js';
import { SuccessTokens } from '@foyer/tokens';
import { useCaseProvider } from '../use-case.provider.js';

/** The customer backend's use cases, for `ActiveController`. */
export const activeUseCaseProviders = [
  useCaseProvider(VerifySession, [QUEUE_STORE, EVENT_LOOKUP, SuccessTokens, QueueConfigSync]),
  useCaseProvider(ExitSession, [QUEUE_STORE, EVENT_LOOKUP, SuccessTokens, FoyerMetrics, QueueConfigSync]),
];
