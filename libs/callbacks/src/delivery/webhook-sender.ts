import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { systemClock, type Clock } from '@foyer/domain';
import { CallbackUrlPolicy } from '../security/callback-url-policy.js';
import { headerSafe } from './header-value.js';
import { parseRetryAfterMs } from './retry-policy.js';
import type { WebhookSigner } from './webhook-signature.js';

/** How much of a receiver's answer is read; the rest is dropped with the connection. */
export const RESPONSE_BODY_CAP_BYTES = 64 * 1024;
/** How much of a failed answer's body is kept in `lastError`. */
const ERROR_SNIPPET_CHARS = 200;

export interface Delivery {
  webhookId: string;
  messageId: string;
  groupId: string;
  callbackUrl: string;
  body: string;
  /** 1 for the first attempt. */
  attempt: number;
}

export interface DeliveryResult {
  succeeded: boolean;
  statusCode: number | null;
  error: string | null;
  /** The receiver's Retry-After, in ms from the end of the attempt. */
  retryAfterMs: number | null;
  startedAt: Date;
  durationMs: number;
  /** For metrics: `succeeded`, `http_error`, `timeout`, `forbidden` or `network_error`. */
  kind: 'succeeded' | 'http_error' | 'timeout' | 'forbidden' | 'network_error';
}

class AttemptTimeout extends Error {}

/**
 * One POST of a message to its callback URL, with the Standard Webhooks headers. Built on
 * node:http directly: no redirects are followed, no proxy from the environment is used, the
 * whole attempt (connect, answer, body) has one deadline, and every new connection resolves the
 * host through the URL policy, so a name rebound to a forbidden address is refused at connect time.
 */
export class WebhookSender {
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 1024, timeout: 30_000 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 1024, timeout: 30_000 }),
  };

  constructor(
    private readonly policy: CallbackUrlPolicy,
    private readonly signer: WebhookSigner,
    private readonly timeoutMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  async send(delivery: Delivery): Promise<DeliveryResult> {
    const startedAt = new Date(this.clock.now());
    const started = performance.now();
    const finish = (partial: Omit<DeliveryResult, 'startedAt' | 'durationMs'>): DeliveryResult => ({
      ...partial,
      startedAt,
      durationMs: Math.round(performance.now() - started),
    });
    let url: URL;
    try {
      url = CallbackUrlPolicy.parse(delivery.callbackUrl);
    } catch {
      return finish(failure('network_error', 'the callback URL is not an http(s) URL'));
    }
    const literalReason = this.policy.literalReason(url.hostname);
    if (literalReason !== null) {
      return finish(failure('forbidden', `forbidden target ${url.hostname}: ${literalReason}`));
    }
    try {
      // A kept-alive connection the receiver closed meanwhile fails at once; that is not an
      // attempt the receiver saw, so it is made once more on a fresh connection.
      const answer = await this.post(url, delivery).catch((err: unknown) => {
        if ((err as { reusedSocket?: boolean }).reusedSocket) return this.post(url, delivery);
        throw err;
      });
      const { statusCode, retryAfter, snippet } = answer;
      if (statusCode >= 200 && statusCode < 300) {
        return finish({ succeeded: true, statusCode, error: null, retryAfterMs: null, kind: 'succeeded' });
      }
      const redirect = statusCode >= 300 && statusCode < 400 ? ' (redirects are not followed)' : '';
      return finish({
        succeeded: false,
        statusCode,
        error: `HTTP ${statusCode}${redirect}${snippet ? `: ${snippet}` : ''}`,
        retryAfterMs: parseRetryAfterMs(retryAfter, this.clock.now()),
        kind: 'http_error',
      });
    } catch (err) {
      if (err instanceof AttemptTimeout) return finish(failure('timeout', `no answer within ${this.timeoutMs} ms`));
      if ((err as { code?: string }).code === 'CALLBACK_URL_FORBIDDEN') {
        return finish(failure('forbidden', `forbidden target: ${(err as Error).message}`));
      }
      const code = (err as { code?: string }).code;
      return finish(failure('network_error', `${code ? `${code}: ` : ''}${(err as Error).message}`));
    }
  }

  /** Closes idle kept-alive connections. */
  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }

  private post(url: URL, delivery: Delivery): Promise<{ statusCode: number; retryAfter?: string; snippet: string }> {
    const timestamp = Math.floor(this.clock.now() / 1000);
    const body = Buffer.from(delivery.body, 'utf8');
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = transport.request({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        auth: url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined,
        agent: this.agents[url.protocol as 'http:' | 'https:'],
        lookup: this.policy.connectLookup,
        headers: {
          'content-type': 'application/json',
          'content-length': String(body.length),
          'user-agent': 'Foyer-Callbacks/1',
          'webhook-id': delivery.webhookId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': this.signer.sign(delivery.webhookId, timestamp, delivery.body),
          'x-foyer-message-id': headerSafe(delivery.messageId),
          'x-foyer-group-id': headerSafe(delivery.groupId),
          'x-foyer-attempt': String(delivery.attempt),
        },
      });
      const deadline = setTimeout(() => request.destroy(new AttemptTimeout()), this.timeoutMs);
      const fail = (err: Error) => {
        clearTimeout(deadline);
        if (request.reusedSocket && (err as { code?: string }).code === 'ECONNRESET' && !(err instanceof AttemptTimeout)) {
          Object.assign(err, { reusedSocket: true });
        }
        reject(err);
      };
      request.once('error', fail);
      request.once('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          clearTimeout(deadline);
          const text = Buffer.concat(chunks).toString('utf8').slice(0, ERROR_SNIPPET_CHARS).replace(/\s+/g, ' ').trim();
          const retryAfter = response.headers['retry-after'];
          resolve({ statusCode: response.statusCode ?? 0, retryAfter, snippet: text });
        };
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (chunks.length === 0 || size <= RESPONSE_BODY_CAP_BYTES) chunks.push(chunk);
          if (size > RESPONSE_BODY_CAP_BYTES) {
            // Enough read: the status decides; the connection is not reused.
            response.removeAllListeners('data');
            response.destroy();
            done();
          }
        });
        response.once('end', done);
        response.once('error', fail);
      });
      request.end(body);
    });
  }
}

function failure(kind: DeliveryResult['kind'], error: string): Omit<DeliveryResult, 'startedAt' | 'durationMs'> {
  return { succeeded: false, statusCode: null, error, retryAfterMs: null, kind };
}
