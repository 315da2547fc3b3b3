import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  CACHEABLE_METADATA,
  CACHE_EVICT_METADATA,
  CACHE_PUT_METADATA,
  NO_CACHE_METADATA,
} from '../cache.constants.js';
import type {
  CacheEvictOptions,
  CachePutOptions,
  CacheableOptions,
} from './cache-decorator.options.js';

/** Everything the cache decorators recorded on one method (and its class). */
export interface CacheMethodMetadata {
  cacheable?: CacheableOptions;
  evict?: CacheEvictOptions;
  put?: CachePutOptions;
  noCache: boolean;
}

/** Reads the cache decorators' metadata: method values override class values. */
@Injectable()
export class CacheMetadataAccessor {
  constructor(private readonly reflector: Reflector = new Reflector()) {}

  /** The metadata of `handler` on `target` (a class); `target` may be omitted. */
  read(handler: object, target?: object): CacheMethodMetadata {
    const onMethod = <T>(key: string) => this.reflector.get<T | undefined>(key, handler as never);
    const onClass = <T>(key: string) =>
      target ? this.reflector.get<T | undefined>(key, target as never) : undefined;
    const classCacheable = onClass<CacheableOptions>(CACHEABLE_METADATA);
    const methodCacheable = onMethod<CacheableOptions>(CACHEABLE_METADATA);
    const cacheable =
      classCacheable || methodCacheable ? { ...classCacheable, ...methodCacheable } : undefined;
    const metadata: CacheMethodMetadata = {
      noCache:
        onMethod<boolean>(NO_CACHE_METADATA) === true ||
        onClass<boolean>(NO_CACHE_METADATA) === true,
    };
    if (cacheable) metadata.cacheable = cacheable;
    const evict = onMethod<CacheEvictOptions>(CACHE_EVICT_METADATA);
    if (evict) metadata.evict = evict;
    const put = onMethod<CachePutOptions>(CACHE_PUT_METADATA);
    if (put) metadata.put = put;
    return metadata;
  }

  /** Whether the method carries any cache decorator. */
  isDecorated(handler: object): boolean {
    const m = this.read(handler);
    return m.cacheable !== undefined || m.evict !== undefined || m.put !== undefined;
  }
}
