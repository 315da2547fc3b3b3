import type { ExecutionContext } from '@nestjs/common';
import type { HttpCacheContext } from '../decorators/cache-decorator.options.js';
import type { HttpPlatform } from './http-platform.js';
import { normalisePath, queryObject, type MatchedRoute } from './request-key.js';
import type { JsonSettings } from './sent-body.js';

/** A response header as set so far: its values, in order. */
export type HeaderValues = string[];

/** The parts of an Express or Fastify request that caching reads. */
interface RawRequest {
  method?: string;
  url?: string;
  originalUrl?: string;
  headers?: Record<string, string | string[] | undefined>;
  /** Router parameters: strings, or (Express wildcards) arrays of path segments. */
  params?: Record<string, unknown>;
  body?: unknown;
  user?: unknown;
  /** Express: the matched route. */
  route?: { path?: unknown };
  /** Fastify: the matched route. */
  routeOptions?: { url?: unknown };
}

/** A response's status and headers at one moment (see {@link HttpExchange.detached}). */
export interface ResponseSnapshot {
  status: number;
  /** By lower-case name. */
  headers: Record<string, HeaderValues>;
}

/** The parts of a Node response that caching reads. */
interface NodeResponse {
  headersSent?: boolean;
  getHeader(name: string): unknown;
  getHeaders?(): Record<string, unknown>;
}

/** The parts of an Express response or a Fastify reply that caching reads and writes. */
interface RawResponse extends NodeResponse {
  statusCode: number;
  setHeader?(name: string, value: string | string[]): unknown;
  removeHeader?(name: string): unknown;
  header?(name: string, value: string | string[]): unknown;
  code?(status: number): unknown;
  /** Fastify: whether the reply was sent. */
  sent?: boolean;
  /** Fastify: the Node response. */
  raw?: NodeResponse;
  /** Express: the application, for its JSON settings. */
  app?: { get?(setting: string): unknown };
}

/**
 * One request and its response, seen the same way on Express and on Fastify: headers, status,
 * method, URL and the route the router matched.
 */
export class HttpExchange {
  /** Fastify replies have `code()` and a `raw` Node response; Express responses do not. */
  readonly platform: HttpPlatform;
  /** Whether the status is set through the reply's `code()` (Fastify) or `statusCode` (Node). */
  private readonly replyCode: boolean;
  /** Whether headers are set through the reply's `header()` (Fastify) or `setHeader()` (Node). */
  private readonly viaReplyHeader: boolean;
  /** The matched route pattern once read (`null`: not read yet); see {@link routePath}. */
  private matchedPattern: string | undefined | null = null;
  /** The request's header object once read; see {@link requestHeaders}. */
  private headersRead: Readonly<Record<string, string | string[] | undefined>> | undefined;

  private constructor(
    readonly request: RawRequest,
    private readonly response: RawResponse,
    fixedPlatform?: HttpPlatform,
  ) {
    this.replyCode = typeof response.code === 'function';
    this.platform = fixedPlatform ?? (this.replyCode && response.raw ? 'fastify' : 'express');
    this.viaReplyHeader = this.replyCode && typeof response.header === 'function';
  }

  static from(context: ExecutionContext): HttpExchange {
    // The arguments `switchToHttp()` reads, without the accessors it adds on every call.
    return new HttpExchange(
      context.getArgByIndex<RawRequest>(0),
      context.getArgByIndex<RawResponse>(1),
    );
  }

  /** Wraps a raw Express response or Fastify reply (for handlers that set headers themselves). */
  static forResponse(response: unknown): HttpExchange {
    return new HttpExchange({}, response as RawResponse);
  }

  get method(): string {
    const method = this.request.method;
    // Node gives methods in upper case already: the common ones need no copy.
    if (method === 'GET' || method === 'HEAD') return method;
    return (method ?? 'GET').toUpperCase();
  }

  /** The URL as requested: path and query string. */
  get url(): string {
    return this.request.originalUrl ?? this.request.url ?? '/';
  }

  /**
   * The matched route pattern (`/products/:id`, `/docs/*`), when the platform tells it. Read
   * once per request: Fastify builds a new `routeOptions` object on every read.
   */
  get routePath(): string | undefined {
    if (this.matchedPattern === null) {
      const path = this.request.route?.path ?? this.request.routeOptions?.url;
      this.matchedPattern = typeof path === 'string' ? path : undefined;
    }
    return this.matchedPattern;
  }

  /** The router's parameters, as the router gave them. */
  get routeParams(): Readonly<Record<string, unknown>> {
    return this.request.params ?? {};
  }

