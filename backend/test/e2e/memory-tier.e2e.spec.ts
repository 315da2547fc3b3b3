import { Redis } from 'ioredis';
import type { CacheService } from 'nestjs-coherent-cache';
import { ADMIN_CLI_ARGS, aclMode, ADMIN_PASSWORD, ADMIN_USER } from '../support/acl-mode.js';
import { startCacheService } from '../support/cache-service.fixture.js';
import { RedisServer } from '../support/redis-server.js';
import { msUntilChanged, percentiles } from '../support/staleness.js';
import { sleep, waitFor } from '../support/wait-for.js';

const ROUNDS = 200;

/** Waits (δ: an invalidation message in flight) until `key` reads `value`. */
const until = (cache: CacheService, key: string, value: unknown) =>
  waitFor(async () => (await cache.get(key)) === value, {
    timeoutMs: 1_000,
    intervalMs: 1,
    what: `${key} = ${String(value)}`,
  });

/** A raw ioredis client as the harness (admin in an ACL run): another program writing to Redis. */
function rawClient(server: RedisServer): Redis {
  return new Redis({
    port: server.port,
    ...(aclMode ? { username: ADMIN_USER, password: ADMIN_PASSWORD } : {}),
  });
}

describe('memory tier kept coherent by Redis (CLIENT TRACKING)', () => {
  let server: RedisServer;
  let a: { cache: CacheService; close: () => Promise<void> };
  let b: { cache: CacheService; close: () => Promise<void> };
  let raw: Redis;

  beforeAll(async () => {
    server = await RedisServer.start();
    const keyPrefix = `l1${Math.random().toString(36).slice(2, 8)}`;
    a = await startCacheService(server.url, { keyPrefix });
    b = await startCacheService(server.url, { keyPrefix });
    raw = rawClient(server);
    await waitFor(() => a.cache.memoryTier.mechanism === 'tracking', { what: 'A armed' });
    await waitFor(() => b.cache.memoryTier.mechanism === 'tracking', { what: 'B armed' });
  });

  afterAll(async () => {
    raw.disconnect();
    await a.close();
    await b.close();
    await server.stop();
  });

  it('answers a hit from memory, with a frozen value, without a round trip', async () => {
    await a.cache.getOrSet('hot', () => ({ n: 1, list: [1, 2] }), { ttlSeconds: 60 });
    // The write's own invalidation may cross the next read, which is then not kept: read until
    // the tier holds the entry.
    let first: unknown;
    await waitFor(
      async () => {
        first = await a.cache.getOrSet('hot', () => ({ n: 0, list: [] }), { ttlSeconds: 60 });
        return a.cache.peekFresh('hot') !== undefined;
      },
      { what: 'the entry held in memory' },
    );
    server.pause();
    try {
      const started = performance.now();
      const held = await a.cache.getOrSet('hot', () => ({ n: -1, list: [] }), { ttlSeconds: 60 });
      // Redis is paused: a round trip would take the command timeout (300 ms).
      expect(performance.now() - started).toBeLessThan(100);
      expect(held).toEqual({ n: 1, list: [1, 2] });
      expect(held).toBe(first);
      expect(Object.isFrozen(held)).toBe(true);
      expect(() => (held.list as number[]).push(3)).toThrow(TypeError);
    } finally {
      server.resume();
    }
  });

  it('per call, memory: false reads Redis and keeps nothing', async () => {
    await a.cache.set('opt-out', 1, { ttlSeconds: 60 });
    const before = a.cache.memoryTier.entries;
    expect(await a.cache.getOrSet('opt-out', () => 0, { memory: false })).toBe(1);
    expect(a.cache.memoryTier.entries).toBe(before);
  });

  it('a write by another process drops the key from memory within milliseconds', async () => {
    const samples: number[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      await a.cache.set('shared', i, { ttlSeconds: 60 });
      await until(b.cache, 'shared', i);
      expect(await b.cache.get('shared')).toBe(i); // held in B's memory now
      const started = performance.now();
      await a.cache.set('shared', i + 0.5, { ttlSeconds: 60 });
      samples.push(await msUntilChanged(b.cache, 'shared', i, started));
    }
    const { p50, p99 } = percentiles(samples);
    console.log(
      `L1 staleness after another process's set: p50=${p50.toFixed(3)} ms p99=${p99.toFixed(3)} ms`,
    );
    expect(p99).toBeLessThan(50);
  });

  it('a write by a raw ioredis client drops the key from memory within milliseconds', async () => {
    const samples: number[] = [];
    const source = a.cache.keyspace.entry('raw-source');
    const target = a.cache.keyspace.entry('raw-target');
    for (let i = 0; i < ROUNDS; i += 1) {
      await a.cache.set('raw-target', i, { ttlSeconds: 60 });
      await a.cache.set('raw-source', -i - 1000, { ttlSeconds: 60 });
      await until(b.cache, 'raw-target', i);
      const started = performance.now();
      // Another program copies an entry over it (as a script or redis-cli would).
      await raw.copy(source, target, 'REPLACE');
      samples.push(await msUntilChanged(b.cache, 'raw-target', i, started));
      expect(await b.cache.get('raw-target')).toBe(-i - 1000);
    }
    const { p50, p99 } = percentiles(samples);
    console.log(
      `L1 staleness after a raw ioredis write: p50=${p50.toFixed(3)} ms p99=${p99.toFixed(3)} ms`,
    );
    expect(p99).toBeLessThan(50);
  });

  it('a tag invalidated elsewhere drops every entry written under it', async () => {
    await a.cache.set('t1', 1, { ttlSeconds: 60, tags: ['group'] });
    await a.cache.set('t2', 2, { ttlSeconds: 60, tags: ['group'] });
    expect(await b.cache.get('t1')).toBe(1);
    expect(await b.cache.get('t2')).toBe(2);
    await a.cache.invalidateTags(['group']);
    await waitFor(
      async () => (await b.cache.get('t1')) === null && (await b.cache.get('t2')) === null,
      {
        timeoutMs: 1_000,
        intervalMs: 1,
        what: 'tagged entries dropped',
      },
    );
  });

  it('after CLIENT KILL of the link, memory is bypassed until re-armed, then used again', async () => {
    await a.cache.set('k', 'old', { ttlSeconds: 60 });
    expect(await b.cache.get('k')).toBe('old');
    await server.cli(...(aclMode ? ADMIN_CLI_ARGS : []), 'CLIENT', 'KILL', 'TYPE', 'pubsub');
    // While the link is down, a raw write is seen at once: reads go to Redis.
    await raw.copy(a.cache.keyspace.entry('k'), a.cache.keyspace.entry('k2'), 'REPLACE');
    if (b.cache.memoryTier.mechanism === 'none') {
      await raw.del(b.cache.keyspace.entry('k'));
      expect(await b.cache.get('k')).toBeNull();
    }
    await waitFor(() => b.cache.memoryTier.mechanism === 'tracking', { what: 're-armed' });
    await a.cache.set('k', 'new', { ttlSeconds: 60 });
    // The first read may race the set's own invalidation message (then it is not kept in
    // memory, by design): read until memory holds it.
    await waitFor(
      async () => (await b.cache.get('k')) === 'new' && b.cache.memoryTier.entries > 0,
      { what: 'the entry held in memory again' },
    );
    server.pause();
    try {
      expect(await b.cache.get('k')).toBe('new'); // from memory again
    } finally {
      server.resume();
    }
  });

  it('drops everything on FLUSHALL by another client', async () => {
    await a.cache.set('f', 1, { ttlSeconds: 60 });
    expect(await b.cache.get('f')).toBe(1);
    await server.cli(...(aclMode ? ADMIN_CLI_ARGS : []), 'FLUSHALL');
    await waitFor(async () => (await b.cache.get('f')) === null, {
      timeoutMs: 1_000,
      intervalMs: 1,
      what: 'flushed',
    });
  });
});

