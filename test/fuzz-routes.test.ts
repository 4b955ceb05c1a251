/**
 * Property-based fuzzing of every route the OpenAPI document lists (issue 13, section 4): each
 * generated request carries at least one thing that is bad (a path id, a query value, the admin
 * key, the body, or, on reads, the headers) and the app must answer it with a 4xx (or a 2xx for a
 * harmless read), never a 5xx, within a few seconds, and change nothing an admin can see.
 *
 * Fixed seed, so a run is repeatable; FUZZ_SEED picks another, FUZZ_RUNS another request count.
 * A failure prints the seed and the shrunk request that broke the rule.
 */
import { jest } from '@jest/globals';
import fc from 'fast-check';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { admin, ADMIN_KEY, createBacking, startFoyer, type FoyerBacking, type RunningFoyer } from './support/foyer.js';
import { settledState } from './support/observable-state.js';
import { uniqueEventId } from './support/visitors.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_207);
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
/** An answer slower than this is a hang. */
const REQUEST_TIMEOUT_MS = 5_000;

jest.setTimeout(600_000);

interface Operation {
  method: string;
  /** The OpenAPI path, `{name}` for each path parameter. */
  path: string;
  pathParams: string[];
  queryParams: string[];
  admin: boolean;
  /** The documented body: its schema's properties (name → type), required names, first example. */
  body?: { properties: Record<string, string | undefined>; required: string[]; example: Record<string, unknown> };
  /** Ingest routes take any JSON: what makes their body bad is different. */
  ingest: boolean;
}

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** What was made bad, for the report of a failure. */
  bad: string;
}

/** Routes that take a body but only read: `verify` answers 200 with `valid: false` for any token it refuses. */
const READS_BY_POST = new Set(['/v1/active/verify']);

type Kind = 'path' | 'query' | 'auth' | 'body' | 'headers';

// ---------------------------------------------------------------- the document

type Json = Record<string, any>;

function operationsOf(document: Json): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths as Json)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const operation = item[method] as Json | undefined;
      if (!operation) continue;
      const parameters = (operation.parameters ?? []) as { in: string; name: string }[];
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        admin: ((operation.security ?? []) as Json[]).some((requirement) => 'admin' in requirement),
        body: operation.requestBody ? bodyOf(document, operation.requestBody) : undefined,
        ingest: path.startsWith('/v1/ingest/'),
      });
    }
  }
  return operations;
}

function bodyOf(document: Json, requestBody: Json): Operation['body'] {
  const media = (requestBody.content['application/json'] ?? Object.values(requestBody.content)[0]) as Json;
  let schema = media.schema as Json;
  if (schema.$ref) schema = document.components.schemas[String(schema.$ref).split('/').pop()!];
  const examples = Object.values((media.examples ?? {}) as Json) as { value: Record<string, unknown> }[];
  const properties = Object.fromEntries(
    Object.entries((schema.properties ?? {}) as Json).map(([name, property]) => [
      name,
      (property.type ?? (property.enum ? 'string' : undefined)) as string | undefined,
    ]),
  );
  return { properties, required: (schema.required ?? []) as string[], example: examples[0]?.value ?? {} };
}

// ---------------------------------------------------------------- generators

/** Path segments, already percent-encoded, that name nothing that exists. */
const badPathId = fc.oneof(
  fc.constantFrom(
    '%00',
    'a%00b',
    '%00%00%00',
    '%ED%A0%80',
    '%C0%AF',
    '%FF',
    '%',
    '%zz',
    '%25',
    '..',
    '.',
    '%2e%2e',
    'x'.repeat(5_000),
    '%F0%9F%98%80'.repeat(300),
  ),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }).map((text) => encodeURIComponent(text)),
  fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 40 }).map((text) => encodeURIComponent(text)),
);

/** Query values: numbers far out of range, not numbers at all, and text the stores cannot hold. */
const badQueryValue = fc.oneof(
  fc.constantFrom(
    '9223372036854775807',
    '9223372036854775808',
    '-9223372036854775809',
    '1e309',
    '-1',
    '1.5',
    'NaN',
    'Infinity',
    '0x10',
    '',
    ' 5',
    '%00',
    '%ED%A0%80',
  ),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
  fc.double().map(String),
  fc.string({ unit: 'grapheme', maxLength: 40 }).map((text) => encodeURIComponent(text)),
  fc.constant('9'.repeat(5_000)),
);

