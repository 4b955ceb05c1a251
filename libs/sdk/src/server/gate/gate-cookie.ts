export interface SessionCookie {
  name: string;
  path: string;
  secure: boolean;
}

/**
 * The admitted session's cookie: HttpOnly (no script reads the token), SameSite=Lax (sent on the
 * top-level navigation that comes back from the waiting room), Secure on https, and gone when
 * the token expires.
 */
export function sessionCookie(cookie: SessionCookie, token: string, maxAgeSec: number): string {
  return serialize(cookie, token, Math.max(1, Math.floor(maxAgeSec)));
}

/** Removes the session cookie (a refused token is not sent again). */
export function clearedCookie(cookie: SessionCookie): string {
  return serialize(cookie, '', 0);
}

function serialize(cookie: SessionCookie, value: string, maxAgeSec: number): string {
  const attributes = [`${cookie.name}=${value}`, `Max-Age=${maxAgeSec}`, `Path=${cookie.path}`, 'HttpOnly', 'SameSite=Lax'];
  if (cookie.secure) attributes.push('Secure');
  return attributes.join('; ');
}

/** The value of cookie `name` in a `cookie` header, or null. The first one wins, as in browsers' path order. */
export function readCookie(header: string | string[] | undefined, name: string): string | null {
  const text = Array.isArray(header) ? header.join('; ') : header;
  if (!text) return null;
  for (const pair of text.split(';')) {
    const equals = pair.indexOf('=');
    if (equals === -1 || pair.slice(0, equals).trim() !== name) continue;
    let value = pair.slice(equals + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    return value === '' ? null : value;
  }
  return null;
}
