import { RedisServer } from '../../support/redis-server.js';
import { startRedisService } from '../../support/redis-service.fixture.js';

describe('guarded write batch (hostile)', () => {
  let server: RedisServer;
  let ctx: Awaited<ReturnType<typeof startRedisService>>;
  beforeAll(async () => {
    server = await RedisServer.start();
    ctx = await startRedisService(server.url, { lateWriteGuard: true });
  });
  afterAll(async () => {
    await ctx?.close();
    await server?.stop();
  });

  it('large integer replies keep their precision in a batch', async () => {
    const { redis } = ctx;
    const big = 123456789012345;
    const alone = await redis.incrBy('big-alone', big);
    const [a, b] = await Promise.all([redis.incrBy('big-a', big), redis.incrBy('big-b', big)]);
    expect(alone).toBe(big);
    expect([a, b]).toEqual([big, big]);
  });

  it('a failing write fails alone', async () => {
    const { redis } = ctx;
    await redis.hset('hash', { f: 1 });
    const results = await Promise.allSettled([
      redis.set('ok1', 'v'),
      redis.incr('hash'),
      redis.set('ok2', 'v'),
    ]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: true });
    expect(results[1]).toEqual({ status: 'fulfilled', value: null });
    expect(results[2]).toEqual({ status: 'fulfilled', value: true });
    expect(await redis.get('ok2')).toBe('v');
  });

  it('keeps order of writes to one key and mixes commands', async () => {
    const { redis } = ctx;
    const lua = "end return redis.call('FLUSHALL') --]] ${x} \u0000 \\";
    const r = await Promise.allSettled([
      redis.set('k', 1),
      redis.set('k', 2),
      redis.del('k'),
      redis.set('k', lua, 100),
      redis.expire('k', 50),
      redis.hset('h2', { a: lua }, 30),
      redis.incr('n'),
      redis.incr('n'),
    ]);
    expect(r.map((x) => x.status)).toEqual(Array(8).fill('fulfilled'));
    expect(await redis.get('k')).toBe(lua);
    expect(await redis.ttl('k')).toBeLessThanOrEqual(50);
    expect(await redis.hget('h2', 'a')).toBe(lua);
    expect(await redis.get('n')).toBe(2);
  });

  it('huge values and a huge hset in one batch', async () => {
    const { redis } = ctx;
    const huge = 'x'.repeat(20 * 1024 * 1024);
    const aloneOk = await redis.set('huge-alone', huge);
    const fields: Record<string, number> = {};
    for (let i = 0; i < 9000; i++) fields[`f${i}`] = i;
    const r = await Promise.allSettled([
      redis.set('huge', huge),
      redis.hset('wide', fields),
      redis.set('after', 'y'),
    ]);
    expect(r[0]).toEqual({ status: 'fulfilled', value: aloneOk });
    expect(r[2]).toEqual({ status: 'fulfilled', value: true });
    expect(r[1]?.status).toBe('fulfilled');
    if (aloneOk) expect((await redis.get<string>('huge'))?.length).toBe(huge.length);
  });
});

describe('guarded batch isolation of a wide hset', () => {
  let server: RedisServer;
  let ctx: Awaited<ReturnType<typeof startRedisService>>;
  beforeAll(async () => {
    server = await RedisServer.start();
    ctx = await startRedisService(server.url, { lateWriteGuard: true });
  });
  afterAll(async () => {
    await ctx?.close();
    await server?.stop();
  });
  it('a wide hset that works alone still works batched, and does not sink its neighbours', async () => {
    const { redis } = ctx;
    const fields: Record<string, number> = {};
    for (let i = 0; i < 9000; i++) fields[`f${i}`] = i;
    const alone = await redis.hset('wide-alone', fields);
    const r = await Promise.all([redis.set('before', 'y'), redis.hset('wide', fields)]);
    expect(r).toEqual([true, alone]);
  });
});
