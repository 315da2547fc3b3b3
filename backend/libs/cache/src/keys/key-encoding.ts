import { createHash } from 'node:crypto';
import { InvalidKeyError } from '../errors/index.js';

/** Separator between the parts of a key. */
export const KEY_SEPARATOR = ':';

/** Keys longer than this (in UTF-8 bytes, namespace included) are shortened with a hash. */
export const MAX_KEY_BYTES = 200;

/** How many bytes of a long key are kept readable before its hash. */
const KEPT_HEAD_BYTES = 120;

/** Marks the hashed tail of a shortened key; never produced by `encodeKeyPart`. */
const HASH_MARK = '#';

/** A character `encodeKeyPart` escapes. */
const RESERVED_CHARACTER = /[%:#]/;

/** A value that may stand in a key. */
export type KeyPart = string | number;

/**
 * Encodes one key part so that it cannot be confused with a separator or a hash mark:
 * `('a:b', 'c')` and `('a', 'b:c')` become two different keys.
 */
export function encodeKeyPart(part: KeyPart): string {
  if (typeof part === 'number') {
    if (!Number.isFinite(part)) throw new InvalidKeyError('a numeric key part must be finite');
    return String(part);
  }
  if (typeof part !== 'string') throw new InvalidKeyError('a key part must be a string or number');
  // Most parts hold none of the three: a test is cheaper than a replace that changes nothing.
  if (!RESERVED_CHARACTER.test(part)) return part;
  return part.replace(/[%:#]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Joins parts into one logical key, each part encoded. */
export function joinKey(parts: readonly KeyPart[]): string {
  if (parts.length === 0) throw new InvalidKeyError('a key needs at least one part');
  return parts.map(encodeKeyPart).join(KEY_SEPARATOR);
}

/**
 * Shortens a key longer than `MAX_KEY_BYTES`: it keeps a readable head (so prefix deletion
 * of short prefixes still finds it) and replaces the rest by a SHA-256 of the whole key.
 */
export function shortenKey(fullKey: string): string {
  if (Buffer.byteLength(fullKey) <= MAX_KEY_BYTES) return fullKey;
  const digest = createHash('sha256').update(fullKey).digest('base64url');
  return `${utf8Head(fullKey, KEPT_HEAD_BYTES)}${HASH_MARK}${digest}`;
}

/**
 * The part of a logical prefix that a SCAN of namespace `namespacePrefix` can match on every key
 * starting with it, shortened ones included: the whole prefix, or the readable head a shortened
 * key keeps when the prefix is longer than that (then more keys match, never fewer).
 */
export function sweepablePrefix(namespacePrefix: string, logicalPrefix: string): string {
  const head = `${namespacePrefix}${KEY_SEPARATOR}`;
  const full = `${head}${logicalPrefix}`;
  if (Buffer.byteLength(full) <= KEPT_HEAD_BYTES) return logicalPrefix;
  return utf8Head(full, KEPT_HEAD_BYTES).slice(head.length);
}

/** The longest prefix of `text` that fits in `maxBytes` UTF-8 bytes without splitting a character. */
function utf8Head(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += ch.length;
  }
  return text.slice(0, end);
}
