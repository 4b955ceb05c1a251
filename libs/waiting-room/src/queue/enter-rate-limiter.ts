import { Inject, Injectable } from '@nestjs/common';
import type { FoyerConfig } from '@foyer/config';
import { FoyerError, retryAfterSeconds, type RateLimitStore } from '@foyer/domain';
import { CONFIG, RATE_LIMIT_STORE } from '@foyer/platform';

const WINDOW_MS = 60_000;

/** `ENTER_RATE_LIMIT_PER_MIN` enters per client IP, counted in the queue store across instances. */
@Injectable()
export class EnterRateLimiter {
  private readonly limit: number;

  constructor(
    @Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore,
    @Inject(CONFIG) config: FoyerConfig,
  ) {
    this.limit = config.enterRateLimitPerMin;
  }

  /** Whether ENTER_RATE_LIMIT_PER_MIN is set (when not, an enter needs no client IP and no store call). */
  get enabled(): boolean {
    return this.limit > 0;
  }

  async check(clientIp: string): Promise<void> {
    if (!this.enabled) return;
    const { allowed, retryAfterMs } = await this.store.hit(`enter:${clientIp}`, this.limit, WINDOW_MS);
    if (!allowed) {
      throw new FoyerError('RATE_LIMITED', `more than ${this.limit} enters a minute from this client`, {
        retryAfterSeconds: retryAfterSeconds(retryAfterMs),
      });
    }
  }
}
