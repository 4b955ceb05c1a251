import { Logger } from '@nestjs/common';
import { DependencyState } from './dependency-state.js';
import { FoyerLogger, type FoyerLoggerOptions } from './foyer-logger.js';

const AT = new Date(2026, 11, 7, 11, 2, 7, 123);

function capture(options: Partial<FoyerLoggerOptions> = {}) {
  const lines: string[] = [];
  const logger = new FoyerLogger({ format: 'json', level: 'info', sink: (line) => lines.push(line), now: () => AT, ...options });
  return { logger, lines };
}

describe('FoyerLogger', () => {
  it('writes JSON lines with an ISO time, level, context, msg and fields in production', () => {
    const { logger, lines } = capture();
    logger.log('Foyer listening', 'Foyer');
    logger.warn({ msg: 'Redis is unavailable', reqId: 'req-1' }, 'Dependencies');
    logger.error({ msg: '500 INTERNAL_ERROR: boom', reqId: 'req-2' }, 'Errors');
    logger.error('failed', 'Error: failed\n    at x', 'Errors');
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { time: AT.toISOString(), level: 'info', context: 'Foyer', msg: 'Foyer listening' },
      { time: AT.toISOString(), level: 'warn', context: 'Dependencies', msg: 'Redis is unavailable', reqId: 'req-1' },
      { time: AT.toISOString(), level: 'error', context: 'Errors', msg: '500 INTERNAL_ERROR: boom', reqId: 'req-2' },
      { time: AT.toISOString(), level: 'error', context: 'Errors', msg: 'failed', stack: 'Error: failed\n    at x' },
    ]);
    expect(lines.every((line) => !line.includes('\n'))).toBe(true);
  });

  it('writes one readable line per message in development: HH:MM:SS level context message', () => {
    const { logger, lines } = capture({ format: 'pretty' });
    logger.log('Foyer listening', 'Foyer');
    logger.warn({ msg: 'Redis is unavailable', reqId: 'req-1' }, 'Dependencies');
    logger.error({ msg: 'boom', stack: 'Error: boom\n    at x' }, 'Errors');
    expect(lines).toEqual([
      '11:02:07 INFO  Foyer Foyer listening',
      '11:02:07 WARN  Dependencies Redis is unavailable  reqId=req-1',
      '11:02:07 ERROR Errors boom\n    Error: boom\n        at x',
    ]);
  });

  it("keeps Nest's start-up lines at debug, and drops what is below the level", () => {
    const { logger, lines } = capture({ level: 'info' });
    logger.log('AppModule dependencies initialized', 'InstanceLoader');
    logger.log('VisitorController {/v1/queue}:', 'RoutesResolver');
    logger.log('Mapped {/v1/queue/enter, POST} route', 'RouterExplorer');
    logger.log('Starting Nest application...', 'NestFactory');
    logger.log('Nest application successfully started', 'NestApplication');
    logger.debug('a detail', 'Errors');
    logger.verbose('a trace', 'Errors');
    expect(lines).toEqual([]);
    const debug = capture({ level: 'debug' });
    debug.logger.log('Mapped {/v1/queue/enter, POST} route', 'RouterExplorer');
    debug.logger.verbose('a trace', 'Errors');
    expect(debug.lines.map((line) => JSON.parse(line).level)).toEqual(['debug']);
  });

  it('prints a banner above the lines in development, and JSON lines for it in production', () => {
    const pretty = capture({ format: 'pretty' });
    pretty.logger.banner('Foyer listening', [
      ['URL', 'http://localhost:3000'],
      ['API docs', 'http://localhost:3000/docs'],
    ]);
    expect(pretty.lines[0].split('\n')).toEqual([
      '┌──────────────────────────────────────┐',
      '│ Foyer listening                      │',
      '│ URL       http://localhost:3000      │',
      '│ API docs  http://localhost:3000/docs │',
      '└──────────────────────────────────────┘',
    ]);
    const json = capture();
    json.logger.banner('Foyer listening', [['URL', 'http://localhost:3000']]);
    expect(JSON.parse(json.lines[0])).toMatchObject({ level: 'info', context: 'Foyer', msg: 'Foyer listening: URL http://localhost:3000' });
  });

  it('receives the lines of Nest Logger instances once it is the app logger', () => {
    const { logger, lines } = capture();
    Logger.overrideLogger(logger);
    try {
      new Logger('Stores').warn('Redis is not answering yet');
    } finally {
      Logger.overrideLogger(false);
    }
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'warn', context: 'Stores', msg: 'Redis is not answering yet' });
  });
});

describe('DependencyState', () => {
  it('logs one line when a dependency goes away and one when it answers again, however many requests were refused', () => {
    const { logger, lines } = capture();
    let now = 0;
    const state = new DependencyState({ warn: (m: unknown) => logger.warn(m, 'Dependencies'), log: (m: unknown) => logger.log(m, 'Dependencies') }, () => now);
    state.available('Redis');
    for (let i = 0; i < 50; i++) state.unavailable('Redis', 'connect ECONNREFUSED 127.0.0.1:1', `req-${i}`);
    state.unavailable('Redis', 'connect ECONNREFUSED 127.0.0.1:1');
    now = 2_500;
    state.available('Redis');
    state.available('Redis');
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'Redis is unavailable: connect ECONNREFUSED 127.0.0.1:1', dependency: 'Redis', reqId: 'req-0' }),
      expect.objectContaining({ level: 'info', msg: 'Redis answers again (unavailable for 2.5 s, 50 requests refused)', dependency: 'Redis' }),
    ]);
  });
});
