import { resolveCacheModuleOptions } from './cache-module.options.js';
import { resolveRedisServiceOptions } from './connection/redis-service.options.js';
import { InvalidCacheOptionsError } from './errors/index.js';

describe('resolveCacheModuleOptions', () => {
  it('resolves the RedisService part as resolveRedisServiceOptions does, plus caching and http', () => {
    const options = { connection: 'redis://127.0.0.1:6390', keyPrefix: 'shop', logIntervalMs: 9 };
    const { caching, http, ...redis } = resolveCacheModuleOptions(options);
    const { serializer: _a, ...expected } = resolveRedisServiceOptions(options);
    const { serializer: _b, ...actual } = redis;
    expect(actual).toEqual(expected);
    expect(caching).toEqual({});
    expect(http).toEqual({});
  });

  it('keeps the caching and http options given', () => {
    const resolved = resolveCacheModuleOptions({
      caching: { jitterRatio: 0 },
      http: { xCacheHeader: false },
    });
    expect(resolved.caching).toEqual({ jitterRatio: 0 });
    expect(resolved.http).toEqual({ xCacheHeader: false });
  });

  it('rejects what is not an object, naming the options', () => {
    expect(() => resolveCacheModuleOptions(null as never)).toThrow(InvalidCacheOptionsError);
  });
});
