/**
 * Base64url decoders ignore the unused low bits of a segment's last character, so two different
 * strings can decode to the same signature. Accepting only the canonical spelling means that any
 * change to a token's text makes it invalid, not merely any change to its bytes.
 */
const SEGMENT = /^[A-Za-z0-9_-]+$/;

export function isCanonicalCompactJws(token: string): boolean {
  const segments = token.split('.');
  if (segments.length !== 3) return false;
  return segments.every((segment) => SEGMENT.test(segment) && Buffer.from(segment, 'base64url').toString('base64url') === segment);
}
