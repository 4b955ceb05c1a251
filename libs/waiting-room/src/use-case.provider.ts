import type { FactoryProvider, InjectionToken } from '@nestjs/common';

/**
 * A plain-TypeScript use case as a Nest provider: built from the tokens in `inject`, one per
 * constructor parameter in order (a missing or extra one fails the type check).
 */
export function useCaseProvider<T, Deps extends unknown[]>(
  useCase: new (...deps: Deps) => T,
  inject: { [K in keyof Deps]: InjectionToken },
): FactoryProvider<T> {
  return { provide: useCase, useFactory: (...deps: Deps) => new useCase(...deps), inject: inject as InjectionToken[] };
}
