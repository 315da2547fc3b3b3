import type { CacheScope } from '../decorators/cache-decorator.options.js';
import { ifNoneMatchMatches } from './entity-tag.js';
import type { HttpExchange } from './http-exchange.js';
import { bodyToSend, type PreparedResponse } from './prepared-response.js';

/** How a stored response is sent: for whom, keyed on which headers, found or just produced. */
export interface ReplayOptions {
  scope: CacheScope;
  /** The route's `varyHeaders`, as given. */
  varyHeaders: readonly string[];
  /** `true` on a hit (then `Age` is sent), `false` on the miss that stored it. */
  hit: boolean;
}

/**
 * Sets the response of a stored entry and returns the body to hand to the platform. The miss
 * that stored the entry and every hit go through here, so they send the same status, headers,
 * `Vary`, `ETag`, content type and bytes; a matching `If-None-Match` gets 304 without a body.
 * What does not depend on the request is prepared once per entry (see {@link prepareResponse}).
 */
export function replayResponse(
  exchange: HttpExchange,
  prepared: PreparedResponse,
  options: ReplayOptions,
): string | Buffer | undefined {
  exchange.status = prepared.status;
  for (const [name, value] of prepared.headers) exchange.setResponseHeader(name, value);
  if (options.scope === 'user') keepPrivate(exchange);
  addVary(exchange, options.varyHeaders);
  exchange.setResponseHeader('ETag', prepared.etag);
  if (options.hit) {
    const ageSeconds = Math.max(0, Math.floor((Date.now() - prepared.storedAtMs) / 1000));
    exchange.setResponseHeader('Age', String(ageSeconds));
  }
  if (ifNoneMatchMatches(exchange.requestHeader('if-none-match'), prepared.etag)) {
    exchange.status = 304;
    return undefined;
  }
  if (prepared.contentType !== undefined) {
    exchange.setResponseHeader('Content-Type', prepared.contentType);
  }
  return bodyToSend(prepared);
}

/** A user's response must not be stored by shared caches downstream, whatever the handler set. */
export function keepPrivate(exchange: HttpExchange): void {
  const directives = exchange
    .responseHeader('cache-control')
    .flatMap((v) => v.split(','))
    .map((d) => d.trim())
    .filter((d) => d.length > 0);
  const lower = directives.map((d) => d.toLowerCase());
  if (lower.includes('private') || lower.includes('no-store')) return;
  const kept = directives.filter(
    (d) => !['public', 's-maxage'].includes(d.toLowerCase().split('=')[0] ?? ''),
  );
  exchange.setResponseHeader('Cache-Control', ['private', ...kept].join(', '));
}

/** Adds the route's `varyHeaders` to the response's `Vary` (once each, whatever the case). */
function addVary(exchange: HttpExchange, varyHeaders: readonly string[]): void {
  if (varyHeaders.length === 0) return;
  const vary = exchange
    .responseHeader('vary')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
  const present = new Set(vary.map((v) => v.toLowerCase()));
  for (const header of varyHeaders) {
    if (!present.has(header.toLowerCase())) vary.push(header);
    present.add(header.toLowerCase());
  }
  exchange.setResponseHeader('Vary', vary.join(', '));
}
