import {
  CacheService,
  CacheWarmerService,
  CounterService,
  LockService,
  PubSubService,
  RateLimiterService,
  SessionService,
  defineChannel,
  type RedisService,
} from 'nestjs-coherent-cache';
import { waitFor } from './wait-for.js';

/** What the patterns contract needs from a topology under test. */
export interface PatternsTarget {
  redis: RedisService;
  /** A provider of the cache module. */
  get: <T>(type: new (...args: never[]) => T) => T;
}

/**
 * The pattern services on a topology: each test checks what a user of the service would, with
 * keys spread over many Cluster slots where the service uses several keys.
 */
export function patternsContract(target: () => PatternsTarget): void {
  it('locks: one holder at a time, growing fencing tokens, release by the holder only', async () => {
    const locks = target().get(LockService);
    const first = await locks.acquire('orders:7', 5_000);
    expect(first?.fencingToken).toBeGreaterThan(0);
    expect(await locks.acquire('orders:7', 5_000)).toBeNull();
    expect(await locks.release({ key: 'orders:7', token: 'not-the-holder' })).toBe(false);
    expect(await locks.release(first as NonNullable<typeof first>)).toBe(true);
    const result = await locks.withLock('orders:7', 5_000, () => Promise.resolve('done'));
    expect(result).toMatchObject({ acquired: true, value: 'done' });
    expect(result.acquired && result.fencingToken).toBeGreaterThan(first?.fencingToken ?? 0);
  });

  it('rate limits: exactly the limit is admitted, decided in Redis', async () => {
    const limiter = target().get(RateLimiterService);
    const results = await Promise.all(
      Array.from({ length: 12 }, () => limiter.check('client:1', 5, 10)),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect(results.every((r) => r.source === 'redis')).toBe(true);
  });

  it('counters: atomic under concurrency', async () => {
    const counters = target().get(CounterService);
    const values = await Promise.all(
      Array.from({ length: 40 }, () => counters.increment('visits', 1, { ttlSeconds: 60 })),
    );
    expect(new Set(values).size).toBe(40);
    expect(await counters.value('visits')).toBe(40);
  });

  it('sessions: a user with several sessions, listed and deleted together', async () => {
    const sessions = target().get(SessionService) as SessionService<{ role: string }>;
    const created = await Promise.all(
      Array.from({ length: 6 }, () => sessions.create('alice', { role: 'admin' })),
    );
    expect((await sessions.list('alice')).sort()).toEqual(created.map((s) => s.sessionId).sort());
    expect((await sessions.get('alice', created[0]?.sessionId ?? ''))?.data).toEqual({
      role: 'admin',
    });
    expect(await sessions.deleteAll('alice')).toBe(6);
    expect(await sessions.get('alice', created[0]?.sessionId ?? '')).toBeNull();
  });

  it('pub/sub: a subscriber receives what is published', async () => {
    const pubsub = target().get(PubSubService);
    const channel = defineChannel<{ n: number }>('orders');
    const received: number[] = [];
    const unsubscribe = await pubsub.subscribe(channel, (payload) => {
      received.push(payload.n);
    });
    try {
      for (let n = 0; n < 5; n += 1) await pubsub.publish(channel, { n });
      await waitFor(() => received.length === 5, { timeoutMs: 5_000, what: '5 messages' });
      // Every message arrives; in a Cluster, not always in order: each PUBLISH goes to any node
      // and reaches the subscriber's node over the cluster bus.
      expect([...received].sort()).toEqual([0, 1, 2, 3, 4]);
    } finally {
      await unsubscribe();
    }
  });

  it('cache warming: every key stored, wherever its slot is', async () => {
    const { get } = target();
    const keys = Array.from({ length: 60 }, (_, i) => `warm:${i}`);
    const report = await get(CacheWarmerService).warm(keys, (key) => Promise.resolve({ key }));
    expect(report).toMatchObject({ warmed: 60, failed: 0 });
    const cache = get(CacheService);
    const read = await Promise.all(keys.map((key) => cache.get(key)));
    expect(read).toEqual(keys.map((key) => ({ key })));
  });
}
