import { EVENT_DEFAULTS, FakeClock, toQueueConfig, type EventLookup, type EventRecord, type EventSettings, type Place } from '@foyer/domain';
import { configureOrBuild, MemoryQueueStore } from '@foyer/queue-store';
import { generateEs256PrivateKeyPem, IdTokenVerifier, SuccessTokens, TicketCodec } from '@foyer/tokens';
import type { Counter, QueueMetrics } from './ports/queue-metrics.js';
import type { QueueSettingsSync } from './ports/queue-settings-sync.js';

/** What the use-case specs run on: the memory store on a fake clock, events in a map, real tokens. */

export const ENTRY_TOKEN_SECRET = 'spec-entry-token-secret';

/** Counts what a counter was told, by its labels joined (`event=e,outcome=WAIT`). */
export class RecordingCounter<Label extends string> implements Counter<Label> {
  readonly counts = new Map<string, number>();

  inc(labels: Partial<Record<Label, string>>, value = 1): void {
    const key = Object.entries(labels)
      .map(([name, label]) => `${name}=${String(label)}`)
      .join(',');
    this.counts.set(key, (this.counts.get(key) ?? 0) + value);
  }

  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}

export function recordingMetrics() {
  return {
    enters: new RecordingCounter<'event' | 'outcome'>(),
    polls: new RecordingCounter<'event' | 'outcome'>(),
    admissions: new RecordingCounter<'event' | 'via'>(),
    expiries: new RecordingCounter<'event' | 'kind'>(),
    exits: new RecordingCounter<'event' | 'outcome'>(),
  } satisfies QueueMetrics;
}

/** The database's events (the source of truth) and the store's copy of their settings, as QueueConfigSync keeps it. */
export class SpecEvents implements EventLookup, QueueSettingsSync {
  private readonly rows = new Map<string, EventRecord>();
  restores = 0;

  constructor(
    private readonly store: MemoryQueueStore,
    private readonly clock: FakeClock,
  ) {}

  /** Creates or changes an event, and writes its settings to the store as a change through the API does. */
  async save(settings: Partial<EventSettings> & { eventId: string }): Promise<EventRecord> {
    const now = new Date(this.clock.now());
    const before = this.rows.get(settings.eventId);
    const event: EventRecord = {
      name: settings.eventId,
      limitCnt: 1,
      ...EVENT_DEFAULTS,
      ...before,
      ...settings,
      createdAt: before?.createdAt ?? now,
      updatedAt: new Date(Math.max(now.getTime(), (before?.updatedAt.getTime() ?? 0) + 1)),
    };
    this.rows.set(event.eventId, event);
    await configureOrBuild(this.store, toQueueConfig(event), 'epoch-1');
    return event;
  }

  async get(eventId: string): Promise<EventRecord | null> {
    return this.rows.get(eventId) ?? null;
  }

  async list(): Promise<EventRecord[]> {
    return [...this.rows.values()];
  }

  async restore(eventId: string): Promise<boolean> {
    this.restores++;
    const event = this.rows.get(eventId);
    if (!event) return false;
    await configureOrBuild(this.store, toQueueConfig(event), 'epoch-1');
    return true;
  }

  async refresh(event: EventRecord): Promise<boolean> {
    if ((await this.store.configVersion(event.eventId)) === event.updatedAt.getTime()) return false;
    await configureOrBuild(this.store, toQueueConfig(event), 'epoch-1');
    return true;
  }
}

export async function specWorld() {
  const clock = new FakeClock();
  const store = new MemoryQueueStore({ clock });
  const events = new SpecEvents(store, clock);
  const tickets = new TicketCodec('spec-ticket-secret');
  const idTokens = new IdTokenVerifier(ENTRY_TOKEN_SECRET, clock);
  const successTokens = await SuccessTokens.create({
    privateKeyPem: generateEs256PrivateKeyPem(),
    extraPublicKeysPem: [],
    issuer: 'https://foyer.example',
    clock,
  });
  return { clock, store, events, tickets, idTokens, successTokens, metrics: recordingMetrics() };
}

export type SpecWorld = Awaited<ReturnType<typeof specWorld>>;

/** A session admitted straight in the store, and the successToken signed for it. */
export async function admit(world: SpecWorld, eventId: string, id: string): Promise<{ place: Place; successToken: string }> {
  const entered = await world.store.enter(eventId, id);
  if (entered.outcome !== 'PLACED' || entered.state.status !== 'ENTER') throw new Error('not admitted');
  const { place, session } = entered.state;
  const successToken = await world.successTokens.sign({ ...place, admittedAt: session.admittedAt, expiresAt: session.expiresAt });
  return { place, successToken };
}
