import { FoyerError } from './foyer-error.js';

/** `fetch`, or anything shaped like it: injected by tests, or a runtime's own. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface FoyerCall {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  json?: unknown;
  signal?: AbortSignal;
  timeoutMs: number;
}

const TIMED_OUT = Symbol('timed out');

/**
 * One request to Foyer: the parsed JSON of a 2xx answer, else a `FoyerError`. A caller's abort
 * rejects with the signal's reason, untouched, so `AbortError` handling works as with fetch.
 */
export async function callFoyer(fetchImpl: FetchLike, url: string, call: FoyerCall): Promise<unknown> {
  const { signal } = call;
  // Not `throwIfAborted()`: Safari before 15.4 lacks it, and the waiting-room page runs this client.
  if (signal?.aborted) throw signal.reason;
  const controller = new AbortController();
  const forwardAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', forwardAbort, { once: true });
  const timer = setTimeout(() => controller.abort(TIMED_OUT), call.timeoutMs);
  const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
  if (call.json !== undefined) headers['content-type'] = 'application/json';
  try {
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(url, {
        method: call.method,
        headers,
        body: call.json === undefined ? undefined : JSON.stringify(call.json),
        signal: controller.signal,
      });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (controller.signal.reason === TIMED_OUT) {
        throw new FoyerError(0, 'TIMEOUT', `Foyer did not answer ${call.method} ${url} within ${call.timeoutMs} ms`);
      }
      throw new FoyerError(0, 'NETWORK_ERROR', `could not reach Foyer at ${url}: ${describe(error)}`);
    }
    const body = parseJson(text);
    if (response.ok) {
      if (body === undefined) throw new FoyerError(response.status, 'INVALID_RESPONSE', `Foyer answered ${url} with a body that is not JSON`);
      return body;
    }
    throw errorFromAnswer(response, body);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', forwardAbort);
  }
}

function errorFromAnswer(response: Response, body: unknown): FoyerError {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const code = typeof fields.code === 'string' ? fields.code : `HTTP_${response.status}`;
  const message = typeof fields.message === 'string' ? fields.message : `Foyer answered ${response.status}`;
  return new FoyerError(response.status, code, message, parseRetryAfterMs(response.headers.get('retry-after')), fields.details);
}

/** `retry-after` as delta seconds or an HTTP date, in ms from now; `null` when absent or unreadable. */
export function parseRetryAfterMs(header: string | null, now: number = Date.now()): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/** `foyerUrl` without a trailing slash, so paths can be appended. */
export function baseUrlOf(foyerUrl: string): string {
  return foyerUrl.replace(/\/+$/, '');
}
