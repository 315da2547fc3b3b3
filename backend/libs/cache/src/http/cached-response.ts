import { strongEntityTag } from './entity-tag.js';
import type { SentBody } from './sent-body.js';

/**
 * A stored HTTP response: what the miss sent, which a hit sends again byte for byte. A plain
 * object of strings and numbers, so that every entry codec stores it unchanged.
 */
export interface CachedHttpResponse {
  status: number;
  /** The body as sent: UTF-8 text, or base64 when `bodyEncoding` is `base64`. */
  body: string;
  bodyEncoding: 'utf8' | 'base64';
  /**
   * `true` when the miss sent no body and no content type at all (Express, for a `null` result):
   * the hit sends nothing either.
   */
  noBody?: boolean;
  /** The content type given to the platform with the body (the platform may add a charset). */
  contentType?: string;
  /** Headers the handler set that a hit sends again (lower-case names). */
  headers: Record<string, string[]>;
  /** Strong entity tag of the body (or the one the handler set), quotes included. */
  etag: string;
  storedAtMs: number;
}

/** Whether `value` is a stored response of this format (older formats are not replayed). */
export function isCachedHttpResponse(value: unknown): value is CachedHttpResponse {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.status === 'number' &&
    typeof v.body === 'string' &&
    (v.bodyEncoding === 'utf8' || v.bodyEncoding === 'base64') &&
    typeof v.etag === 'string' &&
    typeof v.storedAtMs === 'number' &&
    (v.contentType === undefined || typeof v.contentType === 'string') &&
    v.headers !== null &&
    typeof v.headers === 'object'
  );
}

/**
 * The entry for a response with `status` and the serialised body `sent`, replaying `headers`.
 * Its entity tag is the one the handler set, else a strong tag of the bytes.
 */
export function toCachedResponse(
  status: number,
  sent: SentBody,
  headers: Record<string, string[]>,
  handlerEtag?: string,
): CachedHttpResponse {
  const bytes = sent.kind === 'bytes' ? sent.bytes : '';
  const binary = Buffer.isBuffer(bytes);
  const response: CachedHttpResponse = {
    status,
    body: binary ? bytes.toString('base64') : bytes,
    bodyEncoding: binary ? 'base64' : 'utf8',
    headers,
    etag: handlerEtag ?? strongEntityTag(bytes),
    storedAtMs: Date.now(),
  };
  if (sent.kind === 'none') response.noBody = true;
  else response.contentType = sent.contentType;
  return response;
}
