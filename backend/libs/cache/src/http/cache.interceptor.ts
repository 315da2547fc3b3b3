import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Observable, defer, lastValueFrom, throwError } from 'rxjs';
import { HTTP_CACHE_OPTIONS } from '../cache.constants.js';
import { RateLimitedLogger } from '../logging/rate-limited.logger.js';
import { isFresh, isServableStale } from '../caching/cache-entry.js';
import { CacheService } from '../caching/cache.service.js';
import type { GetOrSetOptions, LoaderContext, SetOptions } from '../caching/get-or-set.options.js';
import {
  callUnless,
  callWith,
  resolveOption,
  type CacheScope,
} from '../decorators/cache-decorator.options.js';
import {
  CacheMetadataAccessor,
  type CacheMethodMetadata,
} from '../decorators/cache-metadata.accessor.js';
import { toCachedResponse, type CachedHttpResponse } from './cached-response.js';
import { HandlerPlans, countersName, type ReadRoute } from './handler-plans.js';
import { runHandler } from './handler-run.js';
import { defaultUserResolver, type HttpCacheOptions } from './http-cache.options.js';
import { HttpExchange, type ResponseSnapshot } from './http-exchange.js';
import { NotStoredCounters, type NotStoredStats } from './not-stored.counters.js';
import { missEntry } from './miss-entry.js';
import {
  prepareResponse,
  prepareStoredResponse,
  type PreparedResponse,
} from './prepared-response.js';
import { ReadCall } from './read-call.js';
import { RequestCredentials } from './request-credentials.js';
import { buildRequestKey, requestKeyVariantsPrefix } from './request-key.js';
import { ResponseStoragePolicy } from './response-storage.policy.js';
import { keepPrivate, replayResponse } from './response-replay.js';
import { runRouteWrites } from './route-writes.js';
import { sentBody } from './sent-body.js';

/**
 * The requests this interceptor already handles (when applied globally and on the route). Kept
 * beside the request rather than on it: a property added to Express's request objects, which
 * carry dozens, costs more than the rest of a hit.
 */
const handled = new WeakSet<object>();

/** `X-Cache` values. */
type CacheOutcome = 'HIT' | 'STALE' | 'MISS' | 'BYPASS';

/** Whether a guard, middleware or interceptor identified the caller (`request.user`). */
function hasRequestUser(exchange: HttpExchange): boolean {
  const user = (exchange.request as { user?: unknown }).user;
  return user !== undefined && user !== null;
}

/** What a handler run produced: its result, and the entry to store when it may be stored. */
interface Produced {
  body: unknown;
  entry?: CachedHttpResponse;
}

/** Why a read goes to the handler without the cache (a `notStored` counter). */
type BypassReason = 'anonymous' | 'credential' | 'condition' | 'unrouted';

/**
 * HTTP caching on Express and Fastify. Only GET responses are cached (HEAD is answered from the
 * GET entry); other methods never read or write the cache, they only run `@CacheEvict` /
 * `@CachePut`. A shared route is served from and stored in the cache only for a request that
 * carries no credential: no `Authorization`, `Cookie` or `Proxy-Authorization`, no header outside
 * the anonymous list (see {@link RequestCredentials}) that the route does not key on, and no
 * `request.user`. A `scope: 'user'` route keys the entry by the user and answers
 * `Cache-Control: private`. Keys come from the route the router matched and its parameters.
 *
 * A stored entry holds the bytes the miss sent, its content type, the headers the handler set
 * and a strong `ETag`; the miss and every hit send exactly that, with `Vary` for the route's
 * `varyHeaders`, and answer a matching `If-None-Match` with 304. Streams (`@Sse()`,
 * `StreamableFile`, Observables emitting more than once, handlers writing the response
 * themselves) pass through untouched. A Redis failure never changes the response: the handler runs.
 *
 * A route with `staleWhileRevalidateSeconds` answers a stale entry at once (`X-Cache: STALE`)
 * while one refresh runs its handler in the background, and refreshes ahead of expiry; a stale
 * entry served in grace (the handler failed) is `STALE` too.
 *
 * Applied by `@Cacheable`, `@CacheEvict` and `@CachePut`, or globally (`APP_INTERCEPTOR`), where
 * it caches every GET route not marked `@NoCache()`.
 */
@Injectable()
export class CacheInterceptor implements NestInterceptor {
  protected readonly policy = new ResponseStoragePolicy();
  protected readonly options: HttpCacheOptions;
  protected readonly credentials: RequestCredentials;
  protected readonly notStored: NotStoredCounters;
  private readonly handlers: HandlerPlans;
  /** The set of lower-case names of each `varyHeaders` list given to `hasCredentials`. */
  private readonly keyedSets = new WeakMap<readonly string[], ReadonlySet<string>>();

  private readonly log: RateLimitedLogger;

