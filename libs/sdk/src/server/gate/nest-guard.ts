import type { ServerResponse } from 'node:http';
import type { FoyerGate } from './foyer-gate.js';
import { gateRequestOf, recordAdmission, writeNodeAnswer, type FrameworkRequest } from './framework-io.js';

/** The part of Nest's `ExecutionContext` the guard uses (typed by shape: Nest is not a dependency). */
export interface HttpExecutionContext {
  switchToHttp(): {
    getRequest<T = unknown>(): T;
    getResponse<T = unknown>(): T;
  };
}

/** Fastify's reply as Nest hands it to a guard on `@nestjs/platform-fastify`. */
interface HijackableReply {
  raw: ServerResponse;
  hijack(): unknown;
}

/**
 * The gate as a NestJS guard (`CanActivate`), on the Express or the Fastify platform:
 * `@UseGuards(new FoyerGuard(gate))`, or `{ provide: APP_GUARD, useValue: new FoyerGuard(gate) }`.
 * An admitted request is activated (`admissionOf(request)`); otherwise the guard writes the
 * redirect or refusal itself and answers `false`. Nest's exception layer then sees the answer
 * already sent and leaves it alone (its base filter checks, as a custom filter should).
 */
export class FoyerGuard {
  constructor(private readonly gate: FoyerGate) {}

  async canActivate(context: HttpExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<FrameworkRequest>();
    const decision = await this.gate.check(gateRequestOf(request));
    if (decision.action === 'pass') {
      recordAdmission(request, decision.admission);
      return true;
    }
    const response = http.getResponse<ServerResponse | HijackableReply>();
    if (isHijackable(response)) {
      // Fastify: take the reply over, so Fastify neither sends it again nor runs hooks on it.
      response.hijack();
      writeNodeAnswer(response.raw, decision);
    } else {
      writeNodeAnswer(response, decision);
    }
    return false;
  }
}

function isHijackable(response: ServerResponse | HijackableReply): response is HijackableReply {
  return typeof (response as Partial<HijackableReply>).hijack === 'function' && 'raw' in response;
}
