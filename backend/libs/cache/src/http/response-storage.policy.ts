import { isStreamLike } from './sent-body.js';

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
  /** The body the handler returned (the last value, for an Observable). */
  body: unknown;
  /** How many values the handler's Observable emitted (1 for a plain value). */
  emissions?: number;
  /** Whether the handler wrote (part of) the response itself. */
  responseStarted?: boolean;
  /** Response headers the handler set that a hit would not send again (lower case). */
  unreplayedHeaders?: readonly string[];
  /** Whether the body can be serialised the way the platform would send it. */
  serialisable?: boolean;
}

/** Why a response was not stored. */
export type StorageRefusal =
  | 'status'
  | 'set-cookie'
  | 'no-store'
  | 'private'
  | 'vary-star'
  | 'vary-unkeyed'
  | 'header-unkeyed'
  | 'stream'
  | 'written'
  | 'empty'
  | 'unreplayed-header'
  | 'unserialisable';

/** Why a response was (not) stored. */
export type StorageDecision = { store: true } | { store: false; reason: StorageRefusal };

/** Headers a platform may add to `Vary` that do not change the body's meaning. */
const HARMLESS_VARY = new Set(['accept-encoding']);

/**
 * Decides whether a response may be stored in the cache. Pure: no Nest, no Redis. Extend it and
 * override {@link ResponseStoragePolicy.decide} to add rules.
 */
export class ResponseStoragePolicy {
  decide(facts: ResponseFacts): StorageDecision {
    const refuse = (reason: StorageRefusal): StorageDecision => ({ store: false, reason });
    if (facts.status < 200 || facts.status > 299) return refuse('status');
    if (facts.setCookie.length > 0) return refuse('set-cookie');
    const directives = directivesOf(facts.cacheControl);
    if (directives.has('no-store')) return refuse('no-store');
    if (facts.scope === 'shared' && directives.has('private')) return refuse('private');
    const vary = listOf(facts.vary);
    if (vary.includes('*')) return refuse('vary-star');
    const keyed = new Set(facts.keyedHeaders.map((h) => h.toLowerCase()));
    if (vary.some((h) => !keyed.has(h) && !HARMLESS_VARY.has(h))) return refuse('vary-unkeyed');
    if ((facts.unkeyedHeadersRead ?? []).length > 0) return refuse('header-unkeyed');
    if (isStreamLike(facts.body) || (facts.emissions ?? 1) > 1) return refuse('stream');
    if (facts.responseStarted) return refuse('written');
    if (facts.body === undefined) return refuse('empty');
    if ((facts.unreplayedHeaders ?? []).length > 0) return refuse('unreplayed-header');
    if (facts.serialisable === false) return refuse('unserialisable');
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
