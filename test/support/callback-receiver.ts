import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './services.js';

/** One request a receiver got. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Order of arrival across the whole receiver, from 0. */
  index: number;
  groupId: string;
  messageId: string;
  webhookId: string;
  attempt: number;
  /** Set when the receiver answered (never, for a request whose client died first). */
  answered: boolean;
}

/** What to answer: a status, headers, an optional delay, or a promise to wait for first. */
export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
  hold?: Promise<unknown>;
}

export type Behaviour = (request: Received) => Answer | undefined;

/**
 * A real HTTP receiver on 127.0.0.1 for callback tests: records every request, answers as the
 * test's behaviour says (200 by default), and watches per-group concurrency, the property under
 * test (never two deliveries of one group in flight).
 */
export class CallbackReceiver {
  readonly received: Received[] = [];
  /** Groups that ever had two requests in flight at once. */
  readonly overlaps: string[] = [];
  /** Most requests in flight at once, across groups. */
  maxInFlight = 0;
  behaviour: Behaviour = () => undefined;
  private readonly inFlightByGroup = new Map<string, number>();
  private inFlight = 0;
  private server: Server | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private baseUrl = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const headers = request.headers;
        const received: Received = {
          path: request.url ?? '',
          headers,
          body: Buffer.concat(chunks).toString('utf8'),
          index: this.received.length,
          groupId: decodeURIComponent(String(headers['x-foyer-group-id'] ?? '')),
          messageId: decodeURIComponent(String(headers['x-foyer-message-id'] ?? '')),
          webhookId: String(headers['webhook-id'] ?? ''),
          attempt: Number(headers['x-foyer-attempt'] ?? 0),
          answered: false,
        };
        this.received.push(received);
        this.enter(received.groupId);
        let left = false;
        const leave = () => {
          if (left) return;
          left = true;
          this.leave(received.groupId);
        };
        response.on('close', leave);
        void this.answer(received, response, leave);
      });
    });
    this.server.keepAliveTimeout = 1_000;
    this.baseUrl = await listenOnLoopback(this.server);
    return this;
  }

  url(path = '/hook'): string {
    return `${this.baseUrl}${path}`;
  }

  /** Requests for one group, in arrival order. */
  forGroup(groupId: string): Received[] {
    return this.received.filter((request) => request.groupId === groupId);
  }

  async close(): Promise<void> {
    if (!this.server) return;
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
  }

  private async answer(received: Received, response: ServerResponse, leave: () => void): Promise<void> {
    const answer = this.behaviour(received) ?? {};
    if (answer.hold) await answer.hold;
    if (answer.delayMs) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          resolve();
        }, answer.delayMs);
        this.timers.add(timer);
      });
    }
    // Leave before answering: the sender may start the group's next delivery as soon as it reads this.
    leave();
    if (response.destroyed) return;
    received.answered = true;
    response.writeHead(answer.status ?? 200, { 'content-type': 'text/plain', ...answer.headers });
    response.end(answer.body ?? 'ok');
  }

  private enter(groupId: string): void {
    const count = (this.inFlightByGroup.get(groupId) ?? 0) + 1;
    this.inFlightByGroup.set(groupId, count);
    if (count > 1) this.overlaps.push(groupId);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
  }

  private leave(groupId: string): void {
    this.inFlightByGroup.set(groupId, (this.inFlightByGroup.get(groupId) ?? 1) - 1);
    this.inFlight--;
  }
}
