import KeyvRedis from '@keyv/redis';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisDriver } from 'bentocache/drivers/redis';
import { createCache } from 'cache-manager';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Redis } from 'ioredis';
import { Keyv } from 'keyv';
import { MemoryTier } from '../libs/cache/src/caching/memory/memory-tier.js';
import { resolveMemoryTierOptions } from '../libs/cache/src/caching/memory/memory-tier.options.js';
import { createStandaloneCache, parseRedisUrl, type CacheService } from 'nestjs-coherent-cache';
import { RedisServer } from '../test/support/redis-server.js';
import { percentiles } from '../test/support/staleness.js';
import { fmt, measure, median, table } from './measure.js';

const HOT_KEYS = 1_000;
const CALLERS = 100;
const HITS = 300_000;
const ROUNDS = 3;
const STALENESS_ROUNDS = 200;
const VALUE = {
  id: 42,
  name: 'Widget',
  price: 9.99,
  tags: ['a', 'b', 'c'],
  stock: { warehouse: 12 },
};

/**
 * The memory tier: `getOrSet` hits on 1,000 hot keys from 100 callers beside cache-manager's
 * `wrap` and bentocache's L1+L2 `getOrSet` (freeze and copy isolation, and Redis only);
 * invalidation staleness across two processes (a write by the other process and by a raw
 * ioredis client: time until every memory tier dropped the key); heap per 100,000 entries of 1 KB.
 */
export async function benchMemoryTier(): Promise<string[]> {
  const lines: string[] = [];
  lines.push(...(await hitThroughput()));
  lines.push('', ...(await staleness()));
  lines.push('', ...heapPerEntries());
  return lines;
}

async function hitThroughput(): Promise<string[]> {
  const server = await RedisServer.start();
  const connection = parseRedisUrl(server.url);
  const frozen = await createStandaloneCache({ connection, keyPrefix: 'frozen' });
  const copied = await createStandaloneCache({
    connection,
    keyPrefix: 'copied',
    caching: { memory: { isolation: 'copy' } },
  });
  const peer = createCache({
    stores: [new Keyv({ store: new KeyvRedis(server.url), namespace: 'peer' })],
  });
  const bento = new BentoCache({
    default: 'c',
    stores: {
      c: bentostore()
        .useL1Layer(memoryDriver({ maxSize: '100mb' }))
        .useL2Layer(redisDriver({ connection: { host: '127.0.0.1', port: server.port } })),
    },
  });
  try {
    await waitArmed(frozen.cache);
    await waitArmed(copied.cache);
    const load = () => Promise.resolve(VALUE);
    const contenders: [string, (key: string) => Promise<unknown>][] = [
      ['getOrSet, memory tier (freeze)', (k) => frozen.cache.getOrSet(k, load, { ttlSeconds: 60 })],
      ['getOrSet, memory tier (copy)', (k) => copied.cache.getOrSet(k, load, { ttlSeconds: 60 })],
      [
        'getOrSet, Redis only (memory: false)',
        (k) => frozen.cache.getOrSet(k, load, { ttlSeconds: 60, memory: false }),
      ],
      ['cache-manager wrap', (k) => peer.wrap(k, load, 60_000)],
      ['bentocache getOrSet (L1+L2)', (k) => bento.getOrSet({ key: k, factory: load, ttl: '1m' })],
    ];
    for (const [, hit] of contenders) {
      for (let i = 0; i < HOT_KEYS; i += 1) await hit(`hot:${i}`);
      for (let i = 0; i < HOT_KEYS; i += 1) await hit(`hot:${i}`);
    }
    const results = new Map<string, number[]>();
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [name, hit] of round % 2 ? [...contenders].reverse() : contenders) {
        const total = name.includes('Redis only') || name.includes('cache-manager') ? 20_000 : HITS;
        const r = await measure((i) => hit(`hot:${i % HOT_KEYS}`), CALLERS, total);
        results.set(name, [...(results.get(name) ?? []), r.opsPerSecond]);
      }
    }
    const of = (name: string) => median(results.get(name) ?? []);
    const bestPeer = Math.max(of('cache-manager wrap'), of('bentocache getOrSet (L1+L2)'));
    return [
      `getOrSet hits on ${HOT_KEYS} hot keys, ${CALLERS} callers (median of ${ROUNDS} rounds; ratio to the better of cache-manager and bentocache)`,
      ...table(
        ['contender', 'hits/s', 'ratio'],
        contenders.map(([name]) => [name, fmt(of(name)), (of(name) / bestPeer).toFixed(2)]),
      ),
      `freeze vs copy on a hit: copy runs at ${(of('getOrSet, memory tier (copy)') / of('getOrSet, memory tier (freeze)')).toFixed(2)}x the hits/s of freeze`,
    ];
  } finally {
    await frozen.close();
    await copied.close();
    await peer.disconnect();
    await bento.disconnectAll();
    await server.stop();
  }
}

