import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE, validationFailed, type FieldProblem } from '@foyer/domain';

/** Flattens class-validator's tree into one problem per bad field, named by its path. */
export function toFieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const field = error.property ? (parent ? `${parent}.${error.property}` : error.property) : parent || 'body';
    const constraints = Object.values(error.constraints ?? {});
    // A required field that is missing fails every rule it has; the one thing to say is that it is missing.
    const missing = constraints.length > 0 && error.value === undefined && error.property !== undefined;
    if (constraints.length > 0) problems.push({ field, message: missing ? `${field} is required` : rulesBroken(error).join('; ') });
    if (error.children?.length) problems.push(...toFieldProblems(error.children, field));
  }
  return problems;
}

/**
 * A value of the wrong type fails every rule of its field (`"limitCnt": "5"` is neither an integer
 * nor within 0..1,000,000); only the type is wrong, so only the type is named. A value of the right
 * type is told every rule it breaks.
 */
const TYPE_RULES = new Set(['isInt', 'isNumber', 'isString', 'isBoolean', 'isIn', 'isEnum', 'isObject', 'isArray', 'isDateString', 'isISO8601']);

function rulesBroken(error: ValidationError): string[] {
  const broken = Object.entries(error.constraints ?? {});
  const typeRules = broken.filter(([rule]) => TYPE_RULES.has(rule));
  return (typeRules.length > 0 ? typeRules : broken).map(([, message]) => message);
}

/** Deeper than any request shape of the API; a deeper body would exhaust class-transformer's stack. */
export const MAX_BODY_DEPTH = 32;

/** How deeply a parsed JSON value nests (iteratively, so a hostile body cannot overflow it). */
export function jsonDepth(value: unknown, limit = Infinity): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * The first string in `value` (at any depth, keys included) that no store can hold, named by its
 * path (`name`, `body.a.0`), or null. Iterative; call it on a value whose depth is already bounded.
 */
export function unstorableField(value: unknown, root: string): string | null {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [current, path] = stack.pop()!;
    if (typeof current === 'string') {
      if (!isStorableText(current)) return path;
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    for (const [key, child] of Object.entries(current)) {
      const childPath = path ? `${path}.${key}` : key;
      if (!isStorableText(key)) return childPath;
      stack.push([child, childPath]);
    }
  }
  return null;
}

/**
 * Refuses, as validation failures before the DTO transform sees them: over-deep bodies, and any
 * string of a body, query or path id that the stores cannot hold (a NUL byte would reach
 * PostgreSQL, which refuses it with an error the caller would see as a 500).
 */
class FoyerValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Every request shape is an object: Nest would read `null` as `{}` (a PATCH that changes nothing, answered 200).
    if (metadata.type === 'body' && isShape(metadata.metatype) && value !== undefined && !isPlainObject(value)) {
      throw validationFailed([{ field: 'body', message: 'the body must be a JSON object' }]);
    }
    const inherited = metadata.type === 'body' && isShape(metadata.metatype) && isPlainObject(value) ? inheritedName(value as object) : undefined;
    if (inherited !== undefined) throw validationFailed([{ field: inherited, message: `property ${inherited} should not exist` }]);
    if (metadata.type === 'body' && jsonDepth(value, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) {
      throw validationFailed([{ field: 'body', message: `the body nests deeper than ${MAX_BODY_DEPTH} levels` }]);
    }
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const found = unstorableField(value, metadata.data ?? '');
      const field = found || metadata.type;
      if (found !== null) throw validationFailed([{ field, message: `${field} ${UNSTORABLE_TEXT_MESSAGE}` }]);
    }
    return super.transform(value, metadata);
  }
}

/**
 * A body field named like a member of every object (`valueOf`, `toString`, `constructor`): the DTO
 * transform skips such keys silently, so whitelisting never sees them and the body would pass.
 */
function inheritedName(body: object): string | undefined {
  return Object.keys(body).find((key) => key in Object.prototype);
}

function isShape(metatype: ArgumentMetadata['metatype']): boolean {
  return typeof metatype === 'function' && ![Object, String, Number, Boolean, Array].includes(metatype as never);
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Strict DTO validation: unknown fields, wrong types and values out of range are `400 VALIDATION_FAILED`. */
export function createValidationPipe(): ValidationPipe {
  return new FoyerValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    // `value` only to tell a missing field from a bad one; it never reaches the answer.
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => validationFailed(toFieldProblems(errors)),
  });
}
