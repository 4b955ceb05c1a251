import { StoreUnavailableError } from '@foyer/domain';
import { isRedisUnavailable } from './redis-connection.js';

/** Rethrows a Redis outage as the domain's `StoreUnavailableError` (ioredis's error as its cause), else as it was. */
export function rethrowAsStoreUnavailable(err: unknown): never {
  if (err instanceof StoreUnavailableError || !isRedisUnavailable(err)) throw err;
  throw new StoreUnavailableError('Redis', err);
}

/**
 * A Redis adapter as its callers see it: a method failing because Redis is not answering rejects
 * with `StoreUnavailableError`, so the layers above never need to recognise ioredis's errors, and a
 * script error stays what it was (a 500). The adapter's public methods are wrapped rather than the
 * client's commands: scripts are sent as `Command`s whose promise the client never returns.
 * Wrappers are kept per method, so a hot call costs one map lookup, not a new closure.
 */
export function reportingOutages<T extends object>(adapter: T): T {
  const wrapped = new WeakMap<(...args: unknown[]) => unknown, (...args: unknown[]) => unknown>();
  return new Proxy(adapter, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      let wrapper = wrapped.get(method);
      if (wrapper === undefined) {
        wrapper = (...args: unknown[]) => {
          const result = method.apply(target, args);
          return isPromise(result) ? result.catch(rethrowAsStoreUnavailable) : result;
        };
        wrapped.set(method, wrapper);
      }
      return wrapper;
    },
  });
}

function isPromise(value: unknown): value is Promise<unknown> {
  return value instanceof Promise;
}
