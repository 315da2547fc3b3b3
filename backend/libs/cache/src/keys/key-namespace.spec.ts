import { InvalidKeyError } from '../errors/index.js';
import { resolveRedisServiceOptions } from '../connection/redis-service.options.js';
import { KeyNamespace } from './key-namespace.js';

describe('KeyNamespace', () => {
  const namespace = new KeyNamespace('shop:prod');

  it('keeps the raw key-value API out of the cache and queue subspaces', () => {
    expect(namespace.toDataKey('user:1')).toBe('shop:prod:user:1');
    expect(() => namespace.toDataKey('cache:e:user:1')).toThrow(InvalidKeyError);
    expect(() => namespace.toDataKey('bull:emails:wait')).toThrow(InvalidKeyError);
    // The cache itself still names its keys there.
    expect(namespace.toRedisKey('cache:e:user:1')).toBe('shop:prod:cache:e:user:1');
  });

  it('refuses a module key prefix that would break hash tags or SCAN patterns', () => {
    const connection = { mode: 'standalone' as const, host: '127.0.0.1', port: 1 };
    for (const keyPrefix of ['', 'a b', '{shop}', 'shop*', 'sh?p', 'a[1]', 'a\\b']) {
      expect(() => resolveRedisServiceOptions({ connection, keyPrefix })).toThrow(/keyPrefix/);
    }
    expect(resolveRedisServiceOptions({ connection, keyPrefix: 'shop:prod-1.a_b' }).keyPrefix).toBe(
      'shop:prod-1.a_b',
    );
  });
});
