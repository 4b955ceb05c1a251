/** Foyer's HTTP API (API.md) as k6 calls. Every request is tagged `op`, so thresholds and the summary can tell them apart. */
import http from 'k6/http';
import type { RefinedResponse, ResponseType } from 'k6/http';

export type Reply = RefinedResponse<ResponseType | undefined>;

export interface QueueState {
  id: string;
  eventId: string;
  eventStatus: string;
  status: 'WAIT' | 'ENTER' | 'BLOCK' | 'EXPIRED';
  ticket?: string;
  expectedInfo?: { rank: number; waitSeconds: number | null; time: string | null };
  pollAfterMs?: number;
  successToken?: string;
  expiresAt?: string;
  reason?: string;
}

const JSON_HEADERS = { 'Content-Type': 'application/json' };

export class FoyerApi {
  constructor(
    private readonly baseUrl: string,
    private readonly adminApiKey: string | null = null,
  ) {}

  enter(eventId: string, id: string): Reply {
    return http.post(`${this.baseUrl}/v1/queue/enter`, JSON.stringify({ eventId, id }), { headers: JSON_HEADERS, tags: { op: 'enter' } });
  }

  status(ticket: string): Reply {
    return http.get(`${this.baseUrl}/v1/queue/status`, { headers: { Authorization: `Bearer ${ticket}` }, tags: { op: 'poll' } });
  }

  verify(successToken: string): Reply {
    return http.post(`${this.baseUrl}/v1/active/verify`, JSON.stringify({ successToken }), { headers: JSON_HEADERS, tags: { op: 'verify' } });
  }

  exit(successToken: string): Reply {
    return http.post(`${this.baseUrl}/v1/active/exit`, JSON.stringify({ successToken }), { headers: JSON_HEADERS, tags: { op: 'exit' } });
  }

  getEvent(eventId: string): Reply {
    return http.get(`${this.baseUrl}/v1/admin/events/${eventId}`, {
      headers: this.adminHeaders(),
      tags: { op: 'admin' },
      responseCallback: http.expectedStatuses(200, 404),
    });
  }

  createEvent(event: Record<string, unknown>): Reply {
    return http.post(`${this.baseUrl}/v1/admin/events`, JSON.stringify(event), { headers: { ...JSON_HEADERS, ...this.adminHeaders() }, tags: { op: 'admin' } });
  }

  patchEvent(eventId: string, changes: Record<string, unknown>): Reply {
    return http.patch(`${this.baseUrl}/v1/admin/events/${eventId}`, JSON.stringify(changes), {
      headers: { ...JSON_HEADERS, ...this.adminHeaders() },
      tags: { op: 'admin' },
    });
  }

  deleteEvent(eventId: string): Reply {
    return http.del(`${this.baseUrl}/v1/admin/events/${eventId}`, null, { headers: this.adminHeaders(), tags: { op: 'admin' } });
  }

  private adminHeaders(): Record<string, string> {
    if (!this.adminApiKey) throw new Error('ADMIN_API_KEY is needed for admin calls');
    return { Authorization: `Bearer ${this.adminApiKey}` };
  }
}

/** The body as JSON, or null when it is not JSON. */
export function bodyOf<T>(reply: Reply): T | null {
  try {
    return reply.json() as unknown as T;
  } catch {
    return null;
  }
}
