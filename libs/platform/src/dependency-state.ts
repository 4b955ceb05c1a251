import { Logger } from '@nestjs/common';

interface Outage {
  since: number;
  refused: number;
}

/**
 * Whether each dependency (Redis, the database) answers, as the process last saw it. An outage is
 * logged twice, when it starts and when the dependency answers again, however many requests were
 * refused (503) or reconnections failed meanwhile.
 */
export class DependencyState {
  private readonly outages = new Map<string, Outage>();

  constructor(
    private readonly logger: Pick<Logger, 'warn' | 'log'> = new Logger('Dependencies'),
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** `name` did not answer (`reason`: what the driver said). Logs only the first time in a row. */
  unavailable(name: string, reason?: string, reqId?: string): void {
    const outage = this.outages.get(name);
    if (outage) {
      if (reqId !== undefined) outage.refused++;
      return;
    }
    this.outages.set(name, { since: this.now(), refused: reqId === undefined ? 0 : 1 });
    const why = reason ? lastLine(reason) : '';
    this.logger.warn({ msg: `${name} is unavailable${why ? `: ${why}` : ''}`, dependency: name, ...(reqId ? { reqId } : {}) });
  }

  /** `name` answered. Logs only if it was unavailable. */
  available(name: string): void {
    const outage = this.outages.get(name);
    if (!outage) return;
    this.outages.delete(name);
    const seconds = ((this.now() - outage.since) / 1000).toFixed(1);
    this.logger.log({ msg: `${name} answers again (unavailable for ${seconds} s, ${outage.refused} requests refused)`, dependency: name });
  }

  isUnavailable(name: string): boolean {
    return this.outages.has(name);
  }

  /** Callbacks for one dependency's driver events (`createRedis`'s options, say). */
  reporter(name: string): { onUnavailable: (reason?: string) => void; onAvailable: () => void } {
    return { onUnavailable: (reason) => this.unavailable(name, reason), onAvailable: () => this.available(name) };
  }
}

/** The process's one view of its dependencies: the error filter and the drivers' event listeners share it. */
export const dependencyState = new DependencyState();

/**
 * One line per state change: a driver's multi-line message (Prisma quotes the calling code first)
 * is told by its last line, which says what happened ("Can't reach database server at …").
 */
function lastLine(reason: string): string {
  const lines = reason
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return lines[lines.length - 1] ?? '';
}
