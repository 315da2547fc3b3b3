import { Redis } from 'ioredis';
import { parseRedisUrl, RedisService } from 'nestjs-coherent-cache';
import { RedisServer } from '../test/support/redis-server.js';
import { fmt, measure, median, table } from './measure.js';

const ROUNDS = 5;
const VALUE = {
  id: 42,
  name: 'Widget',
  price: 9.99,
  tags: ['a', 'b', 'c'],
  stock: { warehouse: 12 },
};

interface Contender {
  name: string;
  get: (key: string) => Promise<unknown>;
  set: (key: string, value: unknown) => Promise<unknown>;
}

/**
 * `RedisService` get and set beside raw ioredis (JSON in both), with 1 and 100 concurrent
 * callers, on a redis-server of its own. Rounds alternate the contenders; medians are reported.
 */
export async function benchRedisService(): Promise<string[]> {
  const server = await RedisServer.start();
  const raw = new Redis({ port: server.port });
  const guarded = new RedisService({ connection: parseRedisUrl(server.url), keyPrefix: 'bench' });
  const unguarded = new RedisService({
    connection: parseRedisUrl(server.url),
    keyPrefix: 'bench',
    lateWriteGuard: false,
  });
  const unpipelined = new RedisService({
    connection: parseRedisUrl(server.url),
    keyPrefix: 'bench',
    autoPipelining: false,
  });
  guarded.onModuleInit();
  unguarded.onModuleInit();
  unpipelined.onModuleInit();
  try {
    while (!guarded.isAvailable || !unguarded.isAvailable || !unpipelined.isAvailable) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const contenders: Contender[] = [
      {
        name: 'raw ioredis',
        get: async (key) => {
          const text = await raw.get(`bench:${key}`);
          return text === null ? null : (JSON.parse(text) as unknown);
        },
        set: (key, value) => raw.set(`bench:${key}`, JSON.stringify(value), 'PX', 60_000),
      },
      {
        name: 'RedisService',
        get: (key) => guarded.get(key),
        set: (key, v) => guarded.set(key, v, 60),
      },
      {
        name: 'RedisService (lateWriteGuard off)',
        get: (key) => unguarded.get(key),
        set: (key, v) => unguarded.set(key, v, 60),
      },
    ];
    const results = new Map<string, number[]>();
    const record = (label: string, value: number) =>
      results.set(label, [...(results.get(label) ?? []), value]);
    for (const c of contenders) await c.set('warm', VALUE);
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const concurrency of [1, 100]) {
        const total = concurrency === 1 ? 5_000 : 30_000;
        for (const c of round % 2 ? [...contenders].reverse() : contenders) {
          const set = await measure((i) => c.set(`k${i % 1000}`, VALUE), concurrency, total);
          record(`${c.name}|set|${concurrency}`, set.opsPerSecond);
          const get = await measure((i) => c.get(`k${i % 1000}`), concurrency, total);
          record(`${c.name}|get|${concurrency}`, get.opsPerSecond);
        }
      }
    }
    const rows: (string | number)[][] = [];
    for (const op of ['get', 'set']) {
      for (const concurrency of [1, 100]) {
        const base = median(results.get(`raw ioredis|${op}|${concurrency}`) ?? []);
        for (const c of contenders) {
          const value = median(results.get(`${c.name}|${op}|${concurrency}`) ?? []);
          rows.push([op, concurrency, c.name, fmt(value), (value / base).toFixed(2)]);
        }
      }
    }
    return [
      `RedisService vs raw ioredis (median of ${ROUNDS} rounds, ops/s; ratio to raw ioredis; goal >= 0.90)`,
      ...table(['op', 'callers', 'client', 'ops/s', 'ratio'], rows),
    ];
  } finally {
    raw.disconnect();
    await guarded.onApplicationShutdown();
    await unguarded.onApplicationShutdown();
    await unpipelined.onApplicationShutdown();
    await server.stop();
  }
}
