import type { CacheValueCodec, EncodedValue } from '../serialization/entry-codec.js';
import { PLAIN_JSON_CODEC_ID } from '../serialization/plain-json.codec.js';
import { COMPRESSION, compressText, decompressText } from '../serialization/text-compression.js';
import { TypedJsonCodec, TYPED_JSON_CODEC_ID } from '../serialization/typed-json.codec.js';

/**
 * What is stored in Redis for one cached value: the value and the moments until which it is
 * fresh and until which it may still be served stale. Timestamps are epoch milliseconds.
 */
export interface CacheEntry<T = unknown> {
  /** The cached value (`null` when a null result was cached on purpose). */
  value: T;
  /** When the entry was written. */
  storedAtMs: number;
  /** Until this moment the entry is a plain hit. */
  freshUntilMs: number;
  /** Until this moment the entry may be served stale (revalidation or grace); then it is gone. */
  staleUntilMs: number;
  /** The tags the entry was written under (empty when none). */
  tags?: readonly string[];
  /**
   * How long the loader that produced the value ran, in milliseconds (XFetch's delta: the closer
   * to expiry and the slower the loader, the likelier a hit refreshes early). Absent for values
   * written with `set` and for entries of older versions.
   */
  loadMs?: number;
}

/**
 * An entry as read from Redis, with the versions it was written under: `token` is the version of
 * its key (every write gives the key a new one), `tagTokens` the versions of its tags at the
 * time of the write, in the order of `entry.tags`. A read compares `tagTokens` with the tags'
 * current versions: a tag invalidated (or its version evicted) since makes the entry a miss.
 */
export interface StoredEntry<T = unknown> {
  entry: CacheEntry<T>;
  token: string;
  tagTokens: readonly string[];
  /** Length of the text, decompressed: what the decoded value takes in memory, roughly. */
  textLength: number;
}

/**
 * What a Redis key of the entry namespace holds: an entry, the marker of a load in progress
 * (`pending`: only a key version, written when a load begins on a missing key, so that any later
 * write, deletion or eviction of the key is visible to that load), or text that is neither.
 */
export type DecodedText<T> =
  | { kind: 'entry'; stored: StoredEntry<T> }
  | { kind: 'pending'; token: string }
  | { kind: 'corrupt' };

/**
 * How entry values are written and read (the resolved `caching` options fit it): the codec of
 * new values, the size from which they are compressed (0: never), and the size past which a
 * value is refused (also the most a compressed body may expand to when read), in bytes.
 */
export interface EntryFormat {
  codec: CacheValueCodec;
  compressAboveBytes: number;
  maxValueBytes: number;
}

/** An encoded body, or why the value cannot be stored (`detail` names what, never the value). */
export type EncodedEntryBody =
  | { ok: true; body: string; sizeBytes: number }
  | { ok: false; reason: 'unserialisable' | 'too-large'; detail: string; sizeBytes: number };

/** The entry's times and tags: short field names keep every entry small. */
interface WireMeta {
  t: number;
  f: number;
  s: number;
  g?: string[];
  /** Loader duration, whole milliseconds (absent in older entries). */
  d?: number;
}

/** The plain layout: the value as JSON beside its metadata. Entries of older versions all have it. */
interface WireEntry extends WireMeta {
  v: unknown;
}

/** The metadata line of the extended layout: the codec that wrote the value, its compression. */
interface WireExtendedMeta extends WireMeta {
  c: string;
  z?: string;
}

/** First character of a body in the extended layout (the plain layout starts with `{`). */
const EXTENDED = '~';

const TYPED = new TypedJsonCodec();

/**
 * The body of an entry: what follows the header line, `<key version>` then a tab and each tag
 * version, which the write script in Redis prepends (it alone knows the versions current at the
 * moment of the write). Two layouts:
 *
 * - plain, `{"v":<value>,"t":…,"f":…,"s":…,"g":[…],"d":…}`, when the codec's text is plain JSON and not
 *   compressed: any JSON reader understands it, and a hit costs one `JSON.parse`;
 * - extended, `~{"c":<codec id>,"z":"br","t":…,"f":…,"s":…,"g":[…],"d":…}` then a newline and the
 *   codec's text (base64 of its brotli-compressed UTF-8 when `z` is present).
 *
 * Refuses (`ok: false`) a value the codec cannot represent, or whose text is larger than
 * `format.maxValueBytes`.
 */
