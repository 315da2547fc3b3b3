import { InvalidCacheOptionsError } from '../errors/index.js';
import type { CacheValueCodec } from '../serialization/entry-codec.js';
import { PlainJsonCodec } from '../serialization/plain-json.codec.js';
import { TypedJsonCodec } from '../serialization/typed-json.codec.js';
import { resolveCacheServiceOptions } from './cache-service.options.js';

describe('resolveCacheServiceOptions', () => {
  it('applies the defaults', () => {
    expect(resolveCacheServiceOptions()).toMatchObject({
      jitterRatio: 0.1,
      lock: true,
      maxValueBytes: 1_048_576,
      staleWhileRevalidateSeconds: 0,
      graceSeconds: 0,
      refreshAheadBeta: 1,
      softTimeoutMs: 100,
      failureBackoffMs: 5_000,
    });
    expect(resolveCacheServiceOptions({ softTimeoutMs: Infinity }).softTimeoutMs).toBe(Infinity);
    expect(resolveCacheServiceOptions({ refreshAheadBeta: 0 }).refreshAheadBeta).toBe(0);
  });

  it.each([
    [{ jitterRatio: 1 }, 'caching.jitterRatio'],
    [{ jitterRatio: -0.1 }, 'caching.jitterRatio'],
    [{ lockWaitMs: 0 }, 'caching.lockWaitMs'],
    [{ maxValueBytes: 1.5 }, 'caching.maxValueBytes'],
    [{ graceSeconds: -1 }, 'caching.graceSeconds'],
    [{ compressAboveBytes: -1 }, 'caching.compressAboveBytes'],
    [{ compressAboveBytes: 0.5 }, 'caching.compressAboveBytes'],
    [{ refreshAheadBeta: -1 }, 'caching.refreshAheadBeta'],
    [{ refreshAheadBeta: Infinity }, 'caching.refreshAheadBeta'],
    [{ softTimeoutMs: -1 }, 'caching.softTimeoutMs'],
    [{ softTimeoutMs: 2.5 }, 'caching.softTimeoutMs'],
    [{ failureBackoffMs: -5 }, 'caching.failureBackoffMs'],
    [{ codec: 'msgpack' as 'json' }, 'caching.codec'],
    [{ codec: { id: 'typed', encode: () => null, decode: () => null } as never }, 'caching.codec'],
    [
      { codec: { id: 'has space', encode: () => null, decode: () => null } as never },
      'caching.codec',
    ],
    [{ codec: { id: 'nodecode', encode: () => null } as never }, 'caching.codec'],
    [{ clock: { now: 5 } as never }, 'caching.clock'],
    [{ clock: null as never }, 'caching.clock'],
  ])('refuses %j, naming the field', (options, field) => {
    expect(() => resolveCacheServiceOptions(options)).toThrow(InvalidCacheOptionsError);
    expect(() => resolveCacheServiceOptions(options)).toThrow(field);
  });

  it('resolves the codec: typed by default, json by name, or a custom one', () => {
    const typed = resolveCacheServiceOptions();
    expect(typed.codec).toBeInstanceOf(TypedJsonCodec);
    expect(typed.compressAboveBytes).toBe(8_192);
    const json = resolveCacheServiceOptions({ codec: 'json' });
    expect(json.codec).toBeInstanceOf(PlainJsonCodec);
    // Other readers of a 'json' cache find plain JSON unless compression is asked for.
    expect(json.compressAboveBytes).toBe(0);
    expect(resolveCacheServiceOptions({ codec: 'json', compressAboveBytes: 100 })).toMatchObject({
      compressAboveBytes: 100,
    });
    const custom: CacheValueCodec = {
      id: 'v8.1',
      encode: () => ({ ok: false, reason: 'nothing' }),
      decode: () => null,
    };
    expect(resolveCacheServiceOptions({ codec: custom }).codec).toBe(custom);
  });
});