  constructor(
    protected readonly cache: CacheService,
    protected readonly metadata: CacheMetadataAccessor,
    @Optional() @Inject(HTTP_CACHE_OPTIONS) options?: HttpCacheOptions,
  ) {
    this.options = options ?? {};
    this.credentials = new RequestCredentials(this.options.anonymousRequestHeaders);
    this.notStored = NotStoredCounters.of(cache);
    this.handlers = new HandlerPlans(metadata);
    this.log = new RateLimitedLogger(
      new Logger('CacheInterceptor'),
      cache.connection.settings.logIntervalMs,
    );
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const exchange = HttpExchange.from(context);
    if (handled.has(exchange.request)) return next.handle();
    handled.add(exchange.request);
    const plan = this.handlers.of(context.getClass(), context.getHandler());
    if (plan.passThrough) return next.handle();
    const method = exchange.method;
    if (plan.read && (method === 'GET' || method === 'HEAD')) {
      const name = countersName(plan, exchange.routePath);
      try {
        return this.read(exchange, plan.read, name, plan.version, next);
      } catch (error) {
        // A key, tag or condition function that throws fails the request as it always did.
        return throwError(() => error);
      }
    }
    if (plan.writes) return defer(() => this.runWrites(exchange, plan.meta, plan.version, next));
    return next.handle();
  }

  /** Counts of the responses sent without being stored, by reason (shared by every instance). */
  getNotStoredStats(): NotStoredStats {
    return this.notStored.snapshot();
  }

  /**
   * Reads a GET or HEAD through the cache. Everything up to the key is decided at once, and a
   * fresh entry the memory tier holds is sent at once too (see {@link heldResponse}); anything
   * else waits for Redis or the handler (see {@link serve}).
   */
  protected read(
    exchange: HttpExchange,
    route: ReadRoute,
    name: string,
    version: string | undefined,
    next: CallHandler,
  ): Observable<unknown> {
    if (route.revalidationIgnored) {
      this.log.warn(
        `swr:${name}`,
        `${name} takes @Res() or @Next(): staleWhileRevalidateSeconds is ignored (its handler cannot run in the background)`,
      );
    }
    const started = this.startRead(exchange, route, version);
    if (typeof started === 'string') {
      return defer(() => this.bypass(exchange, route.scope, next, started));
    }
    const { call, key } = started;
    const held = this.heldResponse(call, key, name);
    if (held === 'unreadable') {
      return defer(() => this.bypass(exchange, route.scope, next, 'unreadable-entry'));
    }
    if (held !== undefined) return single(this.send(call, held, 'HIT'));
    return defer(() => this.serve(call, key, name, next));
  }

  /**
   * What a read is before the cache is asked: who it is for (a user route resolves its user and
   * answers `Cache-Control: private`) and its key; or why it goes to the handler untouched.
   */
  protected startRead(
    exchange: HttpExchange,
    route: ReadRoute,
    version: string | undefined,
  ): { call: ReadCall; key: string } | BypassReason {
    let userId: string | number | undefined;
    if (route.scope === 'user') {
      userId = this.resolveUser(exchange.request);
      exchange.setResponseHeader('Cache-Control', 'private');
      if (userId === undefined) return 'anonymous';
    } else if (this.hasCredentials(exchange, route.varyHeaders)) {
      return 'credential';
    }
    const call = new ReadCall(exchange, route, userId);
    const { options } = route;
    if (options.condition && !callWith(options.condition, [call.context])) return 'condition';
    const matched = exchange.matchedRoute(version);
    if (matched === undefined) return 'unrouted';
    if (options.key === undefined && userId === undefined && route.varyHeaders.length === 0) {
      // Keyed by the route alone: the same key on every request with the same parameter.
      return { call, key: route.keys.keyOf(exchange, matched, options.queryParams) };
    }
    const key = buildRequestKey({
      url: exchange.url,
      route: matched,
      allowedQuery: options.queryParams,
      varyHeaders: varyValues(exchange, route.varyHeaders),
      userId,
      // The context is built only for a route that has functions to give it to.
      customKey: options.key === undefined ? undefined : resolveOption(options.key, [call.context]),
    });
    return { call, key };
  }

  /**
   * The entry the memory tier holds fresh for `key`, read without waiting, prepared to send;
   * `'unreadable'` when what it holds is no stored response. `undefined` (ask Redis) when the
   * route opted out of memory, or while an invalidation waits to reach Redis: that path
   * checks the route's tags too.
   */
  private heldResponse(
    call: ReadCall,
    key: string,
    name: string,
  ): PreparedResponse | 'unreadable' | undefined {
    // A route that refreshes in the background goes through getOrSet, which refreshes ahead.
    if (!call.route.memory || call.route.revalidates) return undefined;
    if (this.cache.pendingInvalidations > 0) return undefined;
    const held = this.cache.peekFresh<unknown>(key, { name });
    if (held === undefined) return undefined;
    return prepareStoredResponse(held.value) ?? 'unreadable';
  }

