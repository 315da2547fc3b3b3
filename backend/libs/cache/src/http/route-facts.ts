import {
  REDIRECT_METADATA,
  RENDER_METADATA,
  RESPONSE_PASSTHROUGH_METADATA,
  ROUTE_ARGS_METADATA,
  SSE_METADATA,
  VERSION_METADATA,
} from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';

/** A route handler, as `ExecutionContext.getHandler()` gives it. */
export type Handler = object & { readonly name: string };

/** What the cache needs to know about a route handler, read once from its metadata. */
export interface RouteFacts {
  /**
   * The response is not one value the cache could hold: an `@Sse()` stream, a handler that
   * writes the response itself (`@Res()` / `@Next()` without `passthrough`), a `@Render()`
   * template or a `@Redirect()`. The cache passes it through untouched.
   */
  passThrough: boolean;
  /**
   * The handler never touches the response object (no `@Res()` or `@Next()`, even with
   * `passthrough`), so it can run again in the background after its request was answered: what
   * stale-while-revalidate and refresh ahead need on a route.
   */
  refreshable: boolean;
  /** The handler's `@Version()` (method, else class), which tells apart handlers of one path. */
  version?: string;
}

/**
 * Reads {@link RouteFacts} per handler and keeps them (route metadata never changes). Kept per
 * controller class too: a subclass inherits the handler function but may carry its own version.
 */
export class RouteFactsReader {
  private readonly known = new WeakMap<object, WeakMap<Handler, RouteFacts>>();

  /** The facts of `handler` of the controller class `controller`. */
  of(controller: object, handler: Handler): RouteFacts {
    let byHandler = this.known.get(controller);
    if (byHandler === undefined) this.known.set(controller, (byHandler = new WeakMap()));
    let facts = byHandler.get(handler);
    if (facts === undefined) {
      facts = read(controller, handler);
      byHandler.set(handler, facts);
    }
    return facts;
  }
}

function read(controller: object, handler: Handler): RouteFacts {
  const on = (key: string) => Reflect.getMetadata(key, handler) !== undefined;
  const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) as
    Record<string, unknown> | undefined;
  const takesResponse = Object.keys(args ?? {}).some((key) => {
    const type = Number(key.split(':')[0]);
    return type === Number(RouteParamtypes.RESPONSE) || type === Number(RouteParamtypes.NEXT);
  });
  const writesItself =
    takesResponse && !Reflect.getMetadata(RESPONSE_PASSTHROUGH_METADATA, controller, handler.name);
  const passThrough =
    writesItself || on(SSE_METADATA) || on(RENDER_METADATA) || on(REDIRECT_METADATA);
  const facts: RouteFacts = { passThrough, refreshable: !passThrough && !takesResponse };
  const version = versionText(
    (Reflect.getMetadata(VERSION_METADATA, handler) ??
      Reflect.getMetadata(VERSION_METADATA, controller)) as unknown,
  );
  if (version !== undefined) facts.version = version;
  return facts;
}

function versionText(version: unknown): string | undefined {
  if (typeof version === 'string') return version;
  if (typeof version === 'symbol') return 'neutral';
  if (Array.isArray(version)) return version.map((v) => versionText(v) ?? '').join(',');
  return undefined;
}
