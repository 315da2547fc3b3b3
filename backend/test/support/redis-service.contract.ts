import type { RedisService } from 'nestjs-coherent-cache';
import { hashSlot } from '../../libs/cache/src/keys/hash-slot.js';
import type { RedisServer } from './redis-server.js';

/** What the contract needs from a topology under test. */
export interface ContractTarget {
  redis: RedisService;
  /** The master that serves `redisKey` now, to read it directly with `redis-cli`. */
  ownerOf(redisKey: string): Promise<RedisServer>;
  /** Every master now. */
  masters(): Promise<RedisServer[]>;
}

/** Counts the keys matching `pattern` on one server, directly (`redis-cli --scan`). */
export async function countOnServer(server: RedisServer, pattern: string): Promise<number> {
  const out = await server.cli('--scan', '--pattern', pattern);
  return out === '' ? 0 : out.split('\n').length;
}

/**
 * The behaviour every `RedisService` operation must keep on any topology: each test writes
 * through the service and checks the data directly on the server that holds it.
 */
export function redisServiceContract(target: () => ContractTarget): void {
  const raw = async (logicalKey: string, ...command: string[]) => {
    const { redis, ownerOf } = target();
    const redisKey = redis.namespace.toRedisKey(logicalKey);
    return (await ownerOf(redisKey)).cli(...command, redisKey);
  };

  it('round-trips get/set and stores the value on the master that owns the key', async () => {
    const { redis } = target();
    const value = { id: 7, name: 'Zoë', tags: ['a'], nested: { n: null } };
    expect(await redis.set('user:7', value, 60)).toBe(true);
    expect(await redis.get('user:7')).toEqual(value);
    expect(JSON.parse(await raw('user:7', 'GET'))).toEqual(value);
    expect(await redis.get('user:missing')).toBeNull();
  });

  it('del, exists, ttl and expire', async () => {
    const { redis } = target();
    await redis.set('e1', 1, 100);
    expect(await redis.exists('e1')).toBe(true);
    expect(await redis.ttl('e1')).toBeGreaterThan(90);
    expect(await redis.expire('e1', 5)).toBe(true);
    expect(Number(await raw('e1', 'TTL'))).toBeLessThanOrEqual(5);
    await redis.set('e2', 2);
    await redis.set('e3', 3);
    expect(await redis.del('e1', 'e2', 'e3', 'never')).toBe(3);
    expect(await redis.exists('e1')).toBe(false);
    expect(await redis.ttl('e1')).toBe(-2);
    expect(await raw('e2', 'EXISTS')).toBe('0');
  });

  it('increments atomically, with an expiry set in the same step', async () => {
    const { redis } = target();
    const results = await Promise.all(Array.from({ length: 30 }, () => redis.incr('counter', 60)));
    expect(new Set(results).size).toBe(30);
    expect(await redis.incrBy('counter', 10)).toBe(40);
    expect(await redis.decr('counter')).toBe(39);
    expect(await redis.decrBy('counter', 9)).toBe(30);
    expect(await raw('counter', 'GET')).toBe('30');
    expect(Number(await raw('counter', 'TTL'))).toBeGreaterThan(50);
  });

  it('hset, hget and hgetall', async () => {
    const { redis } = target();
    expect(await redis.hset('h', { a: { n: 1 }, b: { n: 2 } }, 60)).toBe(true);
    expect(await redis.hget('h', 'b')).toEqual({ n: 2 });
    expect(await redis.hgetall('h')).toEqual({ a: { n: 1 }, b: { n: 2 } });
    expect(await raw('h', 'HLEN')).toBe('2');
    expect(await redis.hgetall('no-hash')).toEqual({});
  });

  it('mset and mget keys spread over many slots', async () => {
    const { redis } = target();
    const entries = Array.from({ length: 200 }, (_, i): [string, number] => [`m:${i}`, i]);
    const slots = new Set(entries.map(([k]) => hashSlot(redis.namespace.toRedisKey(k))));
    expect(slots.size).toBeGreaterThan(150);
    expect(await redis.mset(entries, 60)).toBe(true);
    const keys = [...entries.map(([k]) => k), 'm:none'];
    expect(await redis.mget(keys)).toEqual([...entries.map(([, v]) => v), null]);
    expect(await raw('m:199', 'GET')).toBe('199');
  });

  it('refuses a guarded write that arrives after its deadline, on the right node', async () => {
    const { redis } = target();
    const redisKey = redis.namespace.toRedisKey('guarded');
    expect(
      await redis.executeWrite({ operation: 'test' }, [redisKey], 'SET', [redisKey, '1']),
    ).toBe('OK');
    expect(await raw('guarded', 'GET')).toBe('1');
    const client = redis.getClient() as unknown as {
      guardedWrite(...args: (string | number)[]): Promise<unknown>;
    };
    await expect(client.guardedWrite(1, redisKey, 0, 'SET', redisKey, '2')).rejects.toThrow(
      /DEADLINE/,
    );
    expect(await raw('guarded', 'GET')).toBe('1');
  });

  it('scans and deletes by prefix on every master, leaving other keys alone', async () => {
    const { redis, masters } = target();
    const entries = Array.from({ length: 300 }, (_, i): [string, number] => [`sweep:${i}`, i]);
    expect(await redis.mset(entries, 120)).toBe(true);
    expect(await redis.mset([['keep:1', 1]], 120)).toBe(true);
    const pattern = redis.namespace.matchPattern('sweep:');
    const servers = await masters();
    const perMaster = await Promise.all(servers.map((s) => countOnServer(s, pattern)));
    for (const count of perMaster) expect(count).toBeGreaterThan(0);
    expect(perMaster.reduce((a, b) => a + b, 0)).toBe(300);

    const scanned: string[] = [];
    for await (const key of redis.scanKeys('sweep:')) scanned.push(key);
    expect(scanned.sort()).toEqual(entries.map(([k]) => k).sort());

    expect(await redis.deleteByPrefix('sweep:')).toBe(300);
    for (const server of servers) expect(await countOnServer(server, pattern)).toBe(0);
    expect(await redis.get('keep:1')).toBe(1);
  });

  it('clears its namespace on every master and nothing else', async () => {
    const { redis, masters, ownerOf } = target();
    const foreign = 'someone-else:key';
    await (await ownerOf(foreign)).cli('SET', foreign, 'keep');
    await redis.mset(
      Array.from({ length: 60 }, (_, i): [string, number] => [`c:${i}`, i]),
      60,
    );
    expect(await redis.clearNamespace()).toBeGreaterThanOrEqual(60);
    for (const server of await masters()) {
      expect(await countOnServer(server, redis.namespace.matchPattern())).toBe(0);
    }
    expect(await (await ownerOf(foreign)).cli('GET', foreign)).toBe('keep');
  });

  it('answers a health check', async () => {
    const { redis } = target();
    const health = await redis.healthCheck();
    expect(health.healthy).toBe(true);
    expect(health.latencyMs).toBeLessThan(300);
    expect(redis.getStats()).toMatchObject({ ready: true, breakerState: 'closed' });
  });
}
