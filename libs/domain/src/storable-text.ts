/**
 * Text every store can hold as it is: PostgreSQL refuses U+0000 (NUL) in text and JSON, and a lone
 * UTF-16 surrogate has no UTF-8 form (drivers silently turn it into U+FFFD, so what is read back
 * is not what was written). Every string a request carries (body, query, path id) is checked
 * against this before anything runs.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

export const UNSTORABLE_TEXT_MESSAGE = 'must not contain NUL (U+0000) or an unpaired UTF-16 surrogate';