export function encodeEntryBody(entry: CacheEntry, format: EntryFormat): EncodedEntryBody {
  let encoded: EncodedValue;
  try {
    encoded = format.codec.encode(entry.value);
  } catch {
    encoded = { ok: false, reason: 'a value the codec throws on' };
  }
  if (!encoded.ok || typeof encoded.text !== 'string') {
    const detail = encoded.ok ? 'a value the codec gave no text for' : encoded.reason;
    return { ok: false, reason: 'unserialisable', detail: `it holds ${detail}`, sizeBytes: 0 };
  }
  const { text } = encoded;
  const sizeBytes = Buffer.byteLength(text);
  if (sizeBytes > format.maxValueBytes) {
    const detail = `its ${sizeBytes} bytes exceed maxValueBytes (${format.maxValueBytes})`;
    return { ok: false, reason: 'too-large', detail, sizeBytes };
  }
  const meta: WireMeta = { t: entry.storedAtMs, f: entry.freshUntilMs, s: entry.staleUntilMs };
  if (entry.tags && entry.tags.length > 0) meta.g = [...entry.tags];
  if (entry.loadMs !== undefined) meta.d = Math.max(0, Math.round(entry.loadMs));
  const c = encoded.plainJson ? PLAIN_JSON_CODEC_ID : format.codec.id;
  if (format.compressAboveBytes > 0 && sizeBytes > format.compressAboveBytes) {
    const packed = compressText(text, sizeBytes);
    if (packed !== null) {
      const line: WireExtendedMeta = { c, z: COMPRESSION, ...meta };
      return { ok: true, body: `${EXTENDED}${JSON.stringify(line)}\n${packed}`, sizeBytes };
    }
  }
  if (encoded.plainJson) {
    return { ok: true, body: `{"v":${text},${JSON.stringify(meta).slice(1)}`, sizeBytes };
  }
  const line: WireExtendedMeta = { c, ...meta };
  return { ok: true, body: `${EXTENDED}${JSON.stringify(line)}\n${text}`, sizeBytes };
}

/**
 * Parses the text of an entry-namespace key. A body that does not parse, that another codec
 * than `format.codec` (or the built-in ones) wrote, or whose value the codec cannot read, is
 * `corrupt`.
 */
export function decodeEntryText<T>(text: string, format: EntryFormat): DecodedText<T> {
  const newline = text.indexOf('\n');
  if (newline === -1) {
    return isToken(text) ? { kind: 'pending', token: text } : { kind: 'corrupt' };
  }
  const headerText = text.slice(0, newline);
  const header = headerText.includes('\t') ? headerText.split('\t') : [headerText];
  const token = header[0] ?? '';
  if (!isToken(token)) return { kind: 'corrupt' };
  let body: { meta: WireMeta; value: unknown; valueLength?: number } | null;
  try {
    body = text.startsWith(EXTENDED, newline + 1)
      ? decodeExtended(text, newline + 1, format)
      : decodePlain(text.slice(newline + 1));
  } catch {
    return { kind: 'corrupt' };
  }
  if (body === null) return { kind: 'corrupt' };
  const tags = body.meta.g ?? [];
  const tagTokens = header.slice(1);
  if (tagTokens.length !== tags.length) return { kind: 'corrupt' };
  const entry: CacheEntry<T> = {
    value: body.value as T,
    storedAtMs: body.meta.t,
    freshUntilMs: body.meta.f,
    staleUntilMs: body.meta.s,
  };
  if (tags.length > 0) entry.tags = tags;
  if (body.meta.d !== undefined) entry.loadMs = body.meta.d;
  const textLength = Math.max(text.length, body.valueLength ?? 0);
  return { kind: 'entry', stored: { entry, token, tagTokens, textLength } };
}

function decodePlain(body: string): { meta: WireMeta; value: unknown } | null {
  const parsed: unknown = JSON.parse(body);
  if (!isWireMeta(parsed) || !('v' in parsed)) return null;
  const entry: WireEntry = parsed;
  return { meta: entry, value: entry.v };
}

/** @throws when the metadata, the compression or the codec's text does not parse */
function decodeExtended(
  text: string,
  start: number,
  format: EntryFormat,
): { meta: WireMeta; value: unknown; valueLength: number } | null {
  const end = text.indexOf('\n', start);
  if (end === -1) return null;
  const meta: unknown = JSON.parse(text.slice(start + EXTENDED.length, end));
  if (!isWireMeta(meta)) return null;
  const { c, z } = meta as Partial<WireExtendedMeta>;
  if (typeof c !== 'string' || (z !== undefined && z !== COMPRESSION)) return null;
  const payload = text.slice(end + 1);
  const valueText = z === undefined ? payload : decompressText(payload, format.maxValueBytes);
  return { meta, value: decodeValue(c, valueText, format.codec), valueLength: valueText.length };
}

/** Entries of the built-in codecs are read whatever the configured one (a switch, a rollout). */
function decodeValue(codecId: string, text: string, codec: CacheValueCodec): unknown {
  if (codecId === codec.id) return codec.decode(text);
  if (codecId === PLAIN_JSON_CODEC_ID) return JSON.parse(text);
  if (codecId === TYPED_JSON_CODEC_ID) return TYPED.decode(text);
  throw new Error(`an entry of codec ${codecId}`);
}

/** Key versions are short URL-safe strings (see `newVersionToken`). */
function isToken(text: string): boolean {
  return text.length > 0 && text.length <= 64 && /^[A-Za-z0-9_-]+$/.test(text);
}

function isWireMeta(value: unknown): value is WireMeta {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  const tagsOk =
    record.g === undefined ||
    (Array.isArray(record.g) && record.g.every((t) => typeof t === 'string'));
  return (
    typeof record.t === 'number' &&
    typeof record.f === 'number' &&
    typeof record.s === 'number' &&
    (record.d === undefined || (typeof record.d === 'number' && record.d >= 0)) &&
    tagsOk
  );
}

/** Whether the entry is still fresh at `nowMs`. */
export function isFresh(entry: CacheEntry, nowMs: number): boolean {
  return nowMs < entry.freshUntilMs;
}

/** Whether the entry may still be served stale at `nowMs`. */
export function isServableStale(entry: CacheEntry, nowMs: number): boolean {
  return nowMs < entry.staleUntilMs;
}
