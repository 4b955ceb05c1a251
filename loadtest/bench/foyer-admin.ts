/** The admin routes the runner uses (API.md "Admins"), over fetch. */
export interface EventStats {
  waiting: number;
  active: number;
  admittedTotal: number;
  exitedTotal: number;
  expiredTotal: number;
  abandonedTotal: number;
  /** Queue changes not yet copied into the journal, and the age of the oldest of them. */
  journalPending: number;
  journalLagMs: number;
}

export class FoyerAdmin {
  constructor(
    private readonly baseUrl: string,
    private readonly adminApiKey: string,
  ) {}

  withBaseUrl(baseUrl: string): FoyerAdmin {
    return new FoyerAdmin(baseUrl, this.adminApiKey);
  }

  async createEvent(event: Record<string, unknown>): Promise<void> {
    await this.call('POST', '/v1/admin/events', event, 201);
  }

  async patchEvent(eventId: string, changes: Record<string, unknown>): Promise<void> {
    await this.call('PATCH', `/v1/admin/events/${eventId}`, changes, 200);
  }

  async stats(eventId: string): Promise<EventStats> {
    const event = (await this.call('GET', `/v1/admin/events/${eventId}`, undefined, 200)) as { stats: EventStats };
    return event.stats;
  }

  async call(method: string, path: string, body: unknown, expected: number): Promise<unknown> {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${this.adminApiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== expected) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
}

/**
 * A benchmark event: nobody is admitted until the promotion step raises `limitCnt`, places never
 * lapse during the run, and polls are never paced (the load polls far faster than a browser would).
 */
export function benchEvent(eventId: string): Record<string, unknown> {
  return {
    eventId,
    name: `benchmark ${eventId}`,
    limitCnt: 0,
    status: 'OPEN',
    waitTimeoutSec: 86_400,
    sessionTtlSec: 3_600,
    minPollIntervalMs: 0,
    blockReentry: false,
  };
}
