import {
  Inject,
  Injectable,
  Optional,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { defer, lastValueFrom, type Observable } from 'rxjs';
import { HTTP_CACHE_OPTIONS } from '../cache.constants.js';
import { CacheService } from '../caching/cache.service.js';
import type { GetOrSetOptions } from '../caching/get-or-set.options.js';
import {
  callUnless,
  callWith,
  resolveOption,
  type CacheScope,
  type CacheableOptions,
  type HttpCacheContext,
} from '../decorators/cache-decorator.options.js';
import {
  CacheMetadataAccessor,
  type CacheMethodMetadata,
} from '../decorators/cache-metadata.accessor.js';
import { runEvict, runPut } from '../decorators/cache-operations.js';
import type { CachedHttpResponse } from './cached-response.js';
import { defaultUserResolver, type HttpCacheOptions } from './http-cache.options.js';
import { HeaderReads } from './header-reads.js';
import { HttpExchange } from './http-exchange.js';
import {
  HTTP_KEY_PREFIX,
  buildRequestKey,
  normalisePath,
  queryObject,
  routeKeyPath,
} from './request-key.js';
import { ResponseStoragePolicy } from './response-storage.policy.js';

/** Marks a request this interceptor already handles (when applied globally and on the route). */
const HANDLED = Symbol('cache-interceptor-handled');

/** Headers a user-scoped route may read freely: its key is the user they identify. */
const USER_IDENTITY_HEADERS = ['authorization', 'cookie'];

/** `X-Cache` values. */
type CacheOutcome = 'HIT' | 'MISS' | 'BYPASS';

/**
 * HTTP caching on Express and Fastify. Only GET responses are cached (HEAD is answered from the
 * GET entry); other methods never read or write the cache, they only run `@CacheEvict` /
 * `@CachePut`. A request with `Authorization` or `Cookie` bypasses a shared route; a
 * `scope: 'user'` route keys the entry by the user and answers `Cache-Control: private`.
 * A Redis failure never changes the response: the handler runs.
 *
 * Applied by `@Cacheable`, `@CacheEvict` and `@CachePut`, or globally (`APP_INTERCEPTOR`), where
 * it caches every GET route not marked `@NoCache()`.
 */
@Injectable()
export class CacheInterceptor implements NestInterceptor {
  protected readonly policy = new ResponseStoragePolicy();
  protected readonly options: HttpCacheOptions;

  constructor(
    protected readonly cache: CacheService,
    protected readonly metadata: CacheMetadataAccessor,
    @Optional() @Inject(HTTP_CACHE_OPTIONS) options?: HttpCacheOptions,
  ) {
    this.options = options ?? {};
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const exchange = HttpExchange.from(context);
    const request = exchange.request as Record<symbol, unknown>;
    if (request[HANDLED]) return next.handle();
    request[HANDLED] = true;
    const meta = this.metadata.read(context.getHandler(), context.getClass());
    if (meta.noCache) return next.handle();
    const method = exchange.method;
    const isRead = method === 'GET' || method === 'HEAD';
    const cachesReads = meta.cacheable !== undefined || (!meta.evict && !meta.put);
    if (isRead && cachesReads) {
      const name = meta.cacheable?.name ?? this.routeName(exchange, context);
      return defer(() => this.serve(exchange, meta.cacheable ?? {}, name, next));
    }
    if (meta.evict || meta.put) return defer(() => this.runWrites(exchange, meta, next));
    return next.handle();
  }

  /** Answers a GET or HEAD from the cache, or runs the handler and stores what it may. */
  protected async serve(
    exchange: HttpExchange,
    options: CacheableOptions,
    name: string,
    next: CallHandler,
  ): Promise<unknown> {
    const scope: CacheScope = options.scope ?? 'shared';
    let userId: string | number | undefined;
    if (scope === 'user') {
      userId = this.resolveUser(exchange.request);
      exchange.setResponseHeader('Cache-Control', 'private');
      if (userId === undefined) return this.bypass(exchange, scope, next);
    } else if (this.hasCredentials(exchange)) {
      return this.bypass(exchange, scope, next);
    }
    const context = this.context(exchange, userId);
    if (options.condition && !callWith(options.condition, [context])) {
      return this.bypass(exchange, scope, next);
    }
    const varyHeaders = Object.fromEntries(
      (options.varyHeaders ?? []).map((h) => [h.toLowerCase(), exchange.requestHeader(h)]),
    );
    const key = buildRequestKey({
      url: exchange.url,
      routePath: routeKeyPath(exchange.routePath, exchange.params),
      allowedQuery: options.queryParams,
      varyHeaders,
      userId,
      customKey: resolveOption(options.key, [context]),
    });

    if (exchange.method === 'HEAD') {
      const stored = await this.cache.get<CachedHttpResponse>(key);
      return stored ? this.replay(exchange, stored, scope) : this.bypass(exchange, scope, next);
    }

    let produced = false;
    let storable = false;
    const loader = async (): Promise<CachedHttpResponse> => {
      const reads = HeaderReads.watch(exchange.request);
      let body: unknown;
      try {
        body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      } finally {
        reads.stop();
      }
      produced = true;
      const keyed = new Set(Object.keys(varyHeaders));
      if (scope === 'user') for (const h of USER_IDENTITY_HEADERS) keyed.add(h);
      const decision = this.policy.decide({
        status: exchange.status,
        setCookie: exchange.responseHeader('set-cookie'),
        cacheControl: exchange.responseHeader('cache-control'),
        vary: exchange.responseHeader('vary'),
        keyedHeaders: Object.keys(varyHeaders),
        unkeyedHeadersRead: reads.unkeyed(keyed, body),
        scope,
        body,
      });
      storable = decision.store && !callUnless(options.unless, body, [context]);
      if (scope === 'user') this.keepPrivate(exchange);
      const contentType = exchange.responseHeader('content-type')[0];
      const response: CachedHttpResponse = {
        status: exchange.status,
        body,
        storedAtMs: Date.now(),
      };
      if (contentType !== undefined) response.contentType = contentType;
      return response;
    };
    const getOptions: GetOrSetOptions<CachedHttpResponse> = {
      name,
      tags: resolveOption(options.tags, [context]) ?? [],
      cacheIf: () => storable,
      ttlSeconds: options.ttlSeconds ?? this.options.defaultTtlSeconds,
      graceSeconds: options.graceSeconds,
      // A background refresh would run the handler after its response was sent.
      staleWhileRevalidateSeconds: 0,
      lock: options.lock,
    };
    const response = await this.cache.getOrSet(key, loader, getOptions);
    if (!produced) return this.replay(exchange, response, scope);
    this.mark(exchange, scope, 'MISS');
    return response.body;
  }

  /** Runs a write route, then its `@CacheEvict` / `@CachePut` when it succeeded. */
  protected async runWrites(
    exchange: HttpExchange,
    meta: CacheMethodMetadata,
    next: CallHandler,
  ): Promise<unknown> {
    const context = this.context(exchange, this.resolveUser(exchange.request));
    const allPrefix = `${HTTP_KEY_PREFIX}:`;
    if (meta.evict?.beforeInvocation) await runEvict(this.cache, meta.evict, [context], allPrefix);
    const body: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
    if (exchange.status < 400) {
      if (meta.evict && !meta.evict.beforeInvocation) {
        await runEvict(this.cache, meta.evict, [context], allPrefix);
      }
      if (meta.put) await runPut(this.cache, meta.put, body, [context]);
    }
    return body;
  }

  /** Whether the request carries credentials, which keep it out of a shared cache. */
  protected hasCredentials(exchange: HttpExchange): boolean {
    return (
      exchange.requestHeader('authorization') !== undefined ||
      exchange.requestHeader('cookie') !== undefined
    );
  }

  /** The user of a user-scoped route, or `undefined` (then nothing is cached). */
  protected resolveUser(request: unknown): string | number | undefined {
    try {
      const id = (this.options.userResolver ?? defaultUserResolver)(request);
      return id === null || id === undefined || id === '' ? undefined : id;
    } catch {
      return undefined;
    }
  }

  /** A user's response must not be stored by shared caches downstream, whatever the handler set. */
  private keepPrivate(exchange: HttpExchange): void {
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

  private async bypass(
    exchange: HttpExchange,
    scope: CacheScope,
    next: CallHandler,
  ): Promise<unknown> {
    this.mark(exchange, scope, 'BYPASS');
    return lastValueFrom(next.handle(), { defaultValue: undefined });
  }

  private replay(exchange: HttpExchange, response: CachedHttpResponse, scope: CacheScope): unknown {
    exchange.status = response.status;
    if (response.contentType !== undefined) {
      exchange.setResponseHeader('Content-Type', response.contentType);
    }
    const ageSeconds = Math.max(0, Math.floor((Date.now() - response.storedAtMs) / 1000));
    exchange.setResponseHeader('Age', String(ageSeconds));
    this.mark(exchange, scope, 'HIT');
    return response.body;
  }

  private mark(exchange: HttpExchange, scope: CacheScope, outcome: CacheOutcome): void {
    if (scope === 'shared' && this.options.xCacheHeader !== false) {
      exchange.setResponseHeader('X-Cache', outcome);
    }
  }

  private context(exchange: HttpExchange, userId: string | number | undefined): HttpCacheContext {
    const context: HttpCacheContext = {
      method: exchange.method,
      path: normalisePath(exchange.url),
      params: exchange.params,
      query: queryObject(exchange.url),
      body: exchange.request.body,
    };
    if (userId !== undefined) context.userId = userId;
    return context;
  }

  private routeName(exchange: HttpExchange, context: ExecutionContext): string {
    const route = exchange.routePath;
    if (route !== undefined) return `GET ${route}`;
    return `${context.getClass().name}.${context.getHandler().name}`;
  }
}
