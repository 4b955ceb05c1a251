import { performance } from 'node:perf_hooks';
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { FoyerError, validationFailed } from '@foyer/domain';
import { forbiddenAddressReason } from './forbidden-address.js';

/** How a host name is resolved: every address, as `dns.lookup(host, { all: true })` gives them. */
export type ResolveAll = (hostname: string) => Promise<LookupAddress[]>;

/** Node's `lookup` option of `net.connect` / `http.request`. */
export type ConnectLookup = (
  hostname: string,
  options: LookupOptions,
  callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

const resolveWithDns: ResolveAll = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));

/** How long an accepted host's answer is reused at acceptance (connections check again anyway). */
const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;

export const MAX_CALLBACK_URL_LENGTH = 2048;

/** Raised when connecting would reach a forbidden address: a failed attempt, like a refused connection. */
export class ForbiddenAddressError extends Error {
  readonly code = 'CALLBACK_URL_FORBIDDEN';
}

/**
 * Which callback URLs may be used, checked twice: when a message or route is accepted (the host
 * and every address it resolves to), and again on every connection (`connectLookup`), so a name
 * that resolves elsewhere later (DNS rebinding) is still refused.
 */
export class CallbackUrlPolicy {
  private readonly cache = new Map<string, { reason: string | null; until: number }>();

  constructor(
    readonly allowPrivate: boolean,
    private readonly resolveAll: ResolveAll = resolveWithDns,
  ) {}

  /** A parsed http(s) URL, or `400 VALIDATION_FAILED` naming `field`. */
  static parse(url: string, field = 'callbackUrl'): URL {
    const fail = (message: string) => validationFailed([{ field, message }]);
    if (url.length > MAX_CALLBACK_URL_LENGTH) throw fail(`${field} must be at most ${MAX_CALLBACK_URL_LENGTH} characters`);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw fail(`${field} must be an http(s) URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw fail(`${field} must be an http(s) URL`);
    if (parsed.hostname === '') throw fail(`${field} must name a host`);
    return parsed;
  }

  /** Throws `400 CALLBACK_URL_FORBIDDEN` when the URL's host is or resolves to a forbidden address. */
  async check(url: string, field = 'callbackUrl'): Promise<void> {
    const parsed = CallbackUrlPolicy.parse(url, field);
    if (this.allowPrivate) return;
    const reason = await this.hostReason(parsed.hostname);
    if (reason !== null) {
      // Names the setting: on a developer's machine a localhost receiver is the usual case.
      throw new FoyerError(
        'CALLBACK_URL_FORBIDDEN',
        `${field} '${parsed.hostname}' is not allowed: ${reason} (set CALLBACK_ALLOW_PRIVATE=true to allow private and loopback addresses, for development or a private network)`,
      );
    }
  }

  /** Why a connection to this host literal must not be made, or null (the connect-time check of literals). */
  literalReason(hostname: string): string | null {
    if (this.allowPrivate || isIP(unbracket(hostname)) === 0) return null;
    return forbiddenAddressReason(hostname);
  }

  /** A `lookup` for `http.request` that refuses names resolving to any forbidden address. */
  readonly connectLookup: ConnectLookup = (hostname, options, callback) => {
    this.resolveAll(hostname).then(
      (addresses) => {
        const bad = this.allowPrivate ? undefined : addresses.find((entry) => forbiddenAddressReason(entry.address) !== null);
        if (bad) {
          const reason = forbiddenAddressReason(bad.address);
          callback(new ForbiddenAddressError(`'${hostname}' resolves to ${bad.address}, a forbidden ${reason}`), '');
          return;
        }
        const family = (options as LookupAllOptions).family;
        const usable = addresses.filter((entry) => !family || family === entry.family);
        if (usable.length === 0) {
          const err: NodeJS.ErrnoException = new Error(`no address for '${hostname}'`);
          err.code = 'ENOTFOUND';
          callback(err, '');
        } else if ((options as LookupAllOptions).all) {
          callback(null, usable);
        } else {
          callback(null, usable[0].address, usable[0].family);
        }
      },
      (err: NodeJS.ErrnoException) => callback(err, ''),
    );
  };

  private async hostReason(hostname: string): Promise<string | null> {
    const host = unbracket(hostname);
    if (isIP(host) !== 0) return forbiddenAddressReason(host);
    const cached = this.cache.get(host);
    // Cache ages are elapsed time, so they are measured on the monotonic timer.
    if (cached && cached.until > performance.now()) return cached.reason;
    let reason: string | null;
    try {
      const addresses = await this.resolveAll(host);
      const bad = addresses.find((entry) => forbiddenAddressReason(entry.address) !== null);
      reason = bad ? `it resolves to ${bad.address}, a ${forbiddenAddressReason(bad.address)}` : null;
    } catch {
      // A name that does not resolve now is not refused: it may resolve later, and every
      // connection checks what it resolves to then.
      return null;
    }
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(host, { reason, until: performance.now() + CACHE_TTL_MS });
    return reason;
  }
}

function unbracket(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}
