import { isIPv4, isIPv6 } from 'node:net';

/**
 * Addresses a callback may not reach unless CALLBACK_ALLOW_PRIVATE=true: anything that is not a
 * public unicast address (loopback, private, link-local with the cloud metadata services,
 * unspecified, carrier-grade NAT, unique-local, multicast, reserved), in IPv4 and IPv6, and IPv4
 * addresses carried inside IPv6 (mapped, translated, compatible, NAT64, 6to4) are judged as the IPv4 they carry.
 */

interface Range {
  bytes: number[];
  prefix: number;
  why: string;
}

const V4_RANGES: Range[] = [
  v4('0.0.0.0', 8, 'unspecified'),
  v4('10.0.0.0', 8, 'private'),
  v4('100.64.0.0', 10, 'carrier-grade NAT'),
  v4('127.0.0.0', 8, 'loopback'),
  v4('169.254.0.0', 16, 'link-local (metadata)'),
  v4('172.16.0.0', 12, 'private'),
  v4('192.0.0.0', 24, 'IETF protocol assignments'),
  v4('192.168.0.0', 16, 'private'),
  v4('198.18.0.0', 15, 'benchmarking'),
  v4('224.0.0.0', 4, 'multicast'),
  v4('240.0.0.0', 4, 'reserved'),
];

const V6_RANGES: Range[] = [
  v6('::', 128, 'unspecified'),
  v6('::1', 128, 'loopback'),
  v6('64:ff9b:1::', 48, 'local-use NAT64'),
  v6('100::', 64, 'discard-only'),
  v6('fc00::', 7, 'unique-local'),
  v6('fe80::', 10, 'link-local'),
  v6('fec0::', 10, 'site-local'),
  v6('ff00::', 8, 'multicast'),
];

/** IPv6 prefixes whose addresses carry an IPv4 address, and where its four bytes sit. */
const V6_CARRIERS: { range: Range; at: number }[] = [
  { range: v6('::ffff:0:0', 96, 'IPv4-mapped'), at: 12 },
  // RFC 2765 SIIT: `::ffff:0:a.b.c.d`, which a translator turns into the IPv4 address it carries.
  { range: v6('::ffff:0:0:0', 96, 'IPv4-translated'), at: 12 },
  { range: v6('::', 96, 'IPv4-compatible'), at: 12 },
  { range: v6('64:ff9b::', 96, 'NAT64'), at: 12 },
  { range: v6('2002::', 16, '6to4'), at: 2 },
];

/** Why `address` (an IP literal, IPv6 with or without brackets or zone) is forbidden, or null if it is not. */
export function forbiddenAddressReason(address: string): string | null {
  const bytes = ipBytes(address);
  if (bytes === null) return 'not an IP address';
  return bytes.length === 4 ? v4Reason(bytes) : v6Reason(bytes);
}

function v4Reason(bytes: number[]): string | null {
  const range = V4_RANGES.find((candidate) => matches(bytes, candidate));
  return range ? `${range.why} address` : null;
}

function v6Reason(bytes: number[]): string | null {
  const range = V6_RANGES.find((candidate) => matches(bytes, candidate));
  if (range) return `${range.why} address`;
  for (const carrier of V6_CARRIERS) {
    if (!matches(bytes, carrier.range)) continue;
    const inner = v4Reason(bytes.slice(carrier.at, carrier.at + 4));
    if (inner) return `${inner} (${carrier.range.why})`;
  }
  return null;
}

function matches(bytes: number[], range: Range): boolean {
  if (bytes.length !== range.bytes.length) return false;
  let bits = range.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i] & mask) !== (range.bytes[i] & mask)) return false;
  }
  return true;
}

/** The bytes of an IPv4 (4) or IPv6 (16) literal, or null. */
export function ipBytes(literal: string): number[] | null {
  let text = literal.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (isIPv4(text)) return text.split('.').map(Number);
  if (!isIPv6(text)) return null;
  return v6Bytes(text);
}

function v6Bytes(text: string): number[] {
  let head = text;
  let tail: number[] = [];
  // A trailing dotted quad stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    tail = text
      .slice(lastColon + 1)
      .split('.')
      .map(Number);
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const leftGroups = left ? left.split(':') : [];
  const rightGroups = right ? right.split(':') : [];
  const missing = 8 - leftGroups.length - rightGroups.length;
  const groups = [...leftGroups, ...Array<string>(right === undefined ? 0 : missing).fill('0'), ...rightGroups];
  const bytes = groups.flatMap((group) => {
    const value = parseInt(group || '0', 16);
    return [value >> 8, value & 0xff];
  });
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

function v4(address: string, prefix: number, why: string): Range {
  return { bytes: address.split('.').map(Number), prefix, why };
}

function v6(address: string, prefix: number, why: string): Range {
  return { bytes: v6Bytes(address), prefix, why };
}
