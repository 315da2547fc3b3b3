import { types } from 'node:util';

/** A request whose `headers` can be swapped (Node's `IncomingMessage`, Fastify's `raw`). */
interface HeaderHolder {
  headers: Record<string, string | string[] | undefined>;
  raw?: HeaderHolder;
}

/**
 * Records which request headers a handler reads while it runs. A shared response built from a
 * header its cache key does not include (`X-Forwarded-Host` reflected into a link,
 * `Accept-Language` picking the text) would be served to clients that never sent that header:
 * the interceptor does not store it.
 */
export class HeaderReads {
  private readonly read = new Set<string>();
  private readonly holder: HeaderHolder | undefined;
  private readonly original: HeaderHolder['headers'] | undefined;
  private proxy: object | undefined;

  private constructor(request: unknown) {
    const candidate = request as HeaderHolder | null | undefined;
    const holder = candidate?.raw ?? candidate;
    const headers = holder?.headers;
    if (!holder || headers === null || typeof headers !== 'object') return;
    const read = this.read;
    const proxy = new Proxy(headers, {
      get(target, name, receiver) {
        if (typeof name === 'string') read.add(name.toLowerCase());
        return Reflect.get(target, name, receiver) as unknown;
      },
      has(target, name) {
        if (typeof name === 'string') read.add(name.toLowerCase());
        return Reflect.has(target, name);
      },
      getOwnPropertyDescriptor(target, name) {
        if (typeof name === 'string') read.add(name.toLowerCase());
        return Reflect.getOwnPropertyDescriptor(target, name);
      },
    });
    try {
      holder.headers = proxy;
      this.holder = holder;
      this.original = headers;
      this.proxy = proxy;
    } catch {
      // A platform whose headers cannot be replaced: nothing is recorded.
    }
  }

  /** Starts recording on the request (Express request or Fastify request). */
  static watch(request: unknown): HeaderReads {
    return new HeaderReads(request);
  }

  /** Stops recording and puts the request's own headers back. */
  stop(): void {
    if (this.holder && this.original) this.holder.headers = this.original;
  }

  /**
   * Headers that were read, are present on the request, and are not in `keyed` (lower case).
   * Reading an absent header cannot have put anything of the request into the response. A
   * body that holds the header object itself (at its top or one level down) counts as having
   * read every header.
   */
  unkeyed(keyed: ReadonlySet<string>, body: unknown): string[] {
    const present = this.original ?? {};
    const names = this.holdsHeaders(body) ? Object.keys(present) : [...this.read];
    return names.filter((name) => !keyed.has(name) && present[name] !== undefined);
  }

  private holdsHeaders(body: unknown): boolean {
    if (!this.proxy || body === null || typeof body !== 'object') return false;
    if (types.isProxy(body) && body === this.proxy) return true;
    const values = Array.isArray(body) ? body : Object.values(body as Record<string, unknown>);
    return values.some((value) => value === this.proxy || value === this.original);
  }
}
