/** RFC 6901: `/a/0/b~1c` names `doc.a[0]["b/c"]`. The empty pointer (the whole document) is not used here. */
export const JSON_POINTER_PATTERN = /^(\/([^~]|~[01])*)+$/;

export function isJsonPointer(value: string): boolean {
  return JSON_POINTER_PATTERN.test(value);
}

/** The value `pointer` names in `document`, or undefined when there is none. */
export function resolveJsonPointer(document: unknown, pointer: string): unknown {
  if (!isJsonPointer(pointer)) return undefined;
  let current: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else if (current !== null && typeof current === 'object' && Object.prototype.hasOwnProperty.call(current, token)) {
      current = (current as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return current;
}

/** A group id read from a body: a string, or a finite number written as JSON writes it. */
export function groupFromValue(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}
