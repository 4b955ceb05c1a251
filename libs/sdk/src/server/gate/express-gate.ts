import type { ServerResponse } from 'node:http';
import type { FoyerGate } from './foyer-gate.js';
import { gateRequestOf, recordAdmission, writeNodeAnswer, type FrameworkRequest } from './framework-io.js';

/**
 * The gate as connect-style middleware (Express 4 and 5, connect, plain `node:http`):
 * `app.use('/checkout', expressGate(gate))`. Passes admitted requests on (`admissionOf(req)`),
 * answers the others itself.
 */
export function expressGate(gate: FoyerGate) {
  return function foyerGate(request: FrameworkRequest, response: ServerResponse, next: (error?: unknown) => void): void {
    gate.check(gateRequestOf(request)).then((decision) => {
      if (decision.action === 'pass') {
        recordAdmission(request, decision.admission);
        next();
      } else {
        writeNodeAnswer(response, decision);
      }
    }, next);
  };
}
