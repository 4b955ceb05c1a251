import type { HttpRequestMessage, HttpResponseMessage } from './protocol.js';

/**
 * The main thread's half of a VU's synchronous HTTP: makes the request with fetch and returns what
 * k6's Response needs. Header names come back in k6's canonical form (`Content-Type`, `Retry-After`).
 */
export async function performHttp(request: HttpRequestMessage): Promise<HttpResponseMessage> {
  const started = performance.now();
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body ?? undefined,
      redirect: request.redirects > 0 ? 'follow' : 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const body = await response.text();
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[canonicalHeader(name)] = value));
    return { status: response.status, url: response.url || request.url, body, headers, durationMs: performance.now() - started };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return {
      status: 0,
      url: request.url,
      body: '',
      headers: {},
      durationMs: performance.now() - started,
      error: timedOut ? 'request timeout' : `${err instanceof Error ? err.message : String(err)}${cause}`,
      errorCode: timedOut ? 1050 : 1000,
    };
  }
}

function canonicalHeader(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
    .join('-');
}
