import type { HttpCacheContext } from '../decorators/cache-decorator.options.js';
import type { ReadRoute } from './handler-plans.js';
import type { HttpExchange } from './http-exchange.js';

/**
 * One GET or HEAD that `CacheInterceptor` reads through the cache: the request, its route's
 * options and the user it is keyed by. The context that the route's key, tag, condition and
 * `unless` functions receive is built on first use: a hit on a route without such functions
 * never parses the URL for it.
 */
export class ReadCall {
  private builtContext: HttpCacheContext | undefined;

  constructor(
    readonly exchange: HttpExchange,
    readonly route: ReadRoute,
    /** The user of a `scope: 'user'` route. */
    readonly userId: string | number | undefined,
  ) {}

  /** What the route's functions receive for this request. */
  get context(): HttpCacheContext {
    this.builtContext ??= this.exchange.cacheContext(this.userId);
    return this.builtContext;
  }
}
