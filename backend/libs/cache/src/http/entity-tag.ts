import { createHash } from 'node:crypto';

/** A strong entity tag of `bytes`: 128 bits of their SHA-256, quoted (`"…"`). */
export function strongEntityTag(bytes: string | Buffer): string {
  const digest = createHash('sha256').update(bytes).digest('base64url');
  return `"${digest.slice(0, 22)}"`;
}

/**
 * Whether an `If-None-Match` header matches `etag`, with the weak comparison RFC 9110 (13.1.2)
 * prescribes for it: `*` matches any tag, `W/"x"` matches `"x"`.
 */
export function ifNoneMatchMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const opaque = withoutWeakMark(etag);
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim())
    .some((tag) => tag === '*' || withoutWeakMark(tag) === opaque);
}

function withoutWeakMark(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
