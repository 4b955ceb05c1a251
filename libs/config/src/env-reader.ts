/**
 * Reads environment variables, collecting one problem per bad variable instead of stopping at the
 * first, so an operator fixes everything in one go. A variable that is empty (or only blanks)
 * counts as unset. Messages quote the value, except from `secret`, which never does.
 */
export class EnvReader {
  readonly problems: string[] = [];
  private readonly badNames = new Set<string>();

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  problem(name: string, message: string): void {
    this.problems.push(`${name}: ${message}`);
    this.badNames.add(name);
  }

  /** Whether a problem was already reported for `name` (a bad value need not also be called missing). */
  isBad(name: string): boolean {
    return this.badNames.has(name);
  }

  /** The trimmed value, `undefined` when unset or empty. */
  text(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  /** The value exactly as given (secrets are not trimmed), `undefined` when unset or blank. */
  secret(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value;
  }

  int(name: string, fallback: number, range: { min: number; max: number }): number {
    const value = this.text(name);
    if (value === undefined) return fallback;
    const parsed = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < range.min || parsed > range.max) {
      this.problem(name, `must be an integer from ${range.min} to ${range.max}, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return parsed;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.text(name);
    if (value === undefined) return fallback;
    if (value === 'true' || value === 'false') return value === 'true';
    this.problem(name, `must be true or false, got ${JSON.stringify(value)}`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.text(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problem(name, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    return fallback;
  }

  /** Comma-separated entries, trimmed, empty ones dropped; `undefined` when unset. */
  list(name: string): string[] | undefined {
    return this.text(name)
      ?.split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
  }

  /** A URL with one of `protocols` (e.g. `['redis:', 'rediss:']`); `undefined` when unset or bad. */
  url(name: string, protocols: readonly string[]): URL | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    const expected = `a ${protocols.map((protocol) => `${protocol}//`).join(' or ')} URL`;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      this.problem(name, `must be ${expected}, got ${JSON.stringify(redactCredentials(value))}`);
      return undefined;
    }
    if (!protocols.includes(url.protocol) || url.hostname === '') {
      this.problem(name, `must be ${expected}, got ${JSON.stringify(redactCredentials(value))}`);
      return undefined;
    }
    return url;
  }
}

/** Database and Redis URLs carry passwords: never echo them into logs. */
function redactCredentials(value: string): string {
  return value.replace(/\/\/[^/@]*@/, '//***@');
}
