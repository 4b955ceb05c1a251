export * from './foyer-core.module.js';
export * from './waiting-room.modules.js';
export { QueueScheduler } from './scheduler/queue-scheduler.js';
export { JournalForwarder } from './journal/journal-forwarder.js';
export * from './foyer-app.js';