describe('memory tier where CLIENT TRACKING is refused', () => {
  let server: RedisServer;
  let a: { cache: CacheService; close: () => Promise<void> };
  let b: { cache: CacheService; close: () => Promise<void> };

  beforeAll(async () => {
    server = await RedisServer.start();
    const keyPrefix = `nt${Math.random().toString(36).slice(2, 8)}`;
    const admin = aclMode ? ADMIN_CLI_ARGS : [];
    await server.cli(
      ...admin,
      ...['ACL', 'SETUSER', 'notrack', 'on', '>notrack-pass', `~${keyPrefix}:*`],
      ...['resetchannels', `&${keyPrefix}:*`, '+@all', '-@dangerous', '-client'],
    );
    a = await startCacheService(`redis://notrack:notrack-pass@127.0.0.1:${server.port}`, {
      keyPrefix,
    });
    b = await startCacheService(`redis://notrack:notrack-pass@127.0.0.1:${server.port}`, {
      keyPrefix,
    });
    await waitFor(() => a.cache.memoryTier.mechanism === 'pubsub', { what: 'A on pub/sub' });
    await waitFor(() => b.cache.memoryTier.mechanism === 'pubsub', { what: 'B on pub/sub' });
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    await server.stop();
  });

  it('falls back to the module messages: another process write drops the key', async () => {
    const samples: number[] = [];
    for (let i = 0; i < 50; i += 1) {
      await a.cache.set('x', i, { ttlSeconds: 60 });
      await until(b.cache, 'x', i);
      expect(await b.cache.get('x')).toBe(i);
      const started = performance.now();
      await a.cache.set('x', i + 0.5, { ttlSeconds: 60 });
      samples.push(await msUntilChanged(b.cache, 'x', i, started));
    }
    const { p50, p99 } = percentiles(samples);
    console.log(
      `L1 staleness over pub/sub fallback: p50=${p50.toFixed(3)} ms p99=${p99.toFixed(3)} ms`,
    );
    expect(b.cache.memoryTier.mechanism).toBe('pubsub');
  });

  it('does not see a write by another client (documented limit)', async () => {
    await a.cache.set('y', 1, { ttlSeconds: 60 });
    await a.cache.set('y2', 2, { ttlSeconds: 60 });
    expect(await b.cache.get('y')).toBe(1);
    await server.cli(
      ...(aclMode ? ADMIN_CLI_ARGS : []),
      'COPY',
      b.cache.keyspace.entry('y2'),
      b.cache.keyspace.entry('y'),
      'REPLACE',
    );
    await sleep(50);
    expect(await b.cache.get('y')).toBe(1);
  });
});
