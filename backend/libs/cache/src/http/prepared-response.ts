import { isCachedHttpResponse, type CachedHttpResponse } from './cached-response.js';

/** A response header as a hit sets it: one value as text, several as a list. */
export type PreparedHeader = readonly [name: string, value: string | readonly string[]];

/**
 * A stored response made ready to send: everything a hit writes that does not depend on the
 * request, worked out once per entry. The memory tier holds each entry as one frozen object, so
 * a hit served from memory finds its prepared form again and only sets headers and hands the
 * body over: no decoding, no serialising, no header rebuilding.
 */
export interface PreparedResponse {
  readonly status: number;
  /** The headers the handler set that a hit sends again, in their stored order. */
  readonly headers: readonly PreparedHeader[];
  /** Strong entity tag of the body, quotes included. */
  readonly etag: string;
  readonly contentType: string | undefined;
  /** The body as stored: UTF-8 text, bytes (decoded once from base64), or none. */
  readonly body: string | Buffer | undefined;
  readonly storedAtMs: number;
}

/** Prepared forms by entry: kept while the entry is (held in memory, or in use by a request). */
const preparedByEntry = new WeakMap<object, PreparedResponse>();

/**
 * The prepared form of a stored value, or `undefined` when `value` is no stored response of this
 * format (an older format, another writer's value). Built on the first use of an entry and kept
 * as long as the entry itself is.
 */
export function prepareStoredResponse(value: unknown): PreparedResponse | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const known = preparedByEntry.get(value);
  if (known !== undefined) return known;
  return isCachedHttpResponse(value) ? prepareResponse(value) : undefined;
}

/** The prepared form of an entry this process built (see {@link prepareStoredResponse}). */
export function prepareResponse(entry: CachedHttpResponse): PreparedResponse {
  let prepared = preparedByEntry.get(entry);
  if (prepared === undefined) {
    prepared = prepare(entry);
    preparedByEntry.set(entry, prepared);
  }
  return prepared;
}

/**
 * The body to hand to the platform for one response. Text is immutable and shared; bytes are
 * copied, so that nothing a later interceptor does to the buffer reaches the stored entry.
 */
export function bodyToSend(prepared: PreparedResponse): string | Buffer | undefined {
  return Buffer.isBuffer(prepared.body) ? Buffer.from(prepared.body) : prepared.body;
}

function prepare(entry: CachedHttpResponse): PreparedResponse {
  const headers: PreparedHeader[] = [];
  for (const [name, values] of Object.entries(entry.headers)) {
    // Values are lists as written; anything else another writer stored is sent as it is.
    const stored: unknown = values;
    if (!Array.isArray(stored)) headers.push([name, String(stored)]);
    else headers.push([name, values.length === 1 ? String(values[0]) : [...values]]);
  }
  return {
    status: entry.status,
    headers,
    etag: entry.etag,
    contentType: entry.contentType,
    body: entry.noBody
      ? undefined
      : entry.bodyEncoding === 'base64'
        ? Buffer.from(entry.body, 'base64')
        : entry.body,
    storedAtMs: entry.storedAtMs,
  };
}