/** Printable ASCII only: what `fetch` lets a header carry. */
const headerText = (maxLength: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength });

/** Authorization headers that are not the admin key (`null`: none at all). */
const badAdminAuth = fc.oneof(
  fc.constant(null),
  fc.constantFrom(
    '',
    'Bearer',
    'Bearer ',
    'Basic dGVzdDp0ZXN0',
    `Bearer ${ADMIN_KEY}x`,
    `Bearer ${ADMIN_KEY.slice(1)}`,
    ADMIN_KEY,
    `Bearer ${ADMIN_KEY} extra`,
    `Bearer ${'k'.repeat(8_000)}`,
  ),
  headerText(200).map((text) => `Bearer ${text}`),
  headerText(200),
);

const junkHeaders = fc.record(
  {
    'content-type': fc.oneof(
      fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/json; charset=utf-16',
        'application/xml',
        '*/*',
        '',
      ),
      headerText(100),
    ),
    accept: headerText(100),
    'x-request-id': headerText(300),
    authorization: fc.oneof(fc.constantFrom('Bearer', 'Bearer x.y.z', 'Negotiate abc'), headerText(300)),
    'x-forwarded-for': fc.oneof(fc.constantFrom('::ffff:0:7f00:1', '999.1.1.1', 'unknown'), headerText(60)),
  },
  { requiredKeys: [] },
);

/** A JSON value nested far deeper than the 32 levels any route allows. */
const deepJson = fc
  .integer({ min: 33, max: 20_000 })
  .chain((depth) => fc.constantFrom('[', '{"a":').map((open) => open.repeat(depth) + '1' + (open === '[' ? ']' : '}').repeat(depth)));

/** A JSON value of another type than `type` (never null: some fields take null to clear them). */
function wrongTypeFor(type: string | undefined): fc.Arbitrary<unknown> {
  const anyOf = {
    string: fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
    ),
    integer: fc.oneof(fc.string(), fc.boolean(), fc.constantFrom(1.5, -0.25, 1e300, -1e300, 2 ** 63, 2 ** 53 + 2), fc.array(fc.integer(), { maxLength: 3 })),
    boolean: fc.oneof(fc.string(), fc.integer(), fc.constantFrom('true', 'false', 0, 1), fc.array(fc.boolean(), { maxLength: 2 })),
  } as Record<string, fc.Arbitrary<unknown>>;
  return anyOf[type ?? ''] ?? fc.constant(undefined);
}

/** Text the stores cannot hold, inside an otherwise ordinary string. */
const unstorableText = fc
  .tuple(fc.string({ maxLength: 20 }), fc.constantFrom('\u0000', '\ud800', '\udfff', 'a\udc00b'), fc.string({ maxLength: 20 }))
  .map((parts) => parts.join(''));