  /** Answers a GET or HEAD from Redis, or runs the handler and stores what it may. */
  protected async serve(
    call: ReadCall,
    key: string,
    name: string,
    next: CallHandler,
  ): Promise<unknown> {
    const { exchange, route } = call;
    const { options, scope } = route;
    // A route that opts in to background refreshes runs its handler again after this request
    // was answered, against the response as it was when the request reached the cache.
    const revalidateSeconds = options.staleWhileRevalidateSeconds ?? 0;
    if (exchange.method === 'HEAD') {
      // The headers a GET would get now: a fresh entry's, a stale one's only where the GET
      // would answer STALE; otherwise the handler runs (nothing is stored from a HEAD).
      const entry = await this.cache.getEntry<unknown>(key);
      const nowMs = this.cache.clock.now();
      const outcome =
        entry === null
          ? undefined
          : isFresh(entry, nowMs)
            ? 'HIT'
            : revalidateSeconds > 0 && isServableStale(entry, nowMs)
              ? 'STALE'
              : undefined;
      const stored = outcome && entry ? prepareStoredResponse(entry.value) : undefined;
      if (outcome === undefined || stored === undefined) {
        return this.bypass(exchange, scope, next, 'head-miss');
      }
      return this.send(call, stored, outcome);
    }

    const before: ResponseSnapshot | undefined =
      revalidateSeconds > 0 ? exchange.responseSnapshot() : undefined;
    let produced: Produced | undefined;
    let stale = false;
    const loader = async (load: LoaderContext): Promise<CachedHttpResponse | null> => {
      if (load.background) {
        if (before === undefined) return null;
        const detached = new ReadCall(exchange.detached(before), route, call.userId);
        const refreshed = await this.produce(detached, next);
        return refreshed.entry ?? null;
      }
      produced = await this.produce(call, next);
      return produced.entry ?? null;
    };
    const getOptions: GetOrSetOptions<CachedHttpResponse | null> = {
      name,
      tags: resolveOption(options.tags, [call.context]) ?? [],
      cacheIf: (entry) => entry !== null,
      ttlSeconds: options.ttlSeconds ?? this.options.defaultTtlSeconds,
      graceSeconds: options.graceSeconds,
      staleWhileRevalidateSeconds: revalidateSeconds,
      refreshAheadBeta: before === undefined ? 0 : options.refreshAheadBeta,
      // The request that runs the handler is the one that sends its response: it waits for it.
      softTimeoutMs: Number.POSITIVE_INFINITY,
      onStale: () => (stale = true),
      lock: options.lock,
    };
    if (!route.memory) getOptions.memory = false;
    const response = await this.cache.getOrSet(key, loader, getOptions);
    if (produced) {
      const entry = produced.entry;
      return entry ? this.send(call, prepareResponse(entry), 'MISS') : produced.body;
    }
    const stored = prepareStoredResponse(response);
    if (stored !== undefined) return this.send(call, stored, stale ? 'STALE' : 'HIT');
    return this.bypass(exchange, scope, next, 'unreadable-entry');
  }

  /**
   * Runs the handler and, when its response may be stored, builds its entry (see
   * {@link missEntry}): the entry holds the very bytes this miss then sends.
   */
  protected async produce(call: ReadCall, next: CallHandler): Promise<Produced> {
    const { exchange } = call;
    const { scope, options, varyHeaders } = call.route;
    const run = await runHandler(exchange, next);
    const miss = missEntry(this.policy, exchange, run, {
      scope,
      varyHeaders,
      replayHeaders: options.replayHeaders,
    });
    if (scope === 'user') keepPrivate(exchange);
    // An interceptor or pipe inside the cache may have identified the caller after our check.
    const userSetInside = scope === 'shared' && hasRequestUser(exchange);
    if (
      'entry' in miss &&
      !userSetInside &&
      !callUnless(options.unless, run.body, [call.context])
    ) {
      return { body: run.body, entry: miss.entry };
    }
    this.notStored.count(
      userSetInside ? 'credential' : 'refusal' in miss ? miss.refusal : 'unless',
    );
    this.mark(exchange, scope, 'BYPASS');
    return { body: run.body };
  }

  /** Sends a stored entry, on the miss that stored it and on every hit (fresh or stale) alike. */
  protected send(
    call: ReadCall,
    entry: PreparedResponse,
    outcome: 'HIT' | 'STALE' | 'MISS',
  ): unknown {
    const { exchange, route } = call;
    this.mark(exchange, route.scope, outcome);
    return replayResponse(exchange, entry, {
      scope: route.scope,
      varyHeaders: route.varyHeaders,
      hit: outcome !== 'MISS',
    });
  }

