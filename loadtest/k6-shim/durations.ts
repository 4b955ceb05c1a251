/** k6 durations: `500ms`, `30s`, `1m30s`, `2h`; a bare number is seconds for stages, as k6 reads them. */
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(value: string | number | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  if (typeof value === 'number') return value * 1000;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  let total = 0;
  let matched = '';
  for (const part of value.matchAll(PART)) {
    total += Number(part[1]) * UNIT_MS[part[2]];
    matched += part[0];
  }
  if (matched !== value || matched === '') throw new Error(`invalid duration '${value}'`);
  return total;
}
