/**
 * Visitors that keep a few events busy while a test breaks Redis underneath, and count what the
 * issue's failover promise is about: every place and session Foyer acknowledged (a 200 answer) is
 * still there afterwards, and the sessions held at once never exceed `limitCnt`.
 *
 * Each visitor enters with a fresh id, polls until admitted, holds the session a moment, verifies
 * it, and exits (which admits the next one), through the API processes in turn. A 503 is retried
 * (a fresh id for an enter: the place of an unconfirmed enter may exist, and its id would answer
 * 409). A session counts as held from the ENTER answer until its exit is sent: inside the time the
 * store holds it, so more held at once than `limitCnt` means the store admitted past a session it lost.
 */
import { ADMIN_KEY } from './foyer.js';
import type { FoyerProcess } from './processes.js';
import { sleep } from './services.js';

interface Acknowledged {
  eventId: string;
  id: string;
  ticket: string;
  at: number;
  /** Admitted and left (or still held): its place is no longer a waiting one. */
  admitted: boolean;
}

export interface FailoverReport {
  acknowledgedPlaces: number;
  acknowledgedSessions: number;
  /** 503 answers seen (and retried). */
  unavailable: number;
  /** Acknowledged places answered EXPIRED/BLOCK while still waiting. */
  placesLost: number;
  /** Acknowledged sessions not valid before their exit, or whose exit found no session. */
  sessionsLost: number;
  maxAcknowledgedActive: Record<string, number>;
  maxStoreActive: Record<string, number>;
  /** Answers that are neither 200 nor 503. */
  unexpected: string[];
  phases: Record<string, number>;
}

export class FailoverLoad {
  private stopping = false;
  private readonly places: Acknowledged[] = [];
  private readonly held = new Map<string, number>();
  private readonly maxHeld: Record<string, number> = {};
  private readonly maxStore: Record<string, number> = {};
  private readonly marks = new Map<string, number>();
  /** When each event last answered 200, to any route: what "recovered" is told by. */
  private readonly answered: { eventId: string; at: number }[] = [];
  private unavailable = 0;
  private placesLost = 0;
  private sessionsLost = 0;
  private sessions = 0;
  private readonly unexpected: string[] = [];
  private turn = 0;

  constructor(
    private readonly apis: FoyerProcess[],
    private readonly eventIds: string[],
  ) {
    for (const eventId of eventIds) {
      this.held.set(eventId, 0);
      this.maxHeld[eventId] = 0;
      this.maxStore[eventId] = 0;
    }
  }

  /** Starts `visitorsPerEvent` visitors on every event, and a sampler of each event's `active`. */
  run(visitorsPerEvent: number): Promise<unknown> {
    const visitors = this.eventIds.flatMap((eventId) => Array.from({ length: visitorsPerEvent }, (_, k) => this.visitor(eventId, `v${k}`)));
    return Promise.all([...visitors, this.sampleStoreActive()]);
  }

  mark(phase: string): void {
    this.marks.set(phase, Date.now());
  }

  /** Places acknowledged on `eventId` (since `phase` was marked, when given). */
  acknowledgedOn(eventId: string, phase?: string): number {
    const since = phase ? (this.marks.get(phase) ?? Infinity) : 0;
    return this.places.filter((p) => p.eventId === eventId && p.at >= since).length;
  }

  /** 200 answers of any route on `eventId` since `phase` was marked. */
  answeredOn(eventId: string, phase: string): number {
    const since = this.marks.get(phase) ?? Infinity;
    return this.answered.filter((a) => a.eventId === eventId && a.at >= since).length;
  }

  async stop(running: Promise<unknown>): Promise<FailoverReport> {
    if (this.stopping) return this.report();
    this.stopping = true;
    await running;
    return this.report();
  }

  private report(): FailoverReport {
    const start = Math.min(...this.places.map((p) => p.at));
    return {
      acknowledgedPlaces: this.places.length,
      acknowledgedSessions: this.sessions,
      unavailable: this.unavailable,
      placesLost: this.placesLost,
      sessionsLost: this.sessionsLost,
      maxAcknowledgedActive: this.maxHeld,
      maxStoreActive: this.maxStore,
      unexpected: this.unexpected.slice(0, 20),
      phases: Object.fromEntries([...this.marks].map(([phase, at]) => [phase, at - start])),
    };
  }