  /** Runs a write route and its `@CacheEvict` / `@CachePut` (see {@link runRouteWrites}). */
  protected runWrites(
    exchange: HttpExchange,
    meta: CacheMethodMetadata,
    version: string | undefined,
    next: CallHandler,
  ): Promise<unknown> {
    const context = exchange.cacheContext(this.resolveUser(exchange.request));
    return runRouteWrites(this.cache, meta, exchange, context, next, (body, key, options) =>
      this.putResponse(exchange, version, body, key, options),
    );
  }

  /**
   * `@CachePut` on a route: stores the result as the response of `GET` on the same route (the
   * key and the entry format that route's `@Cacheable` reads), or under the GET's own key when
   * given. Every other entry of the same path (other queries, vary values, users) is deleted
   * first. The body is serialised as the platform sends a GET's result; a result the platform
   * would not send as one body is not stored, and the old entry is deleted.
   */
  protected async putResponse(
    exchange: HttpExchange,
    version: string | undefined,
    body: unknown,
    customKey: string | undefined,
    options: SetOptions,
  ): Promise<void> {
    const route = exchange.matchedRoute(version);
    const key = buildRequestKey({
      url: exchange.url,
      allowedQuery: [],
      varyHeaders: {},
      ...(route ? { route } : {}),
      ...(customKey !== undefined ? { customKey } : {}),
    });
    // Variants of the resource (other queries, vary values, users) would keep the old body.
    if (customKey === undefined) {
      await this.cache.deleteByPrefix(
        requestKeyVariantsPrefix({ url: exchange.url, ...(route ? { route } : {}) }),
      );
    }
    const sent = sentBody(body, exchange.platform, undefined, exchange.jsonSettings());
    if (sent === undefined) {
      await this.cache.del(key);
      return;
    }
    const setOptions: SetOptions = { ...options };
    if (setOptions.ttlSeconds === undefined && this.options.defaultTtlSeconds !== undefined) {
      setOptions.ttlSeconds = this.options.defaultTtlSeconds;
    }
    await this.cache.set(key, toCachedResponse(200, sent, {}), setOptions);
  }

  /**
   * Whether the request to a shared route may carry a credential: a credential header, a header
   * outside the anonymous list the route does not key on, or a `request.user` a guard set.
   */
  protected hasCredentials(exchange: HttpExchange, varyHeaders: readonly string[]): boolean {
    if (hasRequestUser(exchange)) return true;
    let keyed = this.keyedSets.get(varyHeaders);
    if (keyed === undefined) {
      keyed = new Set(varyHeaders.map((h) => h.toLowerCase()));
      this.keyedSets.set(varyHeaders, keyed);
    }
    return this.credentials.anyIn(exchange.requestHeaders, keyed);
  }

  /**
   * The user of a user-scoped route, or `undefined` (then nothing is cached): a non-empty string
   * or a finite number. Anything else the resolver returns (an object, an array) cannot key an
   * entry per user, so it bypasses, with one warning.
   */
  protected resolveUser(request: unknown): string | number | undefined {
    let id: unknown;
    try {
      id = (this.options.userResolver ?? defaultUserResolver)(request);
    } catch {
      return undefined;
    }
    if (
      (typeof id === 'string' && id.length > 0) ||
      (typeof id === 'number' && Number.isFinite(id))
    ) {
      return id;
    }
    if (id !== null && id !== undefined && id !== '') {
      this.log.warn(
        'user-resolver',
        `http.userResolver returned ${Array.isArray(id) ? 'an array' : `a ${typeof id}`}, not a string or number id: user-scoped routes are not cached`,
      );
    }
    return undefined;
  }

  private async bypass(
    exchange: HttpExchange,
    scope: CacheScope,
    next: CallHandler,
    reason: string,
  ): Promise<unknown> {
    this.notStored.count(reason);
    this.mark(exchange, scope, 'BYPASS');
    return lastValueFrom(next.handle(), { defaultValue: undefined });
  }

  private mark(exchange: HttpExchange, scope: CacheScope, outcome: CacheOutcome): void {
    if (scope === 'shared' && this.options.xCacheHeader !== false) {
      exchange.setResponseHeader('X-Cache', outcome);
    }
  }
}

/** An Observable of one value: what `of(value)` gives, without its scheduler and array handling. */
function single<T>(value: T): Observable<T> {
  return new Observable<T>((subscriber) => {
    subscriber.next(value);
    subscriber.complete();
  });
}

/** The values of the request headers a route varies on, by lower-case name. */
function varyValues(
  exchange: HttpExchange,
  varyHeaders: readonly string[],
): Record<string, string | undefined> | undefined {
  if (varyHeaders.length === 0) return undefined;
  return Object.fromEntries(varyHeaders.map((h) => [h.toLowerCase(), exchange.requestHeader(h)]));
}