async function staleness(): Promise<string[]> {
  const server = await RedisServer.start();
  const keyPrefix = 'stale';
  const ours = await createStandaloneCache({ connection: parseRedisUrl(server.url), keyPrefix });
  const raw = new Redis({ port: server.port });
  const child = fork(
    fileURLToPath(new URL('./memory-tier.child.js', import.meta.url)),
    [server.url, keyPrefix],
    { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
  );
  try {
    await waitArmed(ours.cache);
    await nextMessage(child, 'ready');
    const byProcess: number[] = [];
    const byRaw: number[] = [];
    const source = ours.cache.keyspace.entry('source');
    for (let i = 0; i < STALENESS_ROUNDS; i += 1) {
      const byOther = i % 2 === 0;
      const key = `k${i}`;
      await ours.cache.set(key, i, { ttlSeconds: 60 });
      await ours.cache.set('source', -1, { ttlSeconds: 60 });
      // Both processes hold the key in memory.
      while ((await ours.cache.get(key)) !== i) await turn();
      child.send({ key, stale: i });
      await nextMessage(child, 'holding');
      const changed = nextMessage(child, 'changedAt');
      const writtenAt = performance.timeOrigin + performance.now();
      // "The other process" is the child for this process and this process for the child: here
      // the write comes from this process (its own tier drops at once) and from a raw client.
      if (byOther) await ours.cache.set(key, i + 0.5, { ttlSeconds: 60 });
      else await raw.copy(source, ours.cache.keyspace.entry(key), 'REPLACE');
      // Wait for the child without polling (two busy processes on two cores would measure the
      // scheduler), then check this process's own tier.
      const thereAt = (await changed) as number;
      let hereAt = performance.timeOrigin + performance.now();
      if ((await ours.cache.get(key)) !== i) hereAt = writtenAt;
      while ((await ours.cache.get(key)) === i) {
        await turn();
        hereAt = performance.timeOrigin + performance.now();
      }
      (byOther ? byProcess : byRaw).push(Math.max(hereAt, thereAt) - writtenAt);
    }
    const a = percentiles(byProcess);
    const b = percentiles(byRaw);
    return [
      `Invalidation staleness, two processes on one Redis: ms from a write until both memory tiers dropped the key (${STALENESS_ROUNDS / 2} writes each)`,
      ...table(
        ['writer', 'p50 ms', 'p99 ms'],
        [
          ['the other process (CacheService.set)', a.p50.toFixed(3), a.p99.toFixed(3)],
          ['a raw ioredis client (COPY ... REPLACE)', b.p50.toFixed(3), b.p99.toFixed(3)],
        ],
      ),
    ];
  } finally {
    child.send('close');
    await new Promise((resolve) => child.once('exit', resolve));
    raw.disconnect();
    await ours.close();
    await server.stop();
  }
}

function heapPerEntries(): string[] {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const count = 100_000;
  const padding = 'x'.repeat(900);
  gc();
  const before = process.memoryUsage().heapUsed;
  const tier = new MemoryTier(resolveMemoryTierOptions({ maxEntries: count, maxBytes: 2 ** 30 }));
  tier.linkUp();
  const now = Date.now();
  const startedAt = performance.now();
  for (let i = 0; i < count; i += 1) {
    // Each entry's text is made and parsed on its own, as a read from Redis would be.
    const text = JSON.stringify({
      id: i,
      name: `item ${i}`,
      price: i / 100,
      note: `${i}${padding}`,
    });
    const value: unknown = JSON.parse(text);
    tier.admit(
      tier.beginRead(),
      `key:${i}`,
      `ns:cache:e:key:${i}`,
      { value, storedAtMs: now, freshUntilMs: now + 600_000, staleUntilMs: now + 600_000 },
      [],
      text.length,
    );
  }
  const insertMs = performance.now() - startedAt;
  gc();
  const after = process.memoryUsage().heapUsed;
  const perEntry = (after - before) / count;
  return [
    `Heap per ${fmt(count)} memory-tier entries of ~1 KB (${tier.size} held, ${fmt(tier.sizeBytes)} bytes of text counted)`,
    `  heap: ${((after - before) / 2 ** 20).toFixed(1)} MiB, ${fmt(perEntry)} bytes per entry (${(perEntry / 1024).toFixed(2)}x the text)`,
    `  insert (stringify + parse + deep-freeze + index): ${((insertMs * 1000) / count).toFixed(2)} µs per entry`,
  ];
}

async function waitArmed(cache: CacheService): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (cache.memoryTier.mechanism !== 'tracking') {
    if (Date.now() > deadline) throw new Error('memory tier link not armed');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function nextMessage(child: ChildProcess, field: string): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if (typeof message === 'object' && message !== null && field in message) {
        child.off('message', onMessage);
        resolve((message as Record<string, unknown>)[field]);
      }
    };
    child.on('message', onMessage);
  });
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
