import type { ExecutionContext } from '@nestjs/common';

/** The parts of an Express or Fastify request that caching reads. */
interface RawRequest {
  method?: string;
  url?: string;
  originalUrl?: string;
  headers?: Record<string, string | string[] | undefined>;
  params?: Record<string, string>;
  body?: unknown;
  /** Express: the matched route. */
  route?: { path?: unknown };
  /** Fastify: the matched route. */
  routeOptions?: { url?: unknown };
}

/** The parts of an Express response or a Fastify reply that caching reads and writes. */
interface RawResponse {
  statusCode: number;
  getHeader(name: string): unknown;
  setHeader?(name: string, value: string): unknown;
  header?(name: string, value: string): unknown;
  code?(status: number): unknown;
  raw?: { getHeader(name: string): unknown };
}

/**
 * One request and its response, seen the same way on Express and on Fastify: headers, status,
 * method and URL.
 */
export class HttpExchange {
  private constructor(
    readonly request: RawRequest,
    private readonly response: RawResponse,
  ) {}

  static from(context: ExecutionContext): HttpExchange {
    const http = context.switchToHttp();
    return new HttpExchange(http.getRequest<RawRequest>(), http.getResponse<RawResponse>());
  }

  /** Wraps a raw Express response or Fastify reply (for handlers that set headers themselves). */
  static forResponse(response: unknown): HttpExchange {
    return new HttpExchange({}, response as RawResponse);
  }

  get method(): string {
    return (this.request.method ?? 'GET').toUpperCase();
  }

  /** The URL as requested: path and query string. */
  get url(): string {
    return this.request.originalUrl ?? this.request.url ?? '/';
  }

  /** The matched route pattern (`/products/:id`), when the platform tells it. */
  get routePath(): string | undefined {
    const path = this.request.route?.path ?? this.request.routeOptions?.url;
    return typeof path === 'string' ? path : undefined;
  }

  get params(): Record<string, string> {
    return this.request.params ?? {};
  }

  /** A request header, several values joined with `, `; `undefined` when absent. */
  requestHeader(name: string): string | undefined {
    const value = this.request.headers?.[name.toLowerCase()];
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  /** A response header as set so far, as a list of values (empty when absent). */
  responseHeader(name: string): string[] {
    let value = this.response.getHeader(name);
    if (value === undefined && this.response.raw) value = this.response.raw.getHeader(name);
    if (value === undefined || value === null) return [];
    const values: unknown[] = Array.isArray(value) ? value : [value];
    return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  }

  setResponseHeader(name: string, value: string): void {
    if (typeof this.response.code === 'function' && typeof this.response.header === 'function') {
      this.response.header(name, value);
    } else if (typeof this.response.setHeader === 'function') {
      this.response.setHeader(name, value);
    }
  }

  get status(): number {
    return this.response.statusCode;
  }

  set status(status: number) {
    if (typeof this.response.code === 'function') this.response.code(status);
    else this.response.statusCode = status;
  }
}
