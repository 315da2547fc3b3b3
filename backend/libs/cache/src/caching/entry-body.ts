import { encodeEntryBody, type EntryFormat } from './cache-entry.js';

/** What the timing of one entry is made of, in milliseconds. */
export interface EntryTiming {
  /** The TTL asked for; the entry is fresh for at most this long. */
  freshMs: number;
  /** Fraction by which the fresh life may be shortened at random (0 for none). */
  jitterRatio: number;
  /** How long after its fresh life the entry may still be served stale (revalidation, grace). */
  staleMs: number;
  /** How long the loader of the value ran, recorded in the entry for refresh ahead (XFetch). */
  loadMs?: number;
}

/**
 * An encoded entry body and how long Redis keeps it, or why it cannot be stored: `detail` says
 * what the value holds that the codec cannot represent, or by how much it is too large (never
 * the value itself: it is logged).
 */
export type EntryBody =
  | { ok: true; body: string; ttlMs: number; sizeBytes: number }
  | { ok: false; reason: 'unserialisable' | 'too-large'; detail: string; sizeBytes: number };

/**
 * Encodes `value` as an entry body in `format` (codec, compression, size cap; see
 * `encodeEntryBody`). Jitter only shortens the fresh life, so a TTL is a maximum (a presigned
 * URL valid for an hour is never served after an hour). Refuses a value the codec cannot
 * represent, or whose serialised form is larger than `format.maxValueBytes`.
 */
export function buildEntryBody(
  value: unknown,
  tags: readonly string[],
  timing: EntryTiming,
  format: EntryFormat,
  nowMs: number = Date.now(),
): EntryBody {
  const shortenedMs = timing.freshMs * timing.jitterRatio * Math.random();
  const freshMs = Math.max(1, Math.floor(timing.freshMs - shortenedMs));
  const encoded = encodeEntryBody(
    {
      value,
      storedAtMs: nowMs,
      freshUntilMs: nowMs + freshMs,
      staleUntilMs: nowMs + freshMs + timing.staleMs,
      tags,
      ...(timing.loadMs === undefined ? {} : { loadMs: timing.loadMs }),
    },
    format,
  );
  if (!encoded.ok) return encoded;
  return {
    ok: true,
    body: encoded.body,
    ttlMs: freshMs + timing.staleMs,
    sizeBytes: encoded.sizeBytes,
  };
}
