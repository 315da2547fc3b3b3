import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { CacheService } from '../caching/cache.service.js';
import { InvalidCacheOptionsError } from '../errors/index.js';
import { CacheMetadataAccessor, type CacheMethodMetadata } from './cache-metadata.accessor.js';
import { assertCacheableMethod } from './cached-method.checks.js';
import { CachedMethod, type AnyMethod } from './cached-method.js';
import { methodKeyPrefix } from './method-key.js';
import { declaredResultKind } from './method-result.js';

export { METHOD_KEY_PREFIX } from './method-key.js';

/** A decorated method found on a prototype. */
interface DecoratedMethod {
  methodName: string;
  original: AnyMethod;
  meta: CacheMethodMetadata;
}

/**
 * At startup, finds the methods of injectable services that carry `@Cacheable`, `@CacheEvict`
 * or `@CachePut`, checks them (`assertCacheableMethod`) and replaces each (on its instance) with
 * a `CachedMethod`. A wrapped method returns an Observable when the method returns one, a
 * promise otherwise. Request-scoped providers are not wrapped.
 *
 * @throws InvalidCacheOptionsError at startup for a method that cannot work as declared, and when
 *   two provider instances (two classes of one name, or one class provided twice) would share
 *   the default keys `method:<Class>:…`
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
    const wrapped = new WeakSet<object>();
    const defaultKeyOwners = new Map<string, object>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      // One instance may be listed under several tokens (`useExisting`): wrap it once.
      if (wrapped.has(instance)) continue;
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (!prototype) continue;
      const methods = this.decoratedMethods(prototype);
      if (methods.length === 0) continue;
      wrapped.add(instance);
      const className = instance.constructor.name;
      if (methods.some((m) => m.meta.cacheable && m.meta.cacheable.key === undefined)) {
        this.claimDefaultKeys(defaultKeyOwners, className, instance);
      }
      for (const method of methods) {
        this.wrap(instance, prototype, className, method);
        this.logger.debug(`caching ${className}.${method.methodName}`);
      }
    }
  }

  private decoratedMethods(prototype: object): DecoratedMethod[] {
    const found: DecoratedMethod[] = [];
    for (const methodName of this.scanner.getAllMethodNames(prototype)) {
      const original = (prototype as Record<string, unknown>)[methodName];
      if (typeof original !== 'function') continue;
      const meta = this.metadata.read(original);
      if (!meta.cacheable && !meta.evict && !meta.put) continue;
      found.push({ methodName, original: original as AnyMethod, meta });
    }
    return found;
  }

  /** Default keys name the class: two instances that share a class name would share entries. */
  private claimDefaultKeys(owners: Map<string, object>, className: string, instance: object) {
    const owner = owners.get(className);
    if (owner === undefined) {
      owners.set(className, instance);
      return;
    }
    const which =
      owner.constructor === instance.constructor
        ? 'another instance of this class'
        : 'another class of this name';
    throw new InvalidCacheOptionsError(
      `@Cacheable on ${className}`,
      `a class name that one provider instance owns: default method keys start with ` +
        `"${methodKeyPrefix(className)}", which ${which} already uses; rename one class or ` +
        'give its @Cacheable methods key functions',
    );
  }

  private wrap(instance: object, prototype: object, className: string, method: DecoratedMethod) {
    const { methodName, original, meta } = method;
    const returnType: unknown = Reflect.getMetadata('design:returntype', prototype, methodName);
    assertCacheableMethod({
      label: `${className}.${methodName}`,
      meta,
      returnType,
      parameterTypes: Reflect.getMetadata('design:paramtypes', prototype, methodName),
    });
    const cached = new CachedMethod(this.cache, this.logger, {
      instance,
      className,
      methodName,
      original,
      meta,
      resultKind: declaredResultKind(returnType),
    });
    const wrapped = (...args: unknown[]): unknown => cached.call(args);
    for (const metadataKey of Reflect.getMetadataKeys(original) as unknown[]) {
      Reflect.defineMetadata(metadataKey, Reflect.getMetadata(metadataKey, original), wrapped);
    }
    Object.defineProperty(wrapped, 'name', { value: methodName });
    (instance as Record<string, unknown>)[methodName] = wrapped;
  }
}
