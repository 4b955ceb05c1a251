/** The end-of-test summary of the waiting-room scenario: what a waiting room's operator asks after a spike. */

interface MetricSummary {
  type: string;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface SummaryInput {
  metrics: Record<string, MetricSummary>;
  state: { testRunDurationMs: number };
}

const value = (data: SummaryInput, metric: string, stat: string): number => data.metrics[metric]?.values[stat] ?? 0;
const ms = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);

export function waitingRoomSummary(data: SummaryInput, eventId: string): string {
  const seconds = data.state.testRunDurationMs / 1000;
  const admitted = value(data, 'foyer_admitted', 'count');
  const lines = [
    '',
    `Foyer waiting room — event ${eventId}, ${seconds.toFixed(1)} s`,
    '',
    `  visitors arrived      ${value(data, 'foyer_visitors', 'count')}`,
    `  admitted              ${admitted}  (${(seconds > 0 ? admitted / seconds : 0).toFixed(2)} per second over the run)`,
    `  gave up waiting       ${value(data, 'foyer_gave_up', 'count')}`,
    `  lost their place      ${value(data, 'foyer_lost_place', 'count')}  (EXPIRED or BLOCK while polling as told: should be 0)`,
    '',
    `  wait, enter → admitted   med ${ms(value(data, 'foyer_wait_time', 'med'))}  p95 ${ms(value(data, 'foyer_wait_time', 'p(95)'))}  max ${ms(value(data, 'foyer_wait_time', 'max'))}`,
    `  rank on arrival          med ${value(data, 'foyer_rank_on_arrival', 'med').toFixed(0)}  max ${value(data, 'foyer_rank_on_arrival', 'max').toFixed(0)}`,
    `  polls per admitted user  avg ${value(data, 'foyer_polls', 'avg').toFixed(1)}  max ${value(data, 'foyer_polls', 'max').toFixed(0)}`,
    '',
    '  latency by call (http_req_duration)',
  ];
  for (const op of ['enter', 'poll', 'verify', 'exit']) {
    const metric = `http_req_duration{op:${op}}`;
    if (!data.metrics[metric]) continue;
    lines.push(`    ${op.padEnd(7)} med ${ms(value(data, metric, 'med'))}  p95 ${ms(value(data, metric, 'p(95)'))}  p99 ${ms(value(data, metric, 'p(99)'))}`);
  }
  lines.push(
    '',
    `  failed requests  ${(value(data, 'http_req_failed', 'rate') * 100).toFixed(2)} %   checks passed  ${(value(data, 'checks', 'rate') * 100).toFixed(2)} %`,
    '',
    '  thresholds',
  );
  for (const [metric, summary] of Object.entries(data.metrics)) {
    for (const [expression, result] of Object.entries(summary.thresholds ?? {})) {
      lines.push(`    ${result.ok ? 'ok    ' : 'FAILED'}  ${metric}: ${expression}`);
    }
  }
  lines.push('');
  return lines.join('\n');
}
