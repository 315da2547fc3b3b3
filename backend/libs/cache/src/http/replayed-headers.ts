import type { HeaderValues } from './http-exchange.js';

/**
 * Response headers that a hit sends again when the handler set them (lower case). They describe
 * the body or its links, and are the same for everyone who gets that body. A route adds its own
 * with `@Cacheable({ replayHeaders })`.
 */
export const DEFAULT_REPLAYED_HEADERS: readonly string[] = [
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-language',
  'content-location',
  'etag',
  'expires',
  'last-modified',
  'link',
  'location',
  'vary',
  'x-total-count',
];

/**
 * Headers that are part of the stored entry itself (the content type and entity tag), that the
 * platform derives from the body or the connection, or that the cache writes on every answer:
 * setting them never keeps a response out of the cache.
 */
const ENTRY_HEADERS = new Set([
  'age',
  'connection',
  'content-length',
  'content-type',
  'date',
  'keep-alive',
  'transfer-encoding',
  'x-cache',
]);

/** The handler's headers, sorted into those a hit sends again and those it would lose. */
export interface HandlerHeaders {
  /** Headers to store and send again (lower-case names; `etag` and `content-type` excluded). */
  replayed: Record<string, HeaderValues>;
  /** The entity tag the handler set, if any. */
  etag?: string;
  /** Headers the handler set or removed that a hit would not send again. */
  lost: string[];
}

/**
 * Compares the response headers from before the handler ran with those after, and sorts what
 * the handler changed. Headers set before it (middleware, guards, `@Header()`) are set again on
 * every request, hits included, so they are not the cache's to replay.
 */
export function handlerHeaders(
  before: Readonly<Record<string, HeaderValues>>,
  after: Readonly<Record<string, HeaderValues>>,
  replayable: ReadonlySet<string>,
): HandlerHeaders {
  const result: HandlerHeaders = { replayed: {}, lost: [] };
  for (const [name, values] of Object.entries(after)) {
    if (ENTRY_HEADERS.has(name) || sameValues(before[name], values)) continue;
    if (name === 'etag') result.etag = values.join(', ');
    else if (replayable.has(name)) result.replayed[name] = values;
    else result.lost.push(name);
  }
  for (const name of Object.keys(before)) {
    if (after[name] === undefined && !ENTRY_HEADERS.has(name)) result.lost.push(name);
  }
  return result;
}

/** The default replayed headers and a route's own, lower case. */
export function replayableHeaders(routeHeaders: readonly string[] = []): ReadonlySet<string> {
  return new Set([...DEFAULT_REPLAYED_HEADERS, ...routeHeaders.map((h) => h.toLowerCase())]);
}

function sameValues(a: HeaderValues | undefined, b: HeaderValues): boolean {
  return a !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
}
