import type { CacheScope, CacheableOptions } from '../decorators/cache-decorator.options.js';
import type {
  CacheMetadataAccessor,
  CacheMethodMetadata,
} from '../decorators/cache-metadata.accessor.js';
import { RequestKeyMemo } from './request-key.memo.js';
import { RouteFactsReader, type Handler } from './route-facts.js';

/** How a route's GET (and HEAD) requests are read through the cache: its options, resolved. */
export interface ReadRoute {
  options: CacheableOptions;
  scope: CacheScope;
  /** The route's `varyHeaders`, as given (empty when none). */
  varyHeaders: readonly string[];
  /** `false` when the route opted out of the memory tier (`memory: false`). */
  memory: boolean;
  /** Whether stale entries are refreshed in the background (`staleWhileRevalidateSeconds`). */
  revalidates: boolean;
  /**
   * The route asked for `staleWhileRevalidateSeconds` but takes `@Res()` or `@Next()`: its
   * handler cannot run in the background, so the option is dropped (and a warning logged).
   */
  revalidationIgnored: boolean;
  /** The keys of this route's plain requests, remembered (see {@link RequestKeyMemo}). */
  keys: RequestKeyMemo;
}

/** What `CacheInterceptor` does with the requests of one handler. */
export interface HandlerPlan {
  /** The cache decorators' metadata (method over class). */
  meta: CacheMethodMetadata;
  /** `@NoCache()`, or a response that is not one value (see `RouteFacts.passThrough`). */
  passThrough: boolean;
  /** The handler's `@Version()`, part of its keys. */
  version: string | undefined;
  /** Set when GET and HEAD requests are read through the cache. */
  read: ReadRoute | undefined;
  /** Whether the handler runs `@CacheEvict` / `@CachePut`. */
  writes: boolean;
  /** `Class.method`: the counters' name when neither the route nor the options give one. */
  handlerName: string;
  /** Counter names of the route paths seen (`GET /products/:id`), made once each. */
  namesByPath: Map<string, string>;
}

/**
 * The name a read of `plan` is counted under: `@Cacheable({ name })`, else `GET <route path>`,
 * else `Class.method`. The same string on every request, so that finding its counters is cheap.
 */
export function countersName(plan: HandlerPlan, routePath: string | undefined): string {
  const given = plan.read?.options.name;
  if (given !== undefined) return given;
  if (routePath === undefined) return plan.handlerName;
  let name = plan.namesByPath.get(routePath);
  if (name === undefined) {
    name = `GET ${routePath}`;
    plan.namesByPath.set(routePath, name);
  }
  return name;
}

const NO_HEADERS: readonly string[] = Object.freeze([]);

/**
 * Works out each handler's {@link HandlerPlan} on its first request and keeps it: decorator
 * metadata and route metadata never change, so no request reads them again. Kept per
 * controller class and handler function (a subclass may decorate an inherited handler).
 */
export class HandlerPlans {
  private readonly known = new WeakMap<object, WeakMap<Handler, HandlerPlan>>();
  private readonly routes = new RouteFactsReader();

  constructor(private readonly metadata: CacheMetadataAccessor) {}

  /** The plan of `handler` on the controller class `controller`. */
  of(controller: object & { readonly name: string }, handler: Handler): HandlerPlan {
    let byHandler = this.known.get(controller);
    if (byHandler === undefined) this.known.set(controller, (byHandler = new WeakMap()));
    let plan = byHandler.get(handler);
    if (plan === undefined) {
      plan = this.build(controller, handler);
      byHandler.set(handler, plan);
    }
    return plan;
  }

  private build(controller: object & { readonly name: string }, handler: Handler): HandlerPlan {
    const meta = this.metadata.read(handler, controller);
    const facts = this.routes.of(controller, handler);
    const cachesReads = meta.cacheable !== undefined || (!meta.evict && !meta.put);
    return {
      meta,
      passThrough: meta.noCache || facts.passThrough,
      version: facts.version,
      read: cachesReads ? readRoute(meta.cacheable ?? {}, facts.refreshable) : undefined,
      writes: meta.evict !== undefined || meta.put !== undefined,
      handlerName: `${controller.name}.${handler.name}`,
      namesByPath: new Map(),
    };
  }
}

function readRoute(given: CacheableOptions, refreshable: boolean): ReadRoute {
  const asked = (given.staleWhileRevalidateSeconds ?? 0) > 0;
  const options = asked && !refreshable ? { ...given, staleWhileRevalidateSeconds: 0 } : given;
  const varyHeaders = options.varyHeaders ?? NO_HEADERS;
  return {
    options,
    scope: options.scope ?? 'shared',
    varyHeaders,
    memory: options.memory !== false,
    revalidates: asked && refreshable,
    revalidationIgnored: asked && !refreshable,
    keys: new RequestKeyMemo(),
  };
}
