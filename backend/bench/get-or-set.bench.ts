import KeyvRedis from '@keyv/redis';
import { createCache } from 'cache-manager';
import { Redis } from 'ioredis';
import { Keyv } from 'keyv';
import { createStandaloneCache, parseRedisUrl } from 'nestjs-coherent-cache';
import { RedisServer } from '../test/support/redis-server.js';
import { fmt, measure, median, table } from './measure.js';

const ROUNDS = 5;
const COLD_CALLERS = 200;
const WARM_KEYS = 1_000;
const VALUE = {
  id: 42,
  name: 'Widget',
  price: 9.99,
  tags: ['a', 'b', 'c'],
  stock: { warehouse: 12 },
};

interface Contender {
  name: string;
  /** Reads a warm key through the contender's cache-aside call. */
  hit: (key: string) => Promise<unknown>;
  /** Runs the cache-aside call on `key` with `loader`. */
  aside: (key: string, loader: () => Promise<unknown>) => Promise<unknown>;
}

/**
 * `CacheService.getOrSet` beside `cache-manager`'s `wrap` (with `@keyv/redis`) and a hand-written
 * cache-aside on raw ioredis: hit throughput with 1 and 100 callers, and loader runs under 200
 * concurrent callers on a cold key. One redis-server, alternating rounds, medians.
 */
export async function benchGetOrSet(): Promise<string[]> {
  const server = await RedisServer.start();
  const raw = new Redis({ port: server.port });
  const ours = await createStandaloneCache({
    connection: parseRedisUrl(server.url),
    keyPrefix: 'ours',
  });
  const peer = createCache({
    stores: [new Keyv({ store: new KeyvRedis(server.url), namespace: 'peer' })],
  });
  try {
    const contenders: Contender[] = [
      {
        name: 'raw ioredis (get, parse)',
        hit: async (key) => {
          const text = await raw.get(`raw:${key}`);
          return text === null ? null : (JSON.parse(text) as unknown);
        },
        aside: async (key, loader) => {
          const text = await raw.get(`raw:${key}`);
          if (text !== null) return JSON.parse(text) as unknown;
          const value = await loader();
          await raw.set(`raw:${key}`, JSON.stringify(value), 'PX', 60_000);
          return value;
        },
      },
      {
        name: 'CacheService.getOrSet',
        hit: (key) => ours.cache.getOrSet(key, () => Promise.resolve(VALUE), { ttlSeconds: 60 }),
        aside: (key, loader) => ours.cache.getOrSet(key, loader, { ttlSeconds: 60 }),
      },
      {
        name: 'cache-manager wrap',
        hit: (key) => peer.wrap(key, () => Promise.resolve(VALUE), 60_000),
        aside: (key, loader) => peer.wrap(key, loader, 60_000),
      },
    ];
    // Hits spread over 1,000 warm keys: with one hot key, in-process coalescing of identical
    // concurrent reads (which cache-manager's wrap does) would measure the coalescing, not the cache.
    for (const c of contenders) {
      for (let i = 0; i < WARM_KEYS; i += 1)
        await c.aside(`warm:${i}`, () => Promise.resolve(VALUE));
    }
    const results = new Map<string, number[]>();
    const record = (label: string, v: number) =>
      results.set(label, [...(results.get(label) ?? []), v]);
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const concurrency of [1, 100]) {
        const total = concurrency === 1 ? 4_000 : 20_000;
        for (const c of round % 2 ? [...contenders].reverse() : contenders) {
          const r = await measure((i) => c.hit(`warm:${i % WARM_KEYS}`), concurrency, total);
          record(`${c.name}|${concurrency}`, r.opsPerSecond);
        }
      }
    }
    const loads = new Map<string, number[]>();
    for (let round = 0; round < 3; round += 1) {
      for (const c of contenders) {
        let runs = 0;
        const loader = async () => {
          runs += 1;
          await new Promise((resolve) => setTimeout(resolve, 20));
          return VALUE;
        };
        await Promise.all(
          Array.from({ length: COLD_CALLERS }, () => c.aside(`cold:${round}`, loader)),
        );
        loads.set(c.name, [...(loads.get(c.name) ?? []), runs]);
      }
    }
    const rows: (string | number)[][] = [];
    for (const concurrency of [1, 100]) {
      const base = median(results.get(`raw ioredis (get, parse)|${concurrency}`) ?? []);
      for (const c of contenders) {
        const v = median(results.get(`${c.name}|${concurrency}`) ?? []);
        rows.push([concurrency, c.name, fmt(v), (v / base).toFixed(2)]);
      }
    }
    return [
      `Cache-aside hit throughput over ${WARM_KEYS} warm keys (median of ${ROUNDS} rounds, ops/s, ratio to raw ioredis)`,
      ...table(['callers', 'contender', 'hits/s', 'ratio'], rows),
      '',
      `Loader runs for ${COLD_CALLERS} concurrent callers on a cold key (loader takes 20 ms), 3 rounds`,
      ...table(
        ['contender', 'loader runs per round'],
        contenders.map((c) => [c.name, (loads.get(c.name) ?? []).join(', ')]),
      ),
    ];
  } finally {
    raw.disconnect();
    await ours.close();
    await peer.disconnect();
    await server.stop();
  }
}
