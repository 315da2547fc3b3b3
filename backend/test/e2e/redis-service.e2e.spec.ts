import { CACHE_TTL, key, type RedisService } from 'nestjs-coherent-cache';
import { cacheKeys } from '../../src/demo/cache-keys.js';
import { RedisServer } from '../support/redis-server.js';
import { startRedisService } from '../support/redis-service.fixture.js';
import { sleep } from '../support/wait-for.js';

interface User {
  id: number;
  name: string;
  tags: string[];
  nested: { active: boolean; score: number | null };
}

describe('RedisService against a real redis-server', () => {
  let server: RedisServer;
  let redis: RedisService;
  let close: () => Promise<void>;

  beforeAll(async () => {
    server = await RedisServer.start();
    ({ redis, close } = await startRedisService(server.url));
  });

  afterAll(async () => {
    await close();
    await server.stop();
  });

  it('round-trips typed values with get/set, and counts hits and misses', async () => {
    const user: User = {
      id: 7,
      name: 'Zoë',
      tags: ['a', 'b'],
      nested: { active: true, score: null },
    };
    const before = redis.getStats();
    expect(await redis.set(cacheKeys.user(7), user, CACHE_TTL.SHORT)).toBe(true);
    const read = await redis.get<User>(cacheKeys.user(7));
    expect(read).toEqual(user);
    expect(await redis.get<User>(cacheKeys.user(8))).toBeNull();
    const after = redis.getStats();
    expect(after.hits - before.hits).toBe(1);
    expect(after.misses - before.misses).toBe(1);
    expect(await redis.set('text', 'plain "quoted" \n text')).toBe(true);
    expect(await redis.get<string>('text')).toBe('plain "quoted" \n text');
  });

  it('writes under its own namespace, never the bare key', async () => {
    await redis.set('visible', 1);
    expect(await server.cli('EXISTS', 'visible')).toBe('0');
    expect(await server.cli('EXISTS', `${redis.namespace.prefix}:visible`)).toBe('1');
  });

  it('del, exists, ttl and expire behave like Redis', async () => {
    await redis.set('e1', { v: 1 }, 100);
    expect(await redis.exists('e1')).toBe(true);
    const ttl = await redis.ttl('e1');
    expect(ttl).toBeGreaterThan(95);
    expect(ttl).toBeLessThanOrEqual(100);
    expect(await redis.expire('e1', 5)).toBe(true);
    expect(await redis.ttl('e1')).toBeLessThanOrEqual(5);
    expect(await redis.del('e1', 'never-existed')).toBe(1);
    expect(await redis.exists('e1')).toBe(false);
    expect(await redis.ttl('e1')).toBe(-2);
    expect(await redis.expire('e1', 5)).toBe(false);
  });

  it('expires values after their TTL', async () => {
    await redis.set('short-lived', 'x', 1);
    expect(await redis.get('short-lived')).toBe('x');
    await sleep(1_200);
    expect(await redis.get('short-lived')).toBeNull();
    expect(await redis.exists('short-lived')).toBe(false);
  });

  it('increments and decrements atomically, optionally with an expiry', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => redis.incr('counter')));
    expect(new Set(results).size).toBe(50);
    expect(Math.max(...(results as number[]))).toBe(50);
    expect(await redis.incrBy('counter', 10)).toBe(60);
    expect(await redis.decr('counter')).toBe(59);
    expect(await redis.decrBy('counter', 9)).toBe(50);
    expect(await redis.get<number>('counter')).toBe(50);
    expect(await redis.incr('windowed', 30)).toBe(1);
    expect(await redis.ttl('windowed')).toBeGreaterThan(25);
  });

  it('stores hashes field by field with typed values', async () => {
    expect(await redis.hset('h', { a: { n: 1 }, b: { n: 2 } }, 60)).toBe(true);
    expect(await redis.hget<{ n: number }>('h', 'b')).toEqual({ n: 2 });
    expect(await redis.hget('h', 'zzz')).toBeNull();
    expect(await redis.hgetall<{ n: number }>('h')).toEqual({ a: { n: 1 }, b: { n: 2 } });
    expect(await redis.ttl('h')).toBeGreaterThan(50);
    expect(await redis.hgetall('missing-hash')).toEqual({});
  });

  it('reads and writes several keys at once', async () => {
    expect(await redis.mset({ m1: 1, m2: { two: 2 }, m3: 'three' }, 60)).toBe(true);
    expect(await redis.mget(['m1', 'm2', 'nope', 'm3'])).toEqual([1, { two: 2 }, null, 'three']);
    expect(await redis.ttl('m2')).toBeGreaterThan(50);
  });

  it('keeps parts apart: (a:b, c) and (a, b:c) are different keys', async () => {
    const left = key('a:b', 'c');
    const right = key('a', 'b:c');
    expect(left).not.toBe(right);
    await redis.set(left, 'left');
    await redis.set(right, 'right');
    expect(await redis.get(left)).toBe('left');
    expect(await redis.get(right)).toBe('right');
  });

  it('hashes keys longer than 200 bytes and still reads them back', async () => {
    const long = key('long', 'ü'.repeat(300));
    await redis.set(long, 'value');
    expect(await redis.get(long)).toBe('value');
    const stored = (
      await server.cli('--scan', '--pattern', `${redis.namespace.prefix}:long*`)
    ).split('\n');
    expect(stored).toHaveLength(1);
    expect(Buffer.byteLength(stored[0] as string)).toBeLessThanOrEqual(200);
  });

  it('treats a value it cannot decode as a miss and deletes it', async () => {
    const redisKey = redis.namespace.toRedisKey('corrupt');
    await server.cli('SET', redisKey, '{not json');
    expect(await redis.get('corrupt')).toBeNull();
    await sleep(50);
    expect(await server.cli('EXISTS', redisKey)).toBe('0');
    expect(redis.getStats().decodeErrors).toBeGreaterThanOrEqual(1);
  });

  it('deletes exactly the keys of a prefix among 10,000 others, glob characters included', async () => {
    const tricky = ['*', '?', '[ab]', '\\', 'x*y', 'p?q', '[', ']'];
    const others: [string, number][] = [];
    for (let i = 0; i < 10_000; i += 1) {
      const odd = tricky[i % tricky.length] as string;
      others.push([`other:${odd}:${i}`, i]);
    }
    // keys that a glob-interpreted prefix would also match
    others.push(['target:Xsuffix', 1], ['targetAB:1', 2], ['target:b]:1', 3]);
    const targets: [string, number][] = Array.from({ length: 250 }, (_, i) => [
      `target:[ab]*?\\:${i}`,
      i,
    ]);
    expect(await redis.mset(others, 600)).toBe(true);
    expect(await redis.mset(targets, 600)).toBe(true);

    const deleted = await redis.deleteByPrefix('target:[ab]*?\\:');
    expect(deleted).toBe(250);
    const remaining: string[] = [];
    for await (const k of redis.scanKeys('')) remaining.push(k);
    expect(remaining.filter((k) => k.startsWith('target:[ab]*?\\:'))).toHaveLength(0);
    for (const [k] of others) expect(remaining).toContain(k);
  });

  it('clears only its own namespace and leaves other data on the same server alone', async () => {
    await server.cli('SET', 'someone-else:key', 'keep');
    await server.cli('SET', 'bull:queue:id', '1');
    await redis.set('mine', 1);
    const deleted = await redis.clearNamespace();
    expect(deleted).toBeGreaterThan(0);
    expect(await redis.exists('mine')).toBe(false);
    expect(await server.cli('GET', 'someone-else:key')).toBe('keep');
    expect(await server.cli('EXISTS', 'bull:queue:id')).toBe('1');
  });

  it('answers ping and a health check with latency', async () => {
    expect(await redis.ping()).toBe(true);
    const health = await redis.healthCheck();
    expect(health.healthy).toBe(true);
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
    expect(health.latencyMs).toBeLessThan(300);
    const stats = redis.getStats();
    expect(stats).toMatchObject({
      ready: true,
      breakerState: 'closed',
      mode: 'standalone',
      enabled: true,
    });
  });

  it('hands out the raw client, which shares the connection', async () => {
    const client = redis.getClient();
    expect(client).not.toBeNull();
    expect(await client?.ping()).toBe('PONG');
  });
});
