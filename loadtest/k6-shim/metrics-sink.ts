import type { CheckOutcome, MetricSample, MetricType } from './protocol.js';

/**
 * Collects the samples of a run and turns them into what k6 gives `handleSummary`
 * (https://grafana.com/docs/k6/latest/results-output/end-of-test/custom-summary/): `metrics` with
 * `type`, `contains`, `values` and `thresholds`, `root_group.checks`, `state`, `options` — and
 * evaluates the thresholds, sub-metrics (`http_req_duration{op:poll}`) included.
 */

interface Series {
  type: MetricType;
  contains: 'time' | 'default';
  samples: { value: number; tags: Record<string, string> }[];
}

export interface ThresholdResult {
  metric: string;
  expression: string;
  ok: boolean;
  /** The aggregate the expression compared, e.g. p(95) of the metric. */
  actual: number;
}

export interface SummaryData {
  metrics: Record<string, { type: MetricType; contains: string; values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }>;
  root_group: {
    name: string;
    path: string;
    id: string;
    groups: unknown[];
    checks: { name: string; path: string; id: string; passes: number; fails: number }[];
  };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
}

/** k6's built-in metrics the shim records or sets. */
const BUILT_IN: Record<string, { type: MetricType; contains: 'time' | 'default' }> = {
  http_reqs: { type: 'counter', contains: 'default' },
  http_req_duration: { type: 'trend', contains: 'time' },
  http_req_failed: { type: 'rate', contains: 'default' },
  iterations: { type: 'counter', contains: 'default' },
  iteration_duration: { type: 'trend', contains: 'time' },
  checks: { type: 'rate', contains: 'default' },
  dropped_iterations: { type: 'counter', contains: 'default' },
  vus: { type: 'gauge', contains: 'default' },
  vus_max: { type: 'gauge', contains: 'default' },
};

