import { toCachedResponse, type CachedHttpResponse } from './cached-response.js';
import type { HandlerRun } from './handler-run.js';
import type { HttpExchange } from './http-exchange.js';
import { handlerHeaders, replayableHeaders } from './replayed-headers.js';
import type { ResponseStoragePolicy, StorageRefusal } from './response-storage.policy.js';
import { sentBody } from './sent-body.js';

/** Request headers a user-scoped route may read freely: its key is the user they identify. */
const USER_IDENTITY_HEADERS = ['authorization', 'cookie'];

/** What a route declares about the responses it stores. */
export interface StoredRoute {
  scope: 'shared' | 'user';
  /** The route's `varyHeaders`, as given. */
  varyHeaders: readonly string[];
  /** The route's `replayHeaders`, as given. */
  replayHeaders?: readonly string[];
}

/** What a miss stores, or why it stores nothing. */
export type MissEntry = { entry: CachedHttpResponse } | { refusal: StorageRefusal };

/**
 * Decides whether the response a handler run produced may be stored and, if so, builds its
 * entry: the body serialised exactly as the platform would send it, the headers the handler
 * set that a hit sends again, and the entity tag. Reads the response as the handler left it.
 */
export function missEntry(
  policy: ResponseStoragePolicy,
  exchange: HttpExchange,
  run: HandlerRun,
  route: StoredRoute,
): MissEntry {
  const keyed = new Set(route.varyHeaders.map((h) => h.toLowerCase()));
  if (route.scope === 'user') for (const h of USER_IDENTITY_HEADERS) keyed.add(h);
  const own = handlerHeaders(
    run.headersBefore,
    run.headersAfter,
    replayableHeaders(route.replayHeaders),
  );
  const contentType = exchange.responseHeader('content-type')[0];
  const sent = sentBody(run.body, exchange.platform, contentType, exchange.jsonSettings());
  const decision = policy.decide({
    status: exchange.status,
    setCookie: exchange.responseHeader('set-cookie'),
    cacheControl: exchange.responseHeader('cache-control'),
    vary: exchange.responseHeader('vary'),
    keyedHeaders: [...keyed],
    unkeyedHeadersRead: run.reads.unkeyed(keyed, run.body),
    scope: route.scope,
    body: run.body,
    emissions: run.emissions,
    responseStarted: exchange.responseStarted,
    unreplayedHeaders: own.lost,
    serialisable: sent !== undefined,
  });
  if (!decision.store) return { refusal: decision.reason };
  if (sent === undefined) return { refusal: 'unserialisable' };
  return { entry: toCachedResponse(exchange.status, sent, own.replayed, own.etag) };
}
