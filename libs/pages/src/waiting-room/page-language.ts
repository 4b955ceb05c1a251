/** The languages the waiting-room page speaks. */
export const PAGE_LANGUAGES = ['en', 'ko'] as const;
export type PageLanguage = (typeof PAGE_LANGUAGES)[number];

export const DEFAULT_LANGUAGE: PageLanguage = 'en';

/** Remembers a visitor's explicit choice (`?lang=`), so the server renders it on the next visit. */
export const LANGUAGE_COOKIE = 'wr_lang';

export function isPageLanguage(value: unknown): value is PageLanguage {
  return typeof value === 'string' && (PAGE_LANGUAGES as readonly string[]).includes(value);
}

export interface LanguageHints {
  /** `?lang=`: the visitor's explicit choice. */
  query?: string;
  /** The `cookie` request header. */
  cookie?: string;
  acceptLanguage?: string;
}

/** The visitor's choice first (this request's `?lang=`, then the cookie), then the browser's preference. */
export function choosePageLanguage(hints: LanguageHints): PageLanguage {
  if (isPageLanguage(hints.query)) return hints.query;
  const remembered = cookieValue(hints.cookie, LANGUAGE_COOKIE);
  if (isPageLanguage(remembered)) return remembered;
  return fromAcceptLanguage(hints.acceptLanguage) ?? DEFAULT_LANGUAGE;
}

/** The best supported language of an `Accept-Language` header (RFC 9110: by weight, then order). */
export function fromAcceptLanguage(header: string | undefined): PageLanguage | null {
  if (!header) return null;
  const ranges = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=(.*)$/i.exec(p)).find(Boolean);
      // A weight that is not a number counts as 0: that range is not acceptable.
      const weight = q ? Number(q[1].trim() || 'x') : 1;
      return { primary: tag.trim().toLowerCase().split('-')[0] ?? '', weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((range) => range.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const range of ranges) {
    if (isPageLanguage(range.primary)) return range.primary;
  }
  return null;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}
