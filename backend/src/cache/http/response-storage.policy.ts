/** The facts about a response that decide whether it may be stored. */
export interface ResponseFacts {
  status: number;
  /** `Set-Cookie` values the handler set. */
  setCookie: readonly string[];
  /** `Cache-Control` values the handler set. */
  cacheControl: readonly string[];
  /** `Vary` values the handler set. */
  vary: readonly string[];
  /** The request headers the route's key includes (lower case). */
  keyedHeaders: readonly string[];
  /** Request headers the handler read that were sent but are not in the key (lower case). */
  unkeyedHeadersRead?: readonly string[];
  /** `shared` routes serve everyone; `user` routes are keyed by the user. */
  scope: 'shared' | 'user';
  /** The body the handler returned. */
  body: unknown;
}

/** Why a response was (not) stored. */
export type StorageDecision =
  | { store: true }
  | {
      store: false;
      reason:
        | 'status'
        | 'set-cookie'
        | 'no-store'
        | 'private'
        | 'vary-star'
        | 'vary-unkeyed'
        | 'header-unkeyed'
        | 'stream'
        | 'empty';
    };

/** Headers a platform may add to `Vary` that do not change the body's meaning. */
const HARMLESS_VARY = new Set(['accept-encoding']);

/**
 * Decides whether a response may be stored in the cache. Pure: no Nest, no Redis. Extend it and
 * override {@link ResponseStoragePolicy.decide} to add rules.
 */
export class ResponseStoragePolicy {
  decide(facts: ResponseFacts): StorageDecision {
    if (facts.status < 200 || facts.status > 299) return { store: false, reason: 'status' };
    if (facts.setCookie.length > 0) return { store: false, reason: 'set-cookie' };
    const directives = directivesOf(facts.cacheControl);
    if (directives.has('no-store')) return { store: false, reason: 'no-store' };
    if (facts.scope === 'shared' && directives.has('private')) {
      return { store: false, reason: 'private' };
    }
    const vary = listOf(facts.vary);
    if (vary.includes('*')) return { store: false, reason: 'vary-star' };
    const keyed = new Set(facts.keyedHeaders.map((h) => h.toLowerCase()));
    if (vary.some((h) => !keyed.has(h) && !HARMLESS_VARY.has(h))) {
      return { store: false, reason: 'vary-unkeyed' };
    }
    if ((facts.unkeyedHeadersRead ?? []).length > 0) {
      return { store: false, reason: 'header-unkeyed' };
    }
    if (isStream(facts.body)) return { store: false, reason: 'stream' };
    if (facts.body === undefined) return { store: false, reason: 'empty' };
    return { store: true };
  }
}

function listOf(values: readonly string[]): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v.length > 0);
}

function directivesOf(values: readonly string[]): Set<string> {
  return new Set(listOf(values).map((d) => d.split('=')[0]?.trim() ?? d));
}

/** Streams, files and raw buffers are sent as they are, never stored. */
function isStream(body: unknown): boolean {
  if (body === null || typeof body !== 'object') return false;
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) return true;
  const candidate = body as { pipe?: unknown; getStream?: unknown; getReader?: unknown };
  return (
    typeof candidate.pipe === 'function' ||
    typeof candidate.getStream === 'function' ||
    typeof candidate.getReader === 'function' ||
    Symbol.asyncIterator in body
  );
}
