import { encodeKeyPart, key } from '../keys/index.js';

/** The route the router matched for a request: its pattern and the parameters it extracted. */
export interface MatchedRoute {
  /** The route pattern as the platform reports it (`/products/:id`, `/docs/{*path}`, `/docs/*`). */
  pattern: string;
  /** The router's parameters: strings, or arrays of segments (Express wildcards). */
  params: Readonly<Record<string, unknown>>;
  /** The handler's API version (`@Version()`), when versioning picks among handlers of a path. */
  version?: string;
}

/** What an HTTP cache key is made of. */
export interface RequestKeyParts {
  /** The URL as requested (path and query string); only its query counts once `route` is known. */
  url: string;
  /** Query parameters that count; `undefined` means all of them. */
  allowedQuery?: readonly string[];
  /** Request headers the route varies on, with their values. */
  varyHeaders?: Readonly<Record<string, string | undefined>>;
  /** The user of a `scope: 'user'` route. */
  userId?: string | number;
  /**
   * The route the router matched. Two requests share a key only if they matched the same route
   * with the same parameters; without it, the normalised URL path is used.
   */
  route?: MatchedRoute;
  /** A route-defined key replacing path and query. */
  customKey?: string;
}

/** Logical-key prefix of HTTP responses. */
export const HTTP_KEY_PREFIX = 'http';

/** Unreserved characters that clients may or may not percent-encode. */
const UNRESERVED_ESCAPE = /%(2[DE]|3[0-9]|[46][1-9A-F]|[57][0-9A]|5F|7E)/gi;

/**
 * The normalised path of a URL: dot segments resolved, repeated and trailing slashes removed,
 * needless percent-encoding undone. `/a//b/./c/` and `/a/b/c` give the same path. The URL is read
 * as a path only: `//host/x` is the path `/host/x`, never a host. What key, tag and condition
 * functions receive as `path`; keys themselves come from the matched route.
 */
export function normalisePath(url: string): string {
  const raw = pathOf(url);
  let pathname: string;
  try {
    pathname = new URL(`http://localhost${raw.startsWith('/') ? '' : '/'}${raw}`).pathname;
  } catch {
    pathname = raw;
  }
  const decoded = pathname.replace(UNRESERVED_ESCAPE, (escape) =>
    String.fromCharCode(parseInt(escape.slice(1), 16)),
  );
  const collapsed = decoded.replace(/\/{2,}/g, '/');
  return collapsed.length > 1 && collapsed.endsWith('/') ? collapsed.slice(0, -1) : collapsed;
}

/** A route pattern made only of literal segments and `:name` parameters. */
const PLAIN_ROUTE = /^(\/(:[A-Za-z_][A-Za-z0-9_]*|[A-Za-z0-9._~-]+))*\/?$/;

/**
 * The path of a request as routed. A plain pattern is filled with its parameters, each encoded
 * (`/products/:id` with `{ id: 'a/b' }` gives `/products/a%2Fb`), so one resource has one key
 * however its URL was spelled. Any other pattern (wildcards, optional parts, several parameters
 * in a segment) is kept with its parameters listed after it (`/docs/{*path};path=[/a/b]`): filling it in
 * could make two parameter sets read alike.
 */
export function routedPath(route: MatchedRoute): string {
  const segments = plainSegments(route.pattern);
  if (segments !== null) {
    const filled = fillPlainRoute(segments, route.params);
    if (filled !== undefined) return filled;
  }
  const params = Object.keys(route.params)
    .sort(compare)
    .flatMap((name) => {
      const value = encodeParam(route.params[name]);
      return value === undefined ? [] : [`${encodeURIComponent(name)}=${value}`];
    })
    .join('&');
  return `${route.pattern.replace(/[%;]/g, (c) => encodeURIComponent(c))};${params}`;
}

/** A segment of a plain route pattern: literal text, or the name of a parameter. */
type PlainSegment = { literal: string } | { param: string };

/** Plain patterns split once (`null`: not plain); route patterns are few and never change. */
const plainPatterns = new Map<string, readonly PlainSegment[] | null>();
const MAX_REMEMBERED_PATTERNS = 1_000;

function plainSegments(pattern: string): readonly PlainSegment[] | null {
  const known = plainPatterns.get(pattern);
  if (known !== undefined) return known;
  const segments = PLAIN_ROUTE.test(pattern)
    ? pattern
        .split('/')
        .filter((s) => s.length > 0)
        .map((s): PlainSegment => (s.startsWith(':') ? { param: s.slice(1) } : { literal: s }))
    : null;
  if (plainPatterns.size < MAX_REMEMBERED_PATTERNS) plainPatterns.set(pattern, segments);
  return segments;
}

/**
 * The name of the one parameter of a plain route pattern (`/products/:id` gives `id`), or
 * `undefined` when the pattern is not plain or has no parameter or several.
 */
export function soleRouteParam(pattern: string): string | undefined {
  const segments = plainSegments(pattern);
  let name: string | undefined;
  for (const segment of segments ?? []) {
    if (!('param' in segment)) continue;
    if (name !== undefined) return undefined;
    name = segment.param;
  }
  return name;
}

