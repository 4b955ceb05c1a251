/**
 * Checks an answer against the OpenAPI document of the app that gave it: the document it serves at
 * /docs-json (fetched once per base URL), the operation of the request's path and method, and the
 * response documented for the answer's status. An undocumented status, or a JSON body that does not
 * match the documented schema, is an error. Answers that are not JSON (metrics, pages, SSE) are
 * checked for their status only; paths the document does not name, and CORS preflights, not at all.
 * An app that serves no /docs-json (a worker) is not checked.
 */
import { appendFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// A CommonJS package: under jest's ESM mode its function is the default export's `default`.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
type OpenApiDocument = { paths: Record<string, Record<string, Operation>> };

/** What the check of one answer found: `checked` is false where nothing was compared. */
export interface ResponseCheck {
  checked: boolean;
  operation?: string;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch']);

class DocumentValidator {
  private readonly ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true });
  private readonly routes: { pattern: RegExp; path: string }[];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {
    addFormats(this.ajv);
    this.ajv.addSchema(document, 'openapi.json');
    this.routes = Object.keys(document.paths).map((path) => ({
      path,
      pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
    }));
  }

  check(method: string, url: string, status: number, contentType: string | null, text: string, body: unknown): ResponseCheck {
    const lower = method.toLowerCase();
    if (!METHODS.has(lower)) return { checked: false };
    const pathname = new URL(url, 'http://x').pathname;
    // The most specific documented path (fewest parameters) that matches.
    const route = this.routes.filter((r) => r.pattern.test(pathname)).sort((a, b) => paramCount(a.path) - paramCount(b.path))[0];
    const operation = route && this.document.paths[route.path][lower];
    if (!route || !operation) return { checked: false };
    const name = `${method.toUpperCase()} ${route.path}`;
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((candidate) => operation.responses[candidate]);
    if (!key) {
      throw new Error(
        `${name} answered ${status}, which its OpenAPI document does not list (${Object.keys(operation.responses).join(', ')}): ${text.slice(0, 300)}`,
      );
    }
    const isJson = /^application\/(.+\+)?json\b/.test(contentType ?? '');
    if (!isJson || text === '') return { checked: true, operation: name };
    const pointer = `#/paths/${escape(route.path)}/${lower}/responses/${escape(key)}/content/application~1json/schema`;
    if (!operation.responses[key].content?.['application/json']?.schema) {
      throw new Error(`${name} answered ${status} with a JSON body, but its OpenAPI document gives that answer no JSON schema: ${text.slice(0, 300)}`);
    }
    const validate = this.compiled.get(pointer) ?? this.ajv.compile({ $ref: `openapi.json${pointer}` });
    this.compiled.set(pointer, validate);
    if (!validate(body)) {
      const problems = (validate.errors ?? [])
        .map((e: ErrorObject) => `${e.instancePath || '(body)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
        .join('; ');
      throw new Error(`${name} answered ${status} with a body its OpenAPI document does not allow: ${problems}\nbody: ${text.slice(0, 500)}`);
    }
    return { checked: true, operation: name };
  }
}

function paramCount(path: string): number {
  return (path.match(/\{/g) ?? []).length;
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

const validators = new Map<string, Promise<DocumentValidator | null>>();

/** The validator of the app at `baseUrl`, or null when it serves no OpenAPI document. */
export function validatorFor(baseUrl: string): Promise<DocumentValidator | null> {
  let validator = validators.get(baseUrl);
  if (!validator) {
    validator = fetch(`${baseUrl}/docs-json`)
      .then(async (response) => {
        if (response.status !== 200 || !/json/.test(response.headers.get('content-type') ?? '')) return null;
        return new DocumentValidator((await response.json()) as OpenApiDocument);
      })
      .catch(() => null);
    // An app restarted on the same port may serve another document only if the code changed: not within a test run.
    validators.set(baseUrl, validator);
  }
  return validator;
}

export async function checkAnswer(
  baseUrl: string,
  method: string,
  path: string,
  answer: { status: number; headers: Headers; text: string; body: unknown },
): Promise<void> {
  const validator = await validatorFor(baseUrl);
  if (!validator) return;
  const result = validator.check(method, path, answer.status, answer.headers.get('content-type'), answer.text, answer.body);
  // FOYER_OPENAPI_CHECK_LOG=<file> appends one line per answer: what was checked, and what not.
  const log = process.env.FOYER_OPENAPI_CHECK_LOG;
  if (log) appendFileSync(log, `${result.checked ? 'checked' : 'skipped'} ${result.operation ?? `${method} ${path.split('?')[0]}`} ${answer.status}\n`);
}
