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
}

/** The default user resolver: `request.user.id`. */
export const defaultUserResolver: CacheUserResolver = (request) => {
  const user = (request as { user?: { id?: unknown } } | null)?.user;
  const id = user?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
};