function fillPlainRoute(
  segments: readonly PlainSegment[],
  params: Readonly<Record<string, unknown>>,
): string | undefined {
  let path = '';
  let filled = 0;
  for (const segment of segments) {
    if ('literal' in segment) {
      path += `/${segment.literal}`;
      continue;
    }
    const value = params[segment.param];
    if (typeof value !== 'string') return undefined;
    path += `/${encodeURIComponent(value)}`;
    filled += 1;
  }
  // Parameters the pattern does not name would be lost: list them instead.
  if (filled !== Object.keys(params).length) return undefined;
  return path === '' ? '/' : path;
}

/**
 * A parameter's value in a key: strings encoded; an array's segments encoded, each after a `/`,
 * in brackets (`[]` no segment, `[/]` one empty segment, `[/a/b]`).
 */
function encodeParam(value: unknown): string | undefined {
  if (typeof value === 'string') return encodeURIComponent(value);
  if (Array.isArray(value)) {
    return `[${value.map((v) => `/${encodeURIComponent(String(v))}`).join('')}]`;
  }
  return undefined;
}

/** The query string with names in sorted order (repeated values in the order sent), keeping only `allowed` parameters when given. */
export function normaliseQuery(url: string, allowed?: readonly string[]): string {
  if (allowed?.length === 0 || !url.includes('?')) return '';
  const allow = allowed ? new Set(allowed) : undefined;
  return (
    [...searchParamsOf(url)]
      .filter(([name]) => !allow || allow.has(name))
      // By name only, and stable: repeated values keep the order they were sent in, which the
      // handler sees (`?sort=price&sort=name` is not `?sort=name&sort=price`).
      .sort(([a], [b]) => compare(a, b))
      .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
      .join('&')
  );
}

/** The parsed query (last value wins), for key and tag functions. */
export function queryObject(url: string): Record<string, string> {
  return Object.fromEntries(searchParamsOf(url));
}

/**
 * The logical key of a GET response: `http:<routed path>?<query>:<vary>:<route>[:u:<user>]`,
 * each part encoded so that parts cannot run into each other. The route pattern (and version)
 * is part of the key: a literal route `/files/new` and `/files/:name` with `name = 'new'` fill
 * in to the same path, yet are two handlers.
 */
export function buildRequestKey(parts: RequestKeyParts): string {
  const path = parts.route ? routedPath(parts.route) : normalisePath(parts.url);
  const head = parts.customKey ?? `${path}?${normaliseQuery(parts.url, parts.allowedQuery)}`;
  const route =
    parts.customKey !== undefined || !parts.route
      ? ''
      : `${parts.route.pattern}${parts.route.version === undefined ? '' : `@${parts.route.version}`}`;
  // key(HTTP_KEY_PREFIX, head, vary, route[, 'u', user]), spelled out: a key a request.
  const user = parts.userId === undefined ? '' : `:u:${encodeKeyPart(String(parts.userId))}`;
  return `${HTTP_KEY_HEAD}${encodeKeyPart(head)}:${encodeKeyPart(varyPart(parts.varyHeaders))}:${encodedRoute(route)}${user}`;
}

/** The encoded first part of every request key, with its separator. */
const HTTP_KEY_HEAD = `${encodeKeyPart(HTTP_KEY_PREFIX)}:`;

/** Encoded route parts (patterns hold `:`), by route: few, and the same on every request. */
const encodedRoutes = new Map<string, string>();

function encodedRoute(route: string): string {
  const known = encodedRoutes.get(route);
  if (known !== undefined) return known;
  const encoded = encodeKeyPart(route);
  if (encodedRoutes.size < MAX_REMEMBERED_PATTERNS) encodedRoutes.set(route, encoded);
  return encoded;
}

/** The vary part of a key: values encoded, an absent header apart from an empty one. */
function varyPart(headers: Readonly<Record<string, string | undefined>> | undefined): string {
  if (headers === undefined) return '';
  return Object.entries(headers)
    .map(([name, value]) =>
      value === undefined
        ? `${encodeURIComponent(name.toLowerCase())}!`
        : `${encodeURIComponent(name.toLowerCase())}=${encodeURIComponent(value)}`,
    )
    .sort(compare)
    .join('&');
}

/**
 * The key prefix shared by every entry of the path in `parts`: any query, vary value, route
 * version and user. A write to a resource deletes them all, so no variant keeps the old body.
 */
export function requestKeyVariantsPrefix(parts: Pick<RequestKeyParts, 'url' | 'route'>): string {
  const path = parts.route ? routedPath(parts.route) : normalisePath(parts.url);
  return key(HTTP_KEY_PREFIX, `${path}?`);
}

/** The path part of a request target: up to `?` or `#`. */
function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

/** The query of a request target, parsed without reading the rest as a URL (never throws). */
function searchParamsOf(url: string): URLSearchParams {
  const start = url.indexOf('?');
  if (start === -1) return new URLSearchParams();
  const end = url.indexOf('#', start);
  return new URLSearchParams(url.slice(start + 1, end === -1 ? undefined : end));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
