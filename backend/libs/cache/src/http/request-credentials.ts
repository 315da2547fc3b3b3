/** Headers that carry a credential by definition: a shared route never caches with them. */
export const CREDENTIAL_HEADERS: readonly string[] = [
  'authorization',
  'cookie',
  'proxy-authorization',
];

/**
 * Request headers that carry no credential: what browsers, HTTP clients, proxies, CDNs and
 * tracing add to an anonymous request. Any other header may be one (`x-session`, `x-api-key`:
 * a guard may have read it before the cache saw the request), so a request that carries one is
 * not served from, nor stored in, a shared entry, unless the route keys on it (`varyHeaders`)
 * or the application lists it (`http.anonymousRequestHeaders`).
 */
export const ANONYMOUS_REQUEST_HEADERS: readonly string[] = [
  // the connection and the request itself
  'host',
  'connection',
  'keep-alive',
  'te',
  'content-type',
  // content negotiation and the client
  'accept',
  'accept-charset',
  'accept-encoding',
  'accept-language',
  'user-agent',
  'referer',
  'origin',
  'dnt',
  'sec-gpc',
  'priority',
  'purpose',
  'sec-purpose',
  'save-data',
  'upgrade-insecure-requests',
  // caching and conditional requests
  'cache-control',
  'pragma',
  'if-none-match',
  'if-modified-since',
  'if-match',
  'if-unmodified-since',
  'if-range',
  'range',
  // proxies and CDNs
  'via',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-prefix',
  'x-forwarded-proto',
  'x-real-ip',
  'true-client-ip',
  'cdn-loop',
  'cf-connecting-ip',
  'cf-ipcountry',
  'cf-ray',
  'cf-visitor',
  'x-amz-cf-id',
  // tracing
  'x-request-id',
  'x-correlation-id',
  'x-amzn-trace-id',
  'x-cloud-trace-context',
  'traceparent',
  'tracestate',
  'baggage',
  'sentry-trace',
  'b3',
];

/** Header families browsers and tracers send, by prefix. */
const ANONYMOUS_PREFIXES = ['sec-fetch-', 'sec-ch-', 'x-b3-'];

/**
 * Decides which request headers may be credentials. Built once per interceptor from the
 * application's additions.
 */
export class RequestCredentials {
  private readonly anonymous: ReadonlySet<string>;

  constructor(extraAnonymous: readonly string[] = []) {
    this.anonymous = new Set([
      ...ANONYMOUS_REQUEST_HEADERS,
      ...extraAnonymous.map((h) => h.toLowerCase()),
    ]);
  }

  /**
   * The present headers of a request to a shared route that may carry a credential: the
   * {@link CREDENTIAL_HEADERS} always; any header outside the anonymous list unless the route
   * keys on it; a body (`Content-Length` above 0, `Transfer-Encoding`), which a key never
   * includes. Empty: the request may be served from and stored in a shared entry.
   */
  found(
    names: readonly string[],
    valueOf: (name: string) => string | undefined,
    keyed: ReadonlySet<string>,
  ): string[] {
    const found: string[] = [];
    for (const name of names) {
      if (this.mayCarry(name, name === 'content-length' ? valueOf(name) : undefined, keyed)) {
        found.push(name);
      }
    }
    return found;
  }

  /**
   * Whether {@link found} would find anything in `headers` (by lower-case name, as Node gives
   * them): the check a read makes on every request, without building the list.
   */
  anyIn(
    headers: Readonly<Record<string, string | string[] | undefined>>,
    keyed: ReadonlySet<string>,
  ): boolean {
    for (const name of Object.keys(headers)) {
      const value = name === 'content-length' ? joined(headers[name]) : undefined;
      if (this.mayCarry(name, value, keyed)) return true;
    }
    return false;
  }

  /** Whether the present header `name` may carry one (`length`: the `content-length` value). */
  private mayCarry(name: string, length: string | undefined, keyed: ReadonlySet<string>): boolean {
    if (CREDENTIAL_HEADERS.includes(name)) return true;
    if (name === 'content-length') return length?.trim() !== '0';
    return !this.isAnonymous(name) && !keyed.has(name);
  }

  private isAnonymous(name: string): boolean {
    return this.anonymous.has(name) || ANONYMOUS_PREFIXES.some((p) => name.startsWith(p));
  }
}

/** A header's values as one string (several joined with `, `), as `HttpExchange` reads them. */
function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
