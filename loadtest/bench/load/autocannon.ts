import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import autocannon from 'autocannon';
import type { LoadGenerator, LoadResult, LoadSpec } from './load-generator.js';

/**
 * The fallback where wrk is not installed. It runs in the runner's own process (one thread), so on
 * a small machine it makes less load than wrk: its figures are comparable within one run only.
 */
export class AutocannonLoadGenerator implements LoadGenerator {
  readonly description: string;

  /** `why`: how it came to be used, for the report (wrk not found, or chosen). */
  constructor(why: string) {
    this.description = `autocannon ${autocannonVersion()} (${why})`;
  }

  async run(spec: LoadSpec): Promise<LoadResult> {
    const result = await autocannon({
      url: spec.request.url,
      connections: spec.connections,
      duration: spec.durationSeconds,
      timeout: 10,
      ...(spec.request.kind === 'poll' ? pollRequests(spec.request.ticketsFile) : enterRequests(spec.request)),
    });
    const seconds = result.duration;
    return {
      requests: result.requests.total,
      seconds,
      rps: seconds > 0 ? result.requests.total / seconds : 0,
      p50Ms: result.latency.p50,
      p90Ms: result.latency.p90,
      p99Ms: result.latency.p99,
      maxMs: result.latency.max,
      non2xx: result.non2xx,
      socketErrors: result.errors,
    };
  }
}

function pollRequests(ticketsFile: string): Partial<autocannon.Options> {
  const tickets = readFileSync(ticketsFile, 'utf8').split('\n').filter(Boolean);
  let position = 0;
  return {
    method: 'GET',
    requests: [
      {
        setupRequest: (request) => {
          position = (position + 1) % tickets.length;
          return { ...request, headers: { ...request.headers, authorization: `Bearer ${tickets[position]}` } };
        },
      },
    ],
  };
}

function enterRequests(request: { eventId: string; idPrefix: string }): Partial<autocannon.Options> {
  let made = 0;
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (built) => {
          made += 1;
          const id = `${request.idPrefix}${String(made).padStart(11, '0')}`;
          return { ...built, body: JSON.stringify({ eventId: request.eventId, id }) };
        },
      },
    ],
  };
}

function autocannonVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('autocannon/package.json') as { version: string }).version;
}
