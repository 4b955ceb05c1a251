/** The query parameter `successUrl` carries the token in (API.md). */
export const TOKEN_PARAM = 'wr_token';

export interface TokenInUrl {
  /** The first `wr_token`'s value, or null when the URL has none. */
  token: string | null;
  /** The same path and query without any `wr_token`, the rest byte for byte: where to redirect. */
  cleanUrl: string;
}

/**
 * Finds `wr_token` in a request's URL (path and query, as the server received it) and the URL
 * without it. The other parameters keep their spelling: re-encoding them could change what the
 * page reads.
 */
export function takeTokenFromUrl(requestUrl: string): TokenInUrl {
  const { path, query } = splitUrl(requestUrl);
  const safePath = sameOriginPath(path);
  if (query === null) return { token: null, cleanUrl: safePath };
  let token: string | null = null;
  const kept: string[] = [];
  for (const part of query.split('&')) {
    const equals = part.indexOf('=');
    const name = decode(equals === -1 ? part : part.slice(0, equals));
    if (name !== TOKEN_PARAM) {
      kept.push(part);
      continue;
    }
    const value = equals === -1 ? '' : decode(part.slice(equals + 1));
    if (token === null && value !== null && value !== '') token = value;
  }
  return { token, cleanUrl: kept.length ? `${safePath}?${kept.join('&')}` : safePath };
}

function splitUrl(requestUrl: string): { path: string; query: string | null } {
  let url = requestUrl;
  // An absolute-form request target (through some proxies): keep only the path and query.
  if (!url.startsWith('/')) {
    try {
      const parsed = new URL(url);
      url = `${parsed.pathname}${parsed.search}`;
    } catch {
      url = '/';
    }
  }
  const hash = url.indexOf('#');
  if (hash !== -1) url = url.slice(0, hash);
  const question = url.indexOf('?');
  return question === -1 ? { path: url, query: null } : { path: url.slice(0, question), query: url.slice(question + 1) };
}

/**
 * A path a `Location` header cannot turn into another site: `//evil.example/x` (or `/\evil…`,
 * which browsers read alike) would be a protocol-relative URL.
 */
function sameOriginPath(path: string): string {
  return `/${path.replace(/^[/\\]+/, '')}`;
}

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}
