/** Finds the identity a user-scoped response is cached under; `undefined` means anonymous. */
export type CacheUserResolver = (request: unknown) => string | number | null | undefined;

/** Options of `CacheInterceptor`; set through `CacheModule.forRoot({ http })`. */
export interface HttpCacheOptions {
  /** Resolves the user of a `scope: 'user'` route. Default: `request.user.id`. */
  userResolver?: CacheUserResolver;
  /** Send `X-Cache: HIT|MISS|BYPASS` on shared routes. Default `true`. */
  xCacheHeader?: boolean;
  /** TTL of routes that give none, in seconds. Default: the module's default TTL. */
  defaultTtlSeconds?: number;
  /**
   * Request headers that never carry a credential in this application, beyond the built-in list
   * (`Accept*`, `User-Agent`, `Referer`, `Origin`, conditional, proxy, CDN and tracing headers).
   * A request to a shared route that carries any other header (one a guard may have read, such as
   * `X-Session` or `X-Api-Key`) is neither answered from nor stored in the shared cache, unless
   * the route keys on it (`varyHeaders`). Case-insensitive. Default: none.
   */
  anonymousRequestHeaders?: readonly string[];
}

/** The default user resolver: `request.user.id`. */
export const defaultUserResolver: CacheUserResolver = (request) => {
  const user = (request as { user?: { id?: unknown } } | null)?.user;
  const id = user?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
};
