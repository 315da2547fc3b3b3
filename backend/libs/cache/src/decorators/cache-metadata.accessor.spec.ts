import { Cacheable } from './cacheable.decorator.js';
import { CacheEvict } from './cache-evict.decorator.js';
import { CacheMetadataAccessor } from './cache-metadata.accessor.js';
import { CachePut } from './cache-put.decorator.js';
import { NoCache } from './no-cache.decorator.js';

@Cacheable({ ttlSeconds: 10, scope: 'user', tags: ['class'] })
class Decorated {
  @Cacheable(60)
  shortHand(): void {}

  @Cacheable({ tags: ['method'] })
  overrides(): void {}

  @CacheEvict({ tags: ['t'] })
  evicts(): void {}

  @CachePut({ key: 'k' })
  puts(): void {}

  @NoCache()
  skipped(): void {}

  plain(): void {}
}

describe('CacheMetadataAccessor', () => {
  const accessor = new CacheMetadataAccessor();
  const proto = Decorated.prototype;

  it('reads @Cacheable with method values overriding class values', () => {
    expect(accessor.read(proto.shortHand, Decorated).cacheable).toEqual({
      ttlSeconds: 60,
      scope: 'user',
      tags: ['class'],
    });
    expect(accessor.read(proto.overrides, Decorated).cacheable).toEqual({
      ttlSeconds: 10,
      scope: 'user',
      tags: ['method'],
    });
    expect(accessor.read(proto.plain).cacheable).toBeUndefined();
  });

  it('reads @CacheEvict, @CachePut and @NoCache', () => {
    expect(accessor.read(proto.evicts).evict).toEqual({ tags: ['t'] });
    expect(accessor.read(proto.puts).put).toEqual({ key: 'k' });
    expect(accessor.read(proto.skipped, Decorated).noCache).toBe(true);
    expect(accessor.read(proto.plain, Decorated).noCache).toBe(false);
    expect(accessor.isDecorated(proto.plain)).toBe(false);
    expect(accessor.isDecorated(proto.evicts)).toBe(true);
  });
});
