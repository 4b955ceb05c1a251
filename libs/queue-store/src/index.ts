export * from './exit-promotion.js';
export * from './new-event.js';
export * from './memory/memory-queue.store.js';
export * from './memory/memory-snapshot.js';
export * from './redis/redis-connection.js';
export * from './redis/redis-queue.store.js';
export * from './memory/memory-event-series.js';
export * from './redis/redis-event-series.js';
