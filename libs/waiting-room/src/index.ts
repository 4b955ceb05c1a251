export * from './waiting-room-core.module.js';
export * from './waiting-room.modules.js';
export { QueueScheduler } from './scheduler/queue-scheduler.js';
export { JournalForwarder } from './journal/journal-forwarder.js';