const DEFAULT_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];
const EXPRESSION = /^\s*(avg|min|max|med|count|rate|value|p\(\d+(?:\.\d+)?\))\s*(<=|>=|==|===|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

export class MetricsSink {
  private readonly series = new Map<string, Series>();
  private readonly checks = new Map<string, { passes: number; fails: number }>();
  private readonly declared = new Map<string, { type: MetricType; contains: 'time' | 'default' }>(Object.entries(BUILT_IN));

  /** A custom metric the script made (`new Trend(…)`), so thresholds on it work before its first sample. */
  declare(name: string, type: MetricType, contains: 'time' | 'default'): void {
    this.declared.set(name, { type, contains });
  }

  add(samples: readonly MetricSample[], checks: readonly CheckOutcome[] = []): void {
    for (const sample of samples) {
      let series = this.series.get(sample.metric);
      if (!series) {
        series = { type: sample.type, contains: sample.contains, samples: [] };
        this.series.set(sample.metric, series);
      } else if (series.type !== sample.type) {
        throw new Error(`metric '${sample.metric}' is used as ${series.type} and as ${sample.type}`);
      }
      series.samples.push({ value: sample.value, tags: sample.tags });
    }
    for (const check of checks) {
      const counts = this.checks.get(check.name) ?? { passes: 0, fails: 0 };
      if (check.passed) counts.passes += 1;
      else counts.fails += 1;
      this.checks.set(check.name, counts);
    }
  }

  /** A metric set by the runner itself (dropped_iterations, vus, vus_max). */
  set(metric: string, type: MetricType, value: number): void {
    this.series.set(metric, { type, contains: 'default', samples: [{ value, tags: {} }] });
  }

  evaluate(thresholds: Record<string, unknown>, durationMs: number): ThresholdResult[] {
    const results: ThresholdResult[] = [];
    for (const [key, list] of Object.entries(thresholds)) {
      const series = this.select(key);
      if (!series) throw new Error(`threshold on '${key}': no such metric (built-in or made by the script)`);
      for (const entry of Array.isArray(list) ? list : [list]) {
        const expression = typeof entry === 'string' ? entry : String((entry as { threshold: string }).threshold);
        const match = EXPRESSION.exec(expression);
        if (!match) throw new Error(`threshold '${expression}' of '${key}' is not an expression the shim understands`);
        // As in k6, a metric without samples aggregates to zero (count 0, rate 0, p(95) 0).
        const actual = aggregate(series, match[1], durationMs);
        const ok = Number.isFinite(actual) && compare(actual, match[2], Number(match[3]));
        results.push({ metric: key, expression, ok, actual });
      }
    }
    return results;
  }

  summary(options: { trendStats?: string[]; durationMs: number; thresholds: ThresholdResult[] }): SummaryData {
    const stats = options.trendStats ?? DEFAULT_TREND_STATS;
    const metrics: SummaryData['metrics'] = {};
    const names = new Set([...this.series.keys(), ...options.thresholds.map((t) => t.metric)]);
    for (const name of names) {
      const series = this.select(name);
      if (!series || (series.samples.length === 0 && !options.thresholds.some((t) => t.metric === name))) continue;
      const values: Record<string, number> = {};
      if (series.type === 'trend') for (const stat of stats) values[stat] = aggregate(series, stat, options.durationMs);
      else if (series.type === 'counter')
        Object.assign(values, { count: aggregate(series, 'count', options.durationMs), rate: aggregate(series, 'rate', options.durationMs) });
      else if (series.type === 'rate') {
        const passes = series.samples.filter((s) => s.value !== 0).length;
        Object.assign(values, { rate: aggregate(series, 'rate', options.durationMs), passes, fails: series.samples.length - passes });
      } else
        Object.assign(values, {
          value: aggregate(series, 'value', options.durationMs),
          min: aggregate(series, 'min', options.durationMs),
          max: aggregate(series, 'max', options.durationMs),
        });
      const own = options.thresholds.filter((t) => t.metric === name);
      metrics[name] = {
        type: series.type,
        contains: series.contains,
        values,
        ...(own.length > 0 ? { thresholds: Object.fromEntries(own.map((t) => [t.expression, { ok: t.ok }])) } : {}),
      };
    }
    return {
      metrics,
      root_group: {
        name: '',
        path: '',
        id: 'd41d8cd98f00b204e9800998ecf8427e',
        groups: [],
        checks: [...this.checks.entries()].map(([name, c]) => ({ name, path: `::${name}`, id: name, passes: c.passes, fails: c.fails })),
      },
      state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: options.durationMs },
      options: { summaryTrendStats: stats, summaryTimeUnit: '', noColor: true },
    };
  }

  /** `name` or `name{tag:value,tag2:value2}`: the metric, or its samples with those tags. */
  private select(key: string): Series | undefined {
    const match = /^([^{]+)(?:\{(.*)\})?$/.exec(key);
    if (!match) return undefined;
    const name = match[1].trim();
    const declared = this.declared.get(name);
    const series = this.series.get(name) ?? (declared ? { ...declared, samples: [] } : undefined);
    if (!series || match[2] === undefined) return series;
    const wanted = match[2].split(',').map((pair) => {
      const colon = pair.indexOf(':');
      return [pair.slice(0, colon).trim(), pair.slice(colon + 1).trim()] as const;
    });
    return { ...series, samples: series.samples.filter((s) => wanted.every(([tag, value]) => s.tags[tag] === value)) };
  }
}

function aggregate(series: Series, method: string, durationMs: number): number {
  const values = series.samples.map((s) => s.value);
  const seconds = durationMs / 1000;
  switch (method) {
    case 'count':
      return series.type === 'counter' ? sum(values) : values.length;
    case 'rate':
      if (series.type === 'counter') return seconds > 0 ? sum(values) / seconds : 0;
      return values.length === 0 ? 0 : values.filter((v) => v !== 0).length / values.length;
    case 'value':
      return values.length === 0 ? 0 : values[values.length - 1];
    case 'avg':
      return values.length === 0 ? 0 : sum(values) / values.length;
    case 'min':
      return values.length === 0 ? 0 : Math.min(...values);
    case 'max':
      return values.length === 0 ? 0 : Math.max(...values);
    case 'med':
      return percentile(values, 50);
    default: {
      const p = /^p\((\d+(?:\.\d+)?)\)$/.exec(method);
      if (!p) throw new Error(`unknown aggregation '${method}'`);
      return percentile(values, Number(p[1]));
    }
  }
}

/** Linear interpolation between closest ranks, as k6 computes trend percentiles. */
function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function compare(actual: number, operator: string, expected: number): boolean {
  switch (operator) {
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '==':
    case '===':
      return actual === expected;
    default:
      return actual !== expected;
  }
}
