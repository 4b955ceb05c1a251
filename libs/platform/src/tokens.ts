/** Injection tokens for the ports and adapters the Nest modules share. */
export const CONFIG = Symbol('FoyerConfig');
export const CLOCK = Symbol('Clock');
export const QUEUE_STORE = Symbol('QueueStore');
export const DATABASE = Symbol('Database');
export const EVENT_REPOSITORY = Symbol('EventRepository');
export const JOURNAL_REPOSITORY = Symbol('JournalRepository');
export const QUEUE_HISTORY = Symbol('QueueHistory');
export const EVENT_SERIES = Symbol('EventSeries');
export const EVENT_LOOKUP = Symbol('EventLookup');
export const READINESS_CHECKS = Symbol('ReadinessChecks');
