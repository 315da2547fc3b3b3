import { key } from '../keys/index.js';

/** What an HTTP cache key is made of. */
export interface RequestKeyParts {
  /** The URL as requested (path and query string). */
  url: string;
  /** Query parameters that count; `undefined` means all of them. */
  allowedQuery?: readonly string[];
  /** Request headers the route varies on, with their values. */
  varyHeaders?: Readonly<Record<string, string | undefined>>;
  /** The user of a `scope: 'user'` route. */
  userId?: string | number;
  /** The path built from the matched route (see {@link routeKeyPath}); replaces the URL's path. */
  routePath?: string;
  /** A route-defined key replacing path and query. */
  customKey?: string;
}

/** Logical-key prefix of HTTP responses. */
export const HTTP_KEY_PREFIX = 'http';

/** Unreserved characters that clients may or may not percent-encode. */
const UNRESERVED_ESCAPE = /%(2[DE]|3[0-9]|[46][1-9A-F]|[57][0-9A]|5F|7E)/gi;

/**
 * The normalised path: dot segments resolved, repeated and trailing slashes removed, needless
 * percent-encoding undone. `/a//b/./c/` and `/a/b/c` give the same key.
 */
export function normalisePath(url: string): string {
  const { pathname } = new URL(url, 'http://localhost');
  const decoded = pathname.replace(UNRESERVED_ESCAPE, (escape) =>
    String.fromCharCode(parseInt(escape.slice(1), 16)),
  );
  const collapsed = decoded.replace(/\/{2,}/g, '/');
  return collapsed.length > 1 && collapsed.endsWith('/') ? collapsed.slice(0, -1) : collapsed;
}

/** A route pattern made only of literal segments and `:name` parameters. */
const PLAIN_ROUTE = /^(\/(:[A-Za-z_][A-Za-z0-9_]*|[A-Za-z0-9._~-]+))*\/?$/;

/**
 * The path of a request rebuilt from its matched route pattern and parameter values:
 * `/products/:id` with `{ id: '1' }` gives `/products/1` whether the client asked for
 * `/PRODUCTS/1`, `/products/%31` or `//products/1/`, so one resource has one key however its
 * URL was spelled. `undefined` when the pattern has wildcards or optional parts, or a
 * parameter is missing (then the normalised URL path is used).
 */
export function routeKeyPath(
  routePath: string | undefined,
  params: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (routePath === undefined || !PLAIN_ROUTE.test(routePath)) return undefined;
  const segments: string[] = [];
  for (const segment of routePath.split('/').filter((s) => s.length > 0)) {
    if (!segment.startsWith(':')) {
      segments.push(segment);
      continue;
    }
    const value = params[segment.slice(1)];
    if (typeof value !== 'string') return undefined;
    segments.push(encodeURIComponent(value));
  }
  return `/${segments.join('/')}`;
}

/** The query string in sorted order, keeping only `allowed` parameters when given. */
export function normaliseQuery(url: string, allowed?: readonly string[]): string {
  const { searchParams } = new URL(url, 'http://localhost');
  const allow = allowed ? new Set(allowed) : undefined;
  return [...searchParams]
    .filter(([name]) => !allow || allow.has(name))
    .sort(([a, av], [b, bv]) => (a === b ? compare(av, bv) : compare(a, b)))
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
}

/** The parsed query (last value wins), for key and tag functions. */
export function queryObject(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url, 'http://localhost').searchParams);
}

/**
 * The logical key of a GET response: `http:<path>:<query>:<vary>[:u:<user>]`, each part
 * encoded so that parts cannot run into each other.
 */
export function buildRequestKey(parts: RequestKeyParts): string {
  const head =
    parts.customKey ??
    `${parts.routePath ?? normalisePath(parts.url)}?${normaliseQuery(parts.url, parts.allowedQuery)}`;
  const vary = Object.entries(parts.varyHeaders ?? {})
    .map(([name, value]) => `${name.toLowerCase()}=${value ?? ''}`)
    .sort(compare)
    .join('&');
  const tail = parts.userId === undefined ? [] : ['u', String(parts.userId)];
  return key(HTTP_KEY_PREFIX, head, vary, ...tail);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
