/**
 * A header value for an id that may hold any Unicode (group ids made from user ids): printable
 * ASCII stays as it is, every other character and `%` itself are percent-encoded (UTF-8), so
 * `decodeURIComponent` always gives the id back and ASCII ids read unchanged.
 */
export function headerSafe(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    out += code >= 0x20 && code <= 0x7e && char !== '%' ? char : encodeURIComponent(char);
  }
  return out;
}
