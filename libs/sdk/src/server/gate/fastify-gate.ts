import type { FoyerGate } from './foyer-gate.js';
import { gateRequestOf, recordAdmission, type FrameworkRequest } from './framework-io.js';

/** The parts of Fastify's reply the gate uses. */
export interface FastifyReplyLike {
  code(statusCode: number): unknown;
  header(name: string, value: string | string[]): unknown;
  send(payload?: string): unknown;
}

/**
 * The gate as a Fastify hook, for `onRequest` (before the body is read) or `preHandler`:
 * `fastify.addHook('onRequest', fastifyGate(gate))` in a plugin scope, or a route's
 * `onRequest: fastifyGate(gate)`. Admitted requests go on (`admissionOf(request)`); the hook
 * answers the others itself.
 */
export function fastifyGate(gate: FoyerGate) {
  return async function foyerGate(request: FrameworkRequest, reply: FastifyReplyLike): Promise<unknown> {
    const decision = await gate.check(gateRequestOf(request));
    if (decision.action === 'pass') {
      recordAdmission(request, decision.admission);
      return undefined;
    }
    reply.code(decision.statusCode);
    for (const [name, value] of Object.entries(decision.headers)) reply.header(name, value);
    reply.send(decision.body);
    // An async hook that answered returns the reply, so Fastify stops the chain here.
    return reply;
  };
}
