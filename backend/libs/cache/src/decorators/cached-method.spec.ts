import type { Logger } from '@nestjs/common';
import { isObservable, lastValueFrom, of, type Observable } from 'rxjs';
import type { CacheService } from '../caching/cache.service.js';
import type { GetOrSetOptions } from '../caching/get-or-set.options.js';
import type { CacheMethodMetadata } from './cache-metadata.accessor.js';
import { CachedMethod, type AnyMethod } from './cached-method.js';
import type { MethodResultKind } from './method-result.js';

/** Just enough of CacheService: entries in a Map. */
class MapCache {
  readonly entries = new Map<string, unknown>();

  async getOrSet<T>(key: string, loader: () => Promise<T> | T, options: GetOrSetOptions<T>) {
    if (this.entries.has(key)) return this.entries.get(key) as T;
    const value = await loader();
    if (options.cacheIf?.(value) ?? true) this.entries.set(key, value);
    return value;
  }

  async set(key: string, value: unknown): Promise<void> {
    await Promise.resolve();
    this.entries.set(key, value);
  }

  async del(...keys: string[]): Promise<number> {
    await Promise.resolve();
    return keys.filter((k) => this.entries.delete(k)).length;
  }
}

class WarningLog {
  readonly lines: string[] = [];
  warn(message: string): void {
    this.lines.push(message);
  }
}

class PrivateUser {
  readonly #name: string;
  constructor(name: string) {
    this.#name = name;
  }
  get name(): string {
    return this.#name;
  }
}

function setup(
  original: AnyMethod,
  resultKind: MethodResultKind,
  meta: Partial<CacheMethodMetadata> = { cacheable: {} },
) {
  const cache = new MapCache();
  const log = new WarningLog();
  const method = new CachedMethod(cache as unknown as CacheService, log as unknown as Logger, {
    instance: {},
    className: 'Svc',
    methodName: 'load',
    original,
    meta: { noCache: false, ...meta },
    resultKind,
  });
  return { cache, log, call: (...args: unknown[]) => method.call(args) };
}

/** A method that counts its runs and returns `result(run)`. */
function counted<R>(result: (run: number, args: unknown[]) => R) {
  const counter = {
    runs: 0,
    fn: ((...args: unknown[]) => result((counter.runs += 1), args)) as AnyMethod,
  };
  return counter;
}

describe('CachedMethod', () => {
  it('caches a Promise-returning method by its arguments', async () => {
    const m = counted((run) => Promise.resolve({ run }));
    const { call } = setup(m.fn, 'other');
    expect(await call('a')).toEqual({ run: 1 });
    expect(await call('a')).toEqual({ run: 1 });
    expect(await call('b')).toEqual({ run: 2 });
  });

  it('bypasses the cache for arguments that hide their state, warning once', async () => {
    const m = counted((_, [user]) => Promise.resolve((user as PrivateUser).name));
    const { call, log, cache } = setup(m.fn, 'other');
    expect(await call(new PrivateUser('alice'))).toBe('alice');
    expect(await call(new PrivateUser('bob'))).toBe('bob');
    expect(m.runs).toBe(2);
    expect(cache.entries.size).toBe(0);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toContain('Svc.load: argument 0 holds a PrivateUser');
    expect(log.lines[0]).not.toMatch(/alice|bob/);
  });

  it('returns a cold Observable for an Observable method, and caches its one value', async () => {
    const m = counted((run) => of({ run }));
    const { call } = setup(m.fn, 'observable');
    const first = call('a') as Observable<unknown>;
    expect(isObservable(first)).toBe(true);
    expect(m.runs).toBe(0);
    expect(await lastValueFrom(first)).toEqual({ run: 1 });
    expect(await lastValueFrom(call('a') as Observable<unknown>)).toEqual({ run: 1 });
    expect(m.runs).toBe(1);
  });

  it('hands an uncached Observable call the method’s own Observable, untouched', async () => {
    const m = counted(() => of(1, 2, 3));
    const { call } = setup(m.fn, 'observable', { cacheable: { condition: () => false } });
    const values: unknown[] = [];
    (call() as Observable<unknown>).subscribe((v) => values.push(v));
    await Promise.resolve();
    expect(values).toEqual([1, 2, 3]);
  });

  it('learns on the first call what a method without metadata returns, running it once', async () => {
    const observable = counted((run) => of(run));
    const first = setup(observable.fn, 'unknown');
    const learned = first.call('x');
    expect(isObservable(learned)).toBe(true);
    expect(await lastValueFrom(learned as Observable<unknown>)).toBe(1);
    expect(await lastValueFrom(first.call('x') as Observable<unknown>)).toBe(1);
    expect(observable.runs).toBe(1);

    const promised = counted((run) => Promise.resolve(run));
    const second = setup(promised.fn, 'unknown');
    expect(await second.call('x')).toBe(1);
    expect(await second.call('x')).toBe(1);
    expect(promised.runs).toBe(1);
  });

  it('turns a synchronous throw on the first call into a rejection', async () => {
    const { call } = setup(() => {
      throw new Error('sync');
    }, 'unknown');
    await expect(call()).rejects.toThrow('sync');
  });

  it('runs @CacheEvict and @CachePut on the value an Observable method emits', async () => {
    const m = counted((run) => of({ run }));
    const { call, cache } = setup(m.fn, 'observable', {
      put: { key: 'current' },
      evict: { keys: ['stale'] },
    });
    cache.entries.set('stale', 1);
    const result = call() as Observable<unknown>;
    expect(cache.entries.has('stale')).toBe(true);
    expect(await lastValueFrom(result)).toEqual({ run: 1 });
    expect(cache.entries.has('stale')).toBe(false);
    expect(cache.entries.get('current')).toEqual({ run: 1 });
  });
});
