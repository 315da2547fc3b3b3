import { buildRequestKey, soleRouteParam, type MatchedRoute } from './request-key.js';

/** Most keys remembered per route pattern; past it, that pattern's memo starts over. */
export const MAX_MEMO_KEYS_PER_PATTERN = 1_000;

/** The remembered keys of one route pattern, by the value of its parameter. */
interface PatternMemo {
  param: string;
  keys: Map<string, string>;
}

/**
 * The request keys of one handler's plain one-parameter routes (`/products/:id`), remembered by
 * the parameter's value: a hit finds the key that {@link buildRequestKey} gave the first request
 * with that value, already built and hashed, instead of building it again. Only keys made of
 * the route and its parameter are remembered (no query part, vary value, user or custom key);
 * any other request is keyed by {@link buildRequestKey} itself. One memo per handler, whose
 * `version` never changes.
 */
export class RequestKeyMemo {
  /** By route pattern; `null` for a pattern that is not plain with one parameter. */
  private readonly patterns = new Map<string, PatternMemo | null>();

  /**
   * The key of a request for `target` (read only when the query may count) to `route`, with no
   * vary headers, user or custom key: `buildRequestKey({ url: target.url, route, allowedQuery })`.
   */
  keyOf(
    target: { readonly url: string },
    route: MatchedRoute,
    allowedQuery: readonly string[] | undefined,
  ): string {
    const memo = this.patternMemo(route.pattern);
    const value = memo === null ? undefined : route.params[memo.param];
    if (
      memo === null ||
      typeof value !== 'string' ||
      !hasOneOwnKey(route.params) ||
      // The query would be part of the key.
      (allowedQuery?.length !== 0 && target.url.includes('?'))
    ) {
      return buildRequestKey({ url: target.url, route, allowedQuery });
    }
    let key = memo.keys.get(value);
    if (key === undefined) {
      key = buildRequestKey({ url: target.url, route, allowedQuery });
      if (memo.keys.size >= MAX_MEMO_KEYS_PER_PATTERN) memo.keys.clear();
      memo.keys.set(value, key);
    }
    return key;
  }

  private patternMemo(pattern: string): PatternMemo | null {
    let memo = this.patterns.get(pattern);
    if (memo === undefined) {
      const param = soleRouteParam(pattern);
      memo = param === undefined ? null : { param, keys: new Map() };
      this.patterns.set(pattern, memo);
    }
    return memo;
  }
}

/** Whether `params` has exactly one own enumerable key. */
function hasOneOwnKey(params: Readonly<Record<string, unknown>>): boolean {
  // Express's router gives parameters in a prototype-less object, which V8 keeps as a
  // dictionary: listing its keys is cheaper than iterating them.
  return Object.keys(params).length === 1;
}