  /** The router's parameters as strings (an Express wildcard's segments joined with `/`). */
  get params(): Record<string, string> {
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.routeParams)) {
      if (typeof value === 'string') params[name] = value;
      else if (Array.isArray(value)) params[name] = value.map(String).join('/');
    }
    return params;
  }

  /**
   * The route the router matched, with its parameters, and the handler's `version`;
   * `undefined` when the platform does not tell the route.
   */
  matchedRoute(version?: string): MatchedRoute | undefined {
    const pattern = this.routePath;
    if (pattern === undefined) return undefined;
    const route: MatchedRoute = { pattern, params: this.routeParams };
    if (version !== undefined) route.version = version;
    return route;
  }

  /** What the decorators' key, tag and condition functions receive for this request. */
  cacheContext(userId?: string | number): HttpCacheContext {
    const context: HttpCacheContext = {
      method: this.method,
      path: normalisePath(this.url),
      params: this.params,
      query: queryObject(this.url),
      body: this.request.body,
    };
    if (userId !== undefined) context.userId = userId;
    return context;
  }

  /**
   * The request's headers by lower-case name, as the platform gives them. The object is looked
   * up once per request (each property read on an Express request costs a lookup that no inline
   * cache keeps: Express gives every request object a map of its own).
   */
  get requestHeaders(): Readonly<Record<string, string | string[] | undefined>> {
    this.headersRead ??= this.request.headers ?? NO_HEADERS;
    return this.headersRead;
  }

  /** The names of the request's headers (lower case, as Node gives them). */
  requestHeaderNames(): string[] {
    return Object.keys(this.requestHeaders);
  }

  /** A request header, several values joined with `, `; `undefined` when absent. */
  requestHeader(name: string): string | undefined {
    const value = this.requestHeaders[name.toLowerCase()];
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  /** A response header as set so far, as a list of values (empty when absent). */
  responseHeader(name: string): HeaderValues {
    let value = this.response.getHeader(name);
    if (value === undefined && this.response.raw) value = this.response.raw.getHeader(name);
    return headerValues(value);
  }

  /** Every response header set so far, by lower-case name. */
  responseHeaders(): Record<string, HeaderValues> {
    const all = {
      ...(this.response.raw?.getHeaders?.() ?? {}),
      ...(this.response.getHeaders?.() ?? {}),
    };
    const headers: Record<string, HeaderValues> = {};
    for (const [name, value] of Object.entries(all)) {
      const values = headerValues(value);
      if (values.length > 0) headers[name.toLowerCase()] = values;
    }
    return headers;
  }

  setResponseHeader(name: string, value: string | readonly string[]): void {
    const sent = typeof value === 'string' ? value : [...value];
    if (this.viaReplyHeader) this.response.header?.(name, sent);
    else this.response.setHeader?.(name, sent);
  }

  /** The status and headers of the response as they are now. */
  responseSnapshot(): ResponseSnapshot {
    return { status: this.status, headers: this.responseHeaders() };
  }

  /**
   * The same request with a stand-in response that starts as `snapshot` and is never sent: for
   * running the handler again in the background after this request was answered (a refresh of
   * a route whose handler never touches the response). Headers set through it stay on it.
   */
  detached(snapshot: ResponseSnapshot): HttpExchange {
    const headers = new Map(Object.entries(snapshot.headers));
    const response: RawResponse = {
      statusCode: snapshot.status,
      getHeader: (name) => headers.get(name.toLowerCase()),
      getHeaders: () => Object.fromEntries(headers),
      setHeader: (name, value) => {
        headers.set(name.toLowerCase(), typeof value === 'string' ? [value] : [...value]);
      },
      removeHeader: (name) => headers.delete(name.toLowerCase()),
    };
    if (this.response.app !== undefined) response.app = this.response.app;
    return new HttpExchange(this.request, response, this.platform);
  }

  /** Whether the handler already started writing the response itself. */
  get responseStarted(): boolean {
    return (
      this.response.sent === true ||
      this.response.headersSent === true ||
      this.response.raw?.headersSent === true
    );
  }

  /** The platform's JSON settings (Express: `json replacer`, `json spaces`, `json escape`). */
  jsonSettings(): JsonSettings {
    if (this.platform !== 'express') return {};
    const setting = (name: string) => this.response.app?.get?.(name);
    return {
      replacer: setting('json replacer'),
      spaces: setting('json spaces'),
      escape: setting('json escape'),
    };
  }

  get status(): number {
    return this.response.statusCode;
  }

  set status(status: number) {
    if (this.replyCode) this.response.code?.(status);
    else this.response.statusCode = status;
  }
}

const NO_HEADERS: Readonly<Record<string, string | string[] | undefined>> = Object.freeze({});

function headerValues(value: unknown): HeaderValues {
  if (value === undefined || value === null) return [];
  const values: unknown[] = Array.isArray(value) ? value : [value];
  return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}
