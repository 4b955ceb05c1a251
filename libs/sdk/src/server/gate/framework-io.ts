import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Admission } from '../foyer-backend.js';
import type { GateDecision, GateRequest } from './foyer-gate.js';

/**
 * What the adapters read from a framework's request, typed by shape so that no framework is a
 * dependency: Express's `req`, Fastify's `request` and Node's `IncomingMessage` all fit.
 */
export interface FrameworkRequest {
  method?: string;
  url?: string;
  /** Express: the URL before any mount path was stripped. */
  originalUrl?: string;
  headers: IncomingHttpHeaders;
  /** Express (honours `trust proxy`). */
  secure?: boolean;
  /** Express and Fastify (honour their proxy settings). */
  protocol?: string;
  socket?: unknown;
}

export type Answer = Extract<GateDecision, { action: 'answer' }>;

const admissions = new WeakMap<object, Admission>();

/** The admission the gate let this request through with; `undefined` on a request it did not pass. */
export function admissionOf(request: object): Admission | undefined {
  return admissions.get(request);
}

export function recordAdmission(request: object, admission: Admission): void {
  admissions.set(request, admission);
}

export function gateRequestOf(request: FrameworkRequest): GateRequest {
  return {
    method: (request.method ?? 'GET').toUpperCase(),
    url: request.originalUrl ?? request.url ?? '/',
    headers: request.headers,
    secure: isSecure(request),
  };
}

function isSecure(request: FrameworkRequest): boolean {
  if (typeof request.secure === 'boolean') return request.secure;
  if (typeof request.protocol === 'string') return request.protocol === 'https';
  const socket = request.socket as { encrypted?: boolean } | undefined;
  return socket?.encrypted === true;
}

/** Writes the gate's answer on a Node response (Express's `res` is one). */
export function writeNodeAnswer(response: ServerResponse, decision: Answer): void {
  response.statusCode = decision.statusCode;
  for (const [name, value] of Object.entries(decision.headers)) response.setHeader(name, value);
  response.end(decision.body);
}
