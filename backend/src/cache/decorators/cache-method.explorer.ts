import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { CacheService } from '../caching/cache.service.js';
import type { GetOrSetOptions } from '../caching/get-or-set.options.js';
import { key, stableHash } from '../keys/index.js';
import { callUnless, callWith, resolveOption } from './cache-decorator.options.js';
import { CacheMetadataAccessor, type CacheMethodMetadata } from './cache-metadata.accessor.js';
import { runEvict, runPut } from './cache-operations.js';

type AnyMethod = (...args: unknown[]) => unknown;

/** Logical-key prefix of service-method entries: `method:<Class>:<method>:<hash>`. */
export const METHOD_KEY_PREFIX = 'method';

/**
 * At startup, finds the methods of injectable services that carry `@Cacheable`, `@CacheEvict`
 * or `@CachePut`, and replaces each (on its instance) with a wrapper that calls `CacheService`.
 * A wrapped method always returns a promise. Request-scoped providers are not wrapped.
 */
@Injectable()
export class CacheMethodExplorer implements OnModuleInit {
  private readonly logger = new Logger('CacheMethodExplorer');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly metadata: CacheMetadataAccessor,
    private readonly cache: CacheService,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (!prototype) continue;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = (prototype as Record<string, unknown>)[methodName];
        if (typeof method !== 'function') continue;
        const meta = this.metadata.read(method);
        if (!meta.cacheable && !meta.evict && !meta.put) continue;
        const className = instance.constructor.name;
        (instance as Record<string, unknown>)[methodName] = this.wrap(
          instance,
          className,
          methodName,
          method as AnyMethod,
          meta,
        );
        this.logger.debug(`caching ${className}.${methodName}`);
      }
    }
  }

  private wrap(
    instance: object,
    className: string,
    methodName: string,
    original: AnyMethod,
    meta: CacheMethodMetadata,
  ): AnyMethod {
    const cache = this.cache;
    const allPrefix = `${key(METHOD_KEY_PREFIX, className)}:`;
    const name = meta.cacheable?.name ?? `${className}.${methodName}`;
    const wrapped = async (...args: unknown[]): Promise<unknown> => {
      if (meta.evict?.beforeInvocation) await runEvict(cache, meta.evict, args, allPrefix);
      const cacheable = meta.cacheable;
      let result: unknown;
      if (cacheable && (!cacheable.condition || callWith(cacheable.condition, args))) {
        const entryKey =
          resolveOption(cacheable.key, args) ??
          key(METHOD_KEY_PREFIX, className, methodName, stableHash(args));
        const options: GetOrSetOptions = {
          name,
          ttlSeconds: cacheable.ttlSeconds,
          tags: resolveOption(cacheable.tags, args) ?? [],
          staleWhileRevalidateSeconds: cacheable.staleWhileRevalidateSeconds,
          graceSeconds: cacheable.graceSeconds,
          cacheNullTtlSeconds: cacheable.cacheNullTtlSeconds,
          lock: cacheable.lock,
          cacheIf: (value) => !callUnless(cacheable.unless, value, args),
        };
        result = await cache.getOrSet(entryKey, () => original.apply(instance, args), options);
      } else {
        result = await original.apply(instance, args);
      }
      if (meta.evict && !meta.evict.beforeInvocation) {
        await runEvict(cache, meta.evict, args, allPrefix);
      }
      if (meta.put) await runPut(cache, meta.put, result, args);
      return result;
    };
    for (const metadataKey of Reflect.getMetadataKeys(original) as unknown[]) {
      Reflect.defineMetadata(metadataKey, Reflect.getMetadata(metadataKey, original), wrapped);
    }
    Object.defineProperty(wrapped, 'name', { value: methodName });
    return wrapped;
  }
}