/** A body that no route of `operation` may accept, as JSON text (or not JSON at all), with its content type. */
function badBody(operation: Operation): fc.Arbitrary<{ body: string; contentType: string; bad: string }> {
  const shape = operation.body!;
  const json = (value: unknown, bad: string) => ({ body: JSON.stringify(value), contentType: 'application/json', bad });
  const typed = Object.entries(shape.properties).filter(([, type]) => type === 'string' || type === 'integer' || type === 'boolean');
  const strings = typed.filter(([, type]) => type === 'string').map(([name]) => name);
  const known = new Set([...Object.keys(shape.properties), 'group', '__proto__', 'constructor', 'prototype']);
  const choices: fc.Arbitrary<{ body: string; contentType: string; bad: string }>[] = [
    fc.string({ maxLength: 60 }).map((text) => ({ body: `{${text}`, contentType: 'application/json', bad: 'not JSON' })),
    deepJson.map((deep) => ({ body: `{"eventId":"x","deep":${deep}}`, contentType: 'application/json', bad: 'nested too deep' })),
    deepJson.map((deep) => ({ body: deep, contentType: 'application/json', bad: 'a deep array as the body' })),
    fc.constant({ body: JSON.stringify({ ...shape.example, huge: 'x'.repeat(70_000) }), contentType: 'application/json', bad: 'over 64 KiB' }),
  ];
  if (!operation.ingest) {
    choices.push(
      fc
        .oneof(
          fc.constantFrom('null', '[]', '"text"', '42', 'true'),
          fc.array(fc.jsonValue(), { maxLength: 3 }).map((value) => JSON.stringify(value)),
        )
        .map((body) => ({ body, contentType: 'application/json', bad: 'not an object' })),
      fc
        .tuple(
          fc.string({ minLength: 1, maxLength: 30 }).filter((key) => !known.has(key)),
          fc.jsonValue({ maxDepth: 2 }),
        )
        .map(([key, value]) => json({ ...shape.example, [key]: value }, `an unknown field ${JSON.stringify(key)}`)),
      fc
        .tuple(fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'text/html'), fc.constant(JSON.stringify(shape.example)))
        .map(([contentType, body]) => ({ body, contentType, bad: `sent as ${contentType}` })),
    );
    if (typed.length > 0) {
      choices.push(
        fc
          .constantFrom(...typed)
          .chain(([name, type]) => wrongTypeFor(type).map((value) => json({ ...shape.example, [name]: value }, `${name} of the wrong type`))),
      );
    }
    if (shape.required.length > 0) {
      choices.push(
        fc.constantFrom(...shape.required).map((name) => {
          const { [name]: _missing, ...rest } = { ...shape.example };
          return json(rest, `${name} missing`);
        }),
      );
    }
    if (strings.length > 0) {
      choices.push(
        fc
          .tuple(fc.constantFrom(...strings), unstorableText)
          .map(([name, text]) => json({ ...shape.example, [name]: text }, `${name} with NUL or a lone surrogate`)),
        fc
          .tuple(fc.constantFrom(...strings), fc.integer({ min: 5_000, max: 60_000 }))
          .map(([name, length]) => json({ ...shape.example, [name]: 'x'.repeat(length) }, `${name} of ${length} characters`)),
      );
    }
  } else {
    // Ingest routes take any JSON under any type; a body is bad when it has no group at `/group`.
    choices.push(
      fc
        .dictionary(
          fc.string({ maxLength: 20 }).filter((key) => key !== 'group'),
          fc.jsonValue({ maxDepth: 3 }),
          { maxKeys: 5 },
        )
        .map((value) => json(value, 'no group in the body')),
      fc
        .oneof(fc.constant(null), fc.boolean(), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 }), fc.constant({}))
        .map((group) => json({ group }, 'a group that is no string or number')),
    );
  }
  return fc.oneof(...choices);
}

// ---------------------------------------------------------------- requests

/** Good values for path parameters, so a request is bad only where it is meant to be. */
interface Known {
  eventId: string;
  routeId: string;
  token: string;
}

function goodPathValue(name: string, known: Known): string {
  const values: Record<string, string> = { eventId: known.eventId, routeId: known.routeId, token: known.token, messageId: 'cb_no-such-message', groupId: 'g1' };
  return values[name] ?? 'x';
}

