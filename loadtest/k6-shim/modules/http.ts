/**
 * The shim's `k6/http` (https://grafana.com/docs/k6/latest/javascript-api/k6-http/): request and
 * its shorthands, synchronous as in k6, with k6's built-in metrics (http_reqs, http_req_duration,
 * http_req_failed) and tags (method, status, url, name, expected_response, plus params.tags).
 * Not shimmed: batch, asyncRequest, file uploads, cookies.
 */
import { addSample, requestSync } from './vu-runtime.js';

const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_REDIRECTS = 10;

interface ExpectedStatuses {
  readonly __expectedStatuses: readonly (number | { min: number; max: number })[];
}

export interface Params {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
  timeout?: string | number;
  redirects?: number;
  responseCallback?: ExpectedStatuses | null;
  responseType?: 'text' | 'none';
}

type Body = string | Record<string, unknown> | null | undefined;

let defaultCallback: ExpectedStatuses = expectedStatuses({ min: 200, max: 399 });

export function expectedStatuses(...statuses: (number | { min: number; max: number })[]): ExpectedStatuses {
  return { __expectedStatuses: statuses };
}

export function setResponseCallback(callback: ExpectedStatuses): void {
  defaultCallback = callback;
}

export class Response {
  readonly status: number;
  readonly url: string;
  readonly body: string | null;
  readonly headers: Record<string, string>;
  readonly timings: { duration: number; waiting: number; sending: number; receiving: number; blocked: number; connecting: number; tls_handshaking: number };
  readonly error: string;
  readonly error_code: number;
  readonly request: { method: string; url: string; headers: Record<string, string>; body: string };
  private parsed: unknown = undefined;

  constructor(
    message: { status: number; url: string; body: string; headers: Record<string, string>; durationMs: number; error?: string; errorCode?: number },
    request: Response['request'],
    keepBody: boolean,
  ) {
    this.status = message.status;
    this.url = message.url;
    this.body = keepBody ? message.body : null;
    this.headers = message.headers;
    this.timings = { duration: message.durationMs, waiting: message.durationMs, sending: 0, receiving: 0, blocked: 0, connecting: 0, tls_handshaking: 0 };
    this.error = message.error ?? '';
    this.error_code = message.errorCode ?? 0;
    this.request = request;
  }

  /** The body as JSON; with a selector, the value at a dotted path (`items.0.id`), a subset of k6's gjson. */
  json(selector?: string): unknown {
    if (this.parsed === undefined) {
      if (this.body === null || this.body === '') throw new Error('the response has no body to parse as JSON');
      this.parsed = JSON.parse(this.body);
    }
    if (!selector) return this.parsed;
    let value: unknown = this.parsed;
    for (const key of selector.split('.')) {
      if (value === null || typeof value !== 'object') return undefined;
      value = (value as Record<string, unknown>)[key];
    }
    return value;
  }
}

export function request(method: string, url: string, body?: Body, params: Params = {}): Response {
  const headers: Record<string, string> = { 'User-Agent': 'k6-shim (foyer)', ...params.headers };
  let payload: string | null = null;
  if (typeof body === 'string') {
    payload = body;
  } else if (body !== null && body !== undefined) {
    // k6 sends an object as a form, not as JSON.
    payload = new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)])).toString();
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  }
  const answer = requestSync({
    method: method.toUpperCase(),
    url,
    headers,
    body: payload,
    timeoutMs: durationMs(params.timeout) ?? DEFAULT_TIMEOUT_MS,
    redirects: params.redirects ?? MAX_REDIRECTS,
  });
  const expected = answer.status !== 0 && isExpected(answer.status, params.responseCallback ?? defaultCallback);
  const tags = {
    method: method.toUpperCase(),
    url,
    name: url,
    status: String(answer.status),
    expected_response: String(expected),
    ...(answer.error ? { error: answer.error, error_code: String(answer.errorCode ?? 1000) } : {}),
    ...params.tags,
  };
  addSample('http_reqs', 'counter', 'default', 1, tags);
  addSample('http_req_duration', 'trend', 'time', answer.durationMs, tags);
  addSample('http_req_failed', 'rate', 'default', expected ? 0 : 1, tags);
  return new Response(answer, { method: method.toUpperCase(), url, headers, body: payload ?? '' }, params.responseType !== 'none');
}

export const get = (url: string, params?: Params) => request('GET', url, null, params);
export const head = (url: string, params?: Params) => request('HEAD', url, null, params);
export const post = (url: string, body?: Body, params?: Params) => request('POST', url, body, params);
export const put = (url: string, body?: Body, params?: Params) => request('PUT', url, body, params);
export const patch = (url: string, body?: Body, params?: Params) => request('PATCH', url, body, params);
export const del = (url: string, body?: Body, params?: Params) => request('DELETE', url, body, params);
export const options = (url: string, body?: Body, params?: Params) => request('OPTIONS', url, body, params);

export function batch(): never {
  throw new Error('http.batch is not supported by the k6 shim');
}

export function asyncRequest(): never {
  throw new Error('http.asyncRequest is not supported by the k6 shim');
}

function isExpected(status: number, callback: ExpectedStatuses | null): boolean {
  if (callback === null) return true;
  return callback.__expectedStatuses.some((s) => (typeof s === 'number' ? s === status : status >= s.min && status <= s.max));
}

function durationMs(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value);
  if (!match) throw new Error(`invalid timeout '${value}'`);
  return Number(match[1]) * (match[2] === 'm' ? 60_000 : match[2] === 'ms' ? 1 : 1000);
}

export default { request, get, head, post, put, patch, del, options, batch, asyncRequest, expectedStatuses, setResponseCallback };
