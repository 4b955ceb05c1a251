/**
 * What the runner asks of a load generator: hold `connections` open against one URL for a while,
 * each request either polling with the next ticket of a file (rotating) or entering under a new id,
 * and report throughput and latency percentiles.
 */
export type LoadRequest =
  | { kind: 'poll'; url: string; ticketsFile: string }
  /** `POST` `{"eventId", "id"}` with a new 16-character id (beginning with `idPrefix`) per request. */
  | { kind: 'enter'; url: string; eventId: string; idPrefix: string };

export interface LoadSpec {
  request: LoadRequest;
  connections: number;
  durationSeconds: number;
  /** Generator threads (wrk only). */
  threads?: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers outside 2xx; a round with any is reported, because it did not measure the happy path. */
  non2xx: number;
  /** Connect, read, write errors and timeouts. */
  socketErrors: number;
}

export interface LoadGenerator {
  /** `wrk 4.1.0` or `autocannon 9.0.0`: printed in the report. */
  readonly description: string;
  run(spec: LoadSpec): Promise<LoadResult>;
}

/** Ids are 16 characters: the prefix, then the connection or thread number and a counter. */
export const ENTER_ID_PREFIX_LENGTH = 5;

/** Several loads at once (e.g. one per API process), added up as if one generator had made them. */
export async function runTogether(generator: LoadGenerator, specs: readonly LoadSpec[]): Promise<LoadResult> {
  const results = await Promise.all(specs.map((spec) => generator.run(spec)));
  return combineResults(results);
}

export function combineResults(results: readonly LoadResult[]): LoadResult {
  const requests = results.reduce((sum, r) => sum + r.requests, 0);
  const weighted = (pick: (r: LoadResult) => number) => (requests === 0 ? 0 : results.reduce((sum, r) => sum + pick(r) * r.requests, 0) / requests);
  return {
    requests,
    seconds: Math.max(...results.map((r) => r.seconds)),
    rps: results.reduce((sum, r) => sum + r.rps, 0),
    // Percentiles of separate histograms cannot be merged exactly: p50 is the request-weighted
    // mean of the parts, p90/p99/max the worst part (an upper bound, never flattering).
    p50Ms: weighted((r) => r.p50Ms),
    p90Ms: Math.max(...results.map((r) => r.p90Ms)),
    p99Ms: Math.max(...results.map((r) => r.p99Ms)),
    maxMs: Math.max(...results.map((r) => r.maxMs)),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    socketErrors: results.reduce((sum, r) => sum + r.socketErrors, 0),
  };
}