  /** The acknowledged places still waiting at the end that a poll no longer finds waiting or admitted. */
  async lostAtTheEnd(api: FoyerProcess): Promise<string[]> {
    const lost: string[] = [];
    for (const place of this.places.filter((p) => !p.admitted)) {
      const answer = await this.retrying(place.eventId, () => api.http.get('/v1/queue/status', { token: place.ticket }));
      if (answer.status !== 200 || !['WAIT', 'ENTER'].includes(answer.body.status)) lost.push(`${place.id}: ${answer.status} ${answer.text}`);
    }
    return lost;
  }

  private api(): FoyerProcess {
    return this.apis[this.turn++ % this.apis.length];
  }

  private async visitor(eventId: string, name: string): Promise<void> {
    for (let n = 0; !this.stopping; n++) {
      const entered = await this.api().http.post('/v1/queue/enter', { eventId, id: `${name}-${n}` });
      if (!this.ok(eventId, entered, 'enter')) {
        await sleep(100);
        continue;
      }
      const place: Acknowledged = { eventId, id: entered.body.id, ticket: entered.body.ticket, at: Date.now(), admitted: false };
      this.places.push(place);
      const admittedWith = entered.body.status === 'ENTER' ? (entered.body.successToken as string) : await this.waitForAdmission(place);
      if (admittedWith) await this.holdAndExit(place, admittedWith);
    }
  }

  /** Polls until admitted (the successToken), lost, or the load stops (null). */
  private async waitForAdmission(place: Acknowledged): Promise<string | null> {
    while (!this.stopping) {
      await sleep(100 + Math.random() * 100);
      const answer = await this.api().http.get('/v1/queue/status', { token: place.ticket });
      if (!this.ok(place.eventId, answer, 'poll')) continue;
      if (answer.body.status === 'ENTER') return answer.body.successToken as string;
      if (answer.body.status !== 'WAIT') {
        this.placesLost++;
        this.unexpected.push(`poll of waiting ${place.id}: ${answer.text}`);
        place.admitted = true; // counted already; not again at the end
        return null;
      }
    }
    return null;
  }

  private async holdAndExit(place: Acknowledged, successToken: string): Promise<void> {
    place.admitted = true;
    this.sessions++;
    const held = this.held.get(place.eventId)! + 1;
    this.held.set(place.eventId, held);
    this.maxHeld[place.eventId] = Math.max(this.maxHeld[place.eventId], held);
    await sleep(200 + Math.random() * 400);
    const verified = await this.retrying(place.eventId, () => this.api().http.post('/v1/active/verify', { successToken }));
    const lost = verified.status !== 200 || verified.body.valid !== true;
    if (lost) this.unexpected.push(`verify of held ${place.id}: ${verified.text}`);
    this.held.set(place.eventId, this.held.get(place.eventId)! - 1);
    const exited = await this.retrying(place.eventId, () => this.api().http.post('/v1/active/exit', { successToken }));
    const exitFoundNone = exited.status !== 200 || !['EXITED', 'ALREADY_EXITED'].includes(exited.body.status);
    if (exitFoundNone) this.unexpected.push(`exit of held ${place.id}: ${exited.text}`);
    if (lost || exitFoundNone) this.sessionsLost++;
  }

  /** Whether an answer is a 200; counts a 503, records anything else. */
  private ok(eventId: string, answer: { status: number; text: string }, what: string): boolean {
    if (answer.status === 200) {
      this.answered.push({ eventId, at: Date.now() });
      return true;
    }
    if (answer.status === 503) this.unavailable++;
    else this.unexpected.push(`${what}: ${answer.status} ${answer.text}`);
    return false;
  }

  private async retrying<T extends { status: number; text: string }>(eventId: string, call: () => Promise<T>): Promise<T> {
    for (;;) {
      const answer = await call();
      if (answer.status === 200) this.answered.push({ eventId, at: Date.now() });
      if (answer.status !== 503) return answer;
      this.unavailable++;
      await sleep(100);
    }
  }

  /** The store's own count of sessions, sampled; a 503 (the event's master failing over) skips a sample. */
  private async sampleStoreActive(): Promise<void> {
    while (!this.stopping) {
      for (const eventId of this.eventIds) {
        const answer = await this.apis[0].http.get(`/v1/admin/events/${eventId}`, { token: ADMIN_KEY });
        if (answer.status === 200) this.maxStore[eventId] = Math.max(this.maxStore[eventId], answer.body.stats.active as number);
      }
      await sleep(100);
    }
  }
}