function requestsFor(operation: Operation, known: Known): fc.Arbitrary<FuzzRequest> {
  const kinds: Kind[] = [];
  if (operation.pathParams.length > 0) kinds.push('path');
  if (operation.queryParams.length > 0) kinds.push('query');
  if (operation.admin) kinds.push('auth');
  if (operation.body) kinds.push('body');
  if (operation.method === 'GET') kinds.push('headers');
  const base = (): FuzzRequest => {
    const path = operation.path.replace(/\{([^}]+)\}/g, (_whole, name: string) => encodeURIComponent(goodPathValue(name, known)));
    const headers: Record<string, string> = operation.admin ? { authorization: `Bearer ${ADMIN_KEY}` } : {};
    const request: FuzzRequest = { method: operation.method, path, headers, bad: '' };
    if (operation.body) {
      request.body = JSON.stringify(operation.body.example);
      request.headers['content-type'] = 'application/json';
    }
    return request;
  };
  return fc.constantFrom(...kinds).chain((kind): fc.Arbitrary<FuzzRequest> => {
    switch (kind) {
      case 'path':
        return fc.tuple(fc.constantFrom(...operation.pathParams), badPathId).map(([name, value]) => {
          const request = base();
          const path = operation.path.replace(/\{([^}]+)\}/g, (_whole, param: string) =>
            param === name ? value : encodeURIComponent(goodPathValue(param, known)),
          );
          return { ...request, path, bad: `path ${name}=${value.slice(0, 80)}` };
        });
      case 'query':
        return fc.tuple(fc.constantFrom(...operation.queryParams), badQueryValue).map(([name, value]) => {
          const request = base();
          return { ...request, path: `${request.path}?${encodeURIComponent(name)}=${value}`, bad: `query ${name}=${value.slice(0, 80)}` };
        });
      case 'auth':
        return badAdminAuth.map((authorization) => {
          const request = base();
          const headers = { ...request.headers };
          delete headers.authorization;
          if (authorization !== null) headers.authorization = authorization;
          return { ...request, headers, bad: `authorization ${JSON.stringify(authorization?.slice(0, 60))}` };
        });
      case 'body':
        return badBody(operation).map(({ body, contentType, bad }) => {
          const request = base();
          return { ...request, body, headers: { ...request.headers, 'content-type': contentType }, bad: `body: ${bad}` };
        });
      case 'headers':
        return junkHeaders.map((junk) => {
          const request = base();
          // The admin key stays on admin reads: the junk is what is being tried.
          const headers = operation.admin ? { ...junk, authorization: `Bearer ${ADMIN_KEY}` } : junk;
          return { ...request, headers: { ...request.headers, ...headers }, bad: `headers ${JSON.stringify(junk).slice(0, 200)}` };
        });
    }
  });
}

/** The answer's status, or a thrown error that says the request hung. */
async function send(baseUrl: string, request: FuzzRequest): Promise<number> {
  try {
    const response = await fetch(baseUrl + request.path, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') {
      throw new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms (a hang): ${summary(request)}`, { cause: error });
    }
    throw error;
  }
}

function summary(request: FuzzRequest): string {
  return `${request.method} ${request.path.slice(0, 200)} (${request.bad})`;
}

// ---------------------------------------------------------------- the suite

describe('fuzzing every documented route with bad input (redis store)', () => {
  let backing: FoyerBacking;
  let foyer: RunningFoyer;
  let known: Known;

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    backing = await createBacking('redis');
    foyer = await startFoyer(backing);
    const eventId = uniqueEventId('fuzz');
    expect((await admin(foyer.http).createEvent({ eventId, name: 'Fuzz', limitCnt: 1 })).status).toBe(201);
    const route = await foyer.http.post('/v1/admin/callback-routes', { callbackUrl: 'https://93.184.215.14/hook', groupFrom: '/group' }, { token: ADMIN_KEY });
    expect(route.status).toBe(201);
    known = { eventId, routeId: route.body.routeId, token: String(route.body.ingestUrl).split('/').pop()! };
  }, 120_000);

  afterAll(async () => {
    await foyer?.close();
    await backing?.dispose();
  });

  it('answers every generated bad request without a 5xx or a hang, and changes nothing', async () => {
    const document = (await foyer.http.get('/docs-json')).body as Json;
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThanOrEqual(30);
    const before = await settledState(foyer.url);

    const statuses = new Map<number, number>();
    const operationsHit = new Set<string>();
    let requests = 0;
    let serverErrors = 0;
    const anyRequest = fc.constantFrom(...operations).chain((operation) => requestsFor(operation, known).map((request) => ({ operation, request })));
    await fc.assert(
      fc.asyncProperty(anyRequest, async ({ operation, request }) => {
        const status = await send(foyer.url, request);
        requests += 1;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        operationsHit.add(`${operation.method} ${operation.path}`);
        if (status >= 500) {
          serverErrors += 1;
          throw new Error(`${status} for ${summary(request)}`);
        }
        // Every write carries something bad: accepting one is a state change, whatever the status.
        if (request.method !== 'GET' && !READS_BY_POST.has(request.path) && status < 300)
          throw new Error(`${status}: a bad write was accepted: ${summary(request)}`);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );

    const byStatus = [...statuses.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`);
    process.stdout.write(
      `fuzz: ${requests} requests (seed ${SEED}) over ${operationsHit.size} of ${operations.length} operations; 5xx: ${serverErrors}; statuses ${byStatus.join(' ')}\n`,
    );
    expect(serverErrors).toBe(0);
    expect(operationsHit.size).toBe(operations.length);
    expect(await settledState(foyer.url)).toEqual(before);
  });
});
