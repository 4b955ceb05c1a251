import { jest } from '@jest/globals';
import { StoreUnavailableError, type EventRepository, type QueueStore, type ReadinessChecks } from '@foyer/domain';
import { FoyerMetrics } from '@foyer/platform';
import { OpsController } from './ops.controller.js';

const answers = () => ({ ping: () => Promise.resolve() });
const fails = (message: string) => ({ ping: () => Promise.reject(new Error(message)) });
const neverAnswers = () => ({ ping: () => new Promise<void>(() => undefined) });

function controller(checks: ReadinessChecks): OpsController {
  return new OpsController(checks, {} as QueueStore, {} as QueueStore, {} as EventRepository, {} as FoyerMetrics);
}

describe('OpsController readiness, through the readiness checks', () => {
  it('is ready when the queue store and the database both answer', async () => {
    await expect(controller({ queueStore: answers(), database: answers() }).ready()).resolves.toEqual({
      status: 'ok',
      queueStore: 'ok',
      database: 'ok',
    });
  });

  it.each([
    ['the queue store', { queueStore: fails('Redis down'), database: answers() }, 'Redis down'],
    ['the database', { queueStore: answers(), database: fails('PostgreSQL down') }, 'PostgreSQL down'],
  ])('names %s when it does not answer, with its error as the cause', async (what, checks, cause) => {
    const err = await controller(checks)
      .ready()
      .catch((error: unknown) => error);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', message: `${what} is not answering; try again shortly` });
    expect((err as Error).cause).toMatchObject({ message: cause });
  });

  it('gives up on a check that does not answer within two seconds', async () => {
    jest.useFakeTimers();
    try {
      const ready = controller({ queueStore: answers(), database: neverAnswers() })
        .ready()
        .catch((error: unknown) => error);
      await jest.advanceTimersByTimeAsync(2_000);
      expect(await ready).toMatchObject({ code: 'STORE_UNAVAILABLE', cause: { message: 'no answer within 2000 ms' } });
    } finally {
      jest.useRealTimers();
    }
  });
});
