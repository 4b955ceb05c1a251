/**
 * `@foyer/sdk/server`: a customer backend's side of Foyer (Node). Check successTokens offline and
 * online, end sessions, verify webhook deliveries, and gate routes in Express, Fastify or NestJS.
 */
export {
  FoyerBackend,
  type Admission,
  type BackendCallOptions,
  type ExitAnswer,
  type FoyerBackendOptions,
  type FoyerConfiguration,
  type OnlineCheck,
  type TokenCheck,
} from './foyer-backend.js';
export {
  FoyerGate,
  GateConfigurationError,
  type FoyerGateOptions,
  type GateDecision,
  type GateRefusal,
  type GateRequest,
  type RefusalReason,
  type UnreachablePolicy,
} from './gate/foyer-gate.js';
export { admissionOf, gateRequestOf, writeNodeAnswer, type FrameworkRequest } from './gate/framework-io.js';
export { expressGate } from './gate/express-gate.js';
export { fastifyGate, type FastifyReplyLike } from './gate/fastify-gate.js';
export { FoyerGuard, type HttpExecutionContext } from './gate/nest-guard.js';
export { TOKEN_PARAM } from './gate/gate-url.js';
export {
  verifyWebhook,
  WebhookVerificationError,
  type LifecycleNotification,
  type VerifyWebhookOptions,
  type WebhookFailure,
  type WebhookHeaders,
} from './webhook-verifier.js';
export { FoyerError, type FoyerErrorCode } from '../client/foyer-error.js';
export type { FetchLike } from '../client/foyer-http.js';
