/** What is left to write: a piece of text as it is, or a value still to be serialised. */
type Pending = { text: string } | { value: unknown };

/**
 * JSON with object keys sorted at every depth and no whitespace, so two bodies that differ only in
 * key order (or formatting) have the same text. Used to decide whether a repeated `messageId` came
 * with the same content. Iterative, with its own stack: a caller's body, however deeply it nests,
 * cannot drive it into the call stack's limit.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  const work: Pending[] = [{ value }];
  while (work.length > 0) {
    const next = work.pop()!;
    if ('text' in next) out.push(next.text);
    else pushInReverse(work, serialise(next.value, out));
  }
  return out.join('');
}

/** Writes a scalar to `out` at once; for an array or object, what its text is made of, in order. */
function serialise(value: unknown, out: string[]): Pending[] {
  if (value === null || typeof value !== 'object') {
    // JSON.stringify gives numbers and strings their one canonical JSON spelling.
    out.push(JSON.stringify(value) ?? 'null');
    return [];
  }
  if (Array.isArray(value)) {
    const parts: Pending[] = [{ text: '[' }];
    value.forEach((element: unknown, index) => parts.push(...(index > 0 ? [{ text: ',' }] : []), { value: element }));
    return [...parts, { text: ']' }];
  }
  const record = value as Record<string, unknown>;
  const parts: Pending[] = [{ text: '{' }];
  Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .forEach((key, index) => parts.push({ text: `${index > 0 ? ',' : ''}${JSON.stringify(key)}:` }, { value: record[key] }));
  return [...parts, { text: '}' }];
}

/** Onto a stack that is popped from the end, so the first part comes off first. */
function pushInReverse(stack: Pending[], parts: Pending[]): void {
  for (let index = parts.length - 1; index >= 0; index--) stack.push(parts[index]);
}
