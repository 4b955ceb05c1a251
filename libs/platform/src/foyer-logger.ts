import type { LoggerService } from '@nestjs/common';

/** LOG_LEVEL's names (`@foyer/config`), lowest first. */
export type FoyerLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** `pretty`: one readable line per message (development); `json`: one JSON object per line (production). */
export type LogFormat = 'pretty' | 'json';

/** Where finished lines go (without their newline): stdout by default, a list in tests. */
export type LogSink = (line: string) => void;

export interface FoyerLoggerOptions {
  format: LogFormat;
  /** Messages below this level are dropped. */
  level: FoyerLogLevel;
  sink?: LogSink;
  now?: () => Date;
}

/**
 * A message with fields: `logger.warn({ msg: 'store unavailable', reqId })`. Nest passes objects
 * through to the logger unchanged.
 */
export interface LogFields {
  msg: string;
  reqId?: string;
  stack?: string;
  [field: string]: unknown;
}

const RANK: Record<FoyerLogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/**
 * Nest's own start-up lines (one per module, controller and route): worth reading when debugging
 * the wiring, noise in every other start. They are kept at `debug`.
 */
const BOOTSTRAP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

function isBootstrapNoise(context: string | undefined, message: string): boolean {
  if (context === undefined) return false;
  if (BOOTSTRAP_CONTEXTS.has(context)) return true;
  return context === 'NestApplication' && /started/i.test(message);
}

/**
 * The process's logger, for Nest (`NestFactory.create(…, { logger })`) and for Foyer's own
 * `new Logger(context)` instances, which Nest forwards here. No dependency: a line is a string.
 */
export class FoyerLogger implements LoggerService {
  private readonly format: LogFormat;
  private readonly threshold: number;
  private readonly sink: LogSink;
  private readonly now: () => Date;

  constructor(options: FoyerLoggerOptions) {
    this.format = options.format;
    this.threshold = RANK[options.level];
    this.sink = options.sink ?? ((line) => process.stdout.write(`${line}\n`));
    this.now = options.now ?? (() => new Date());
  }

  /** Whether a message at `level` would be written. */
  enabled(level: FoyerLogLevel): boolean {
    return RANK[level] >= this.threshold;
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** Nest calls `error(message, stack?, context?)`. */
  error(message: unknown, ...params: unknown[]): void {
    let stack: string | undefined;
    if (params.length >= 2 && (typeof params[0] === 'string' || params[0] === undefined)) stack = params.shift() as string | undefined;
    this.write('error', message, params, stack);
  }

  /** A few lines set off from the rest: the development start banner. JSON logs get one line per entry instead. */
  banner(title: string, entries: [label: string, value: string][]): void {
    if (this.format === 'json') {
      for (const [label, value] of entries) this.write('info', { msg: `${title}: ${label} ${value}` }, ['Foyer']);
      return;
    }
    const width = Math.max(...entries.map(([label]) => label.length));
    const lines = [title, ...entries.map(([label, value]) => `${label.padEnd(width)}  ${value}`)];
    const rule = '─'.repeat(Math.max(...lines.map((line) => line.length)) + 2);
    this.sink([`┌${rule}┐`, ...lines.map((line) => `│ ${line.padEnd(rule.length - 2)} │`), `└${rule}┘`].join('\n'));
  }

  private write(level: FoyerLogLevel, message: unknown, params: unknown[], stack?: string): void {
    const context = typeof params[params.length - 1] === 'string' ? (params[params.length - 1] as string) : undefined;
    const fields = toFields(message);
    if (stack && !fields.stack) fields.stack = stack;
    const effective = level === 'info' && isBootstrapNoise(context, fields.msg) ? 'debug' : level;
    if (RANK[effective] < this.threshold) return;
    this.sink(this.format === 'json' ? jsonLine(this.now(), effective, context, fields) : prettyLine(this.now(), effective, context, fields));
  }
}

function toFields(message: unknown): LogFields {
  if (message instanceof Error) return { msg: message.message, stack: message.stack };
  if (typeof message === 'object' && message !== null && typeof (message as LogFields).msg === 'string') return { ...(message as LogFields) };
  if (typeof message === 'string') return { msg: message };
  return { msg: safeJson(message) };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** `{"time":"2026-…Z","level":"warn","context":"Errors","msg":"…","reqId":"…"}` */
export function jsonLine(time: Date, level: FoyerLogLevel, context: string | undefined, fields: LogFields): string {
  const { msg, ...rest } = fields;
  return safeJson({ time: time.toISOString(), level, ...(context ? { context } : {}), msg, ...rest });
}

/** `11:02:07 WARN  Errors  message  reqId=…`, then the stack (if any) indented below. */
export function prettyLine(time: Date, level: FoyerLogLevel, context: string | undefined, fields: LogFields): string {
  const { msg, stack, ...rest } = fields;
  const clock = [time.getHours(), time.getMinutes(), time.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  const extra = Object.entries(rest)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : safeJson(value)}`)
    .join(' ');
  const head = [clock, level.toUpperCase().padEnd(5), context ?? '-', msg].join(' ') + (extra ? `  ${extra}` : '');
  return stack ? `${head}\n${stack.replace(/^/gm, '    ')}` : head;
}

/** The format for this environment: readable lines in development, JSON lines in production. */
export function createFoyerLogger(options: { production: boolean; level: FoyerLogLevel; sink?: LogSink }): FoyerLogger {
  return new FoyerLogger({ format: options.production ? 'json' : 'pretty', level: options.level, sink: options.sink });
}
