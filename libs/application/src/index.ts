/**
 * `@foyer/application`: the use cases, one folder each, in plain TypeScript (no Nest, no Redis
 * client): they take the domain's ports in their constructors, so a spec runs them on the memory
 * store and a fake clock, and the Nest layer only routes requests to them.
 */
export * from './enter/enter-queue.js';
export * from './enter/enter-key.js';
export * from './exit/exit-session.js';
export * from './place/place-answers.js';
export * from './place/place-lookup.js';
export * from './place/queue-state.mapper.js';
export * from './place/session-tokens.js';
export * from './poll/poll-place.js';
export * from './ports/queue-metrics.js';
export * from './ports/queue-settings-sync.js';
export * from './ports/visitor-tokens.js';
export * from './scheduler-tick/journal-retention.js';
export * from './scheduler-tick/scheduler-tick.js';
export * from './verify/verify-session.js';
export * from './rebuild/event-history.js';
export * from './rebuild/rebuild-event.js';
export * from './rebuild/write-checkpoints.js';
