import { ExitSession, VerifySession } from '@foyer/application';
import { EVENT_LOOKUP, FoyerMetrics, QUEUE_OPERATIONS } from '@foyer/platform';
import { SuccessTokens } from '@foyer/tokens';
import { useCaseProvider } from '../use-case.provider.js';

/** The customer backend's use cases, for `ActiveController`. */
export const activeUseCaseProviders = [
  useCaseProvider(VerifySession, [QUEUE_OPERATIONS, EVENT_LOOKUP, SuccessTokens]),
  useCaseProvider(ExitSession, [QUEUE_OPERATIONS, EVENT_LOOKUP, SuccessTokens, FoyerMetrics]),
];
