import { RedisServer } from '../support/redis-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

/** The value of one sample line of the exposition text, e.g. `cache_hits_total{cache="redis"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  let server: RedisServer;
  let app: TestApp;

  beforeAll(async () => {
    server = await RedisServer.start();
    app = await createTestApp().withRedis(server).start();
    await waitFor(() => app.redis.isAvailable, { what: 'Redis ready' });
  });

  afterAll(async () => {
    await app.close();
    await server.stop();
  });

  it('shows hit and miss counts of RedisService reads that match a scripted sequence exactly', async () => {
    // First sight of an id is a miss (then stored), every later one a hit.
    const script = [1, 2, 1, 1, 3, 2, 4, 1, 5, 5];
    const sources: string[] = [];
    for (const id of script) {
      const response = await app.request(`/demo/lookup/${id}`);
      sources.push(((await response.json()) as { source: string }).source);
    }
    const expectedMisses = new Set(script).size;
    const expectedHits = script.length - expectedMisses;
    const response = await app.request('/metrics');
    const text = await response.text();
    const hits = sample(text, 'redis_hits_total');
    const misses = sample(text, 'redis_misses_total');
    console.log(
      `scripted ${script.length} lookups (${sources.join(',')}): /metrics hits=${hits} misses=${misses}; ` +
        `expected hits=${expectedHits} misses=${expectedMisses}`,
    );
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(hits).toBe(expectedHits);
    expect(misses).toBe(expectedMisses);
    const stats = app.redis.getStats();
    expect([stats.hits, stats.misses]).toEqual([hits, misses]);
  });

  it('shows per-route hit, miss and loader counts of a cached route that match a scripted sequence', async () => {
    const series = (metric: string) => `${metric}{cache="GET /products/:id"}`;
    const before = await (await app.request('/metrics')).text();
    const script = [11, 12, 11, 11, 13, 12, 14, 11];
    const xCache: string[] = [];
    for (const id of script) {
      const response = await app.request(`/products/${id}`);
      await response.text();
      xCache.push(response.headers.get('x-cache') ?? '?');
    }
    const text = await (await app.request('/metrics')).text();
    const delta = (metric: string) =>
      (sample(text, series(metric)) ?? 0) - (sample(before, series(metric)) ?? 0);
    const expectedMisses = new Set(script).size;
    console.log(
      `scripted ${script.length} GET /products/:id (X-Cache ${xCache.join(',')}): /metrics ` +
        `hits=${delta('cache_hits_total')} misses=${delta('cache_misses_total')} ` +
        `loads=${delta('cache_loads_total')}`,
    );
    expect(delta('cache_misses_total')).toBe(expectedMisses);
    expect(delta('cache_hits_total')).toBe(script.length - expectedMisses);
    expect(delta('cache_loads_total')).toBe(expectedMisses);
    // Every loader call is timed: the histogram counts them by route and outcome.
    const timed = (part: string) =>
      (sample(
        text,
        `cache_loader_duration_seconds_${part}{cache="GET /products/:id",outcome="ok"}`,
      ) ?? 0) -
      (sample(
        before,
        `cache_loader_duration_seconds_${part}{cache="GET /products/:id",outcome="ok"}`,
      ) ?? 0);
    expect(timed('count')).toBe(expectedMisses);
    expect(timed('sum')).toBeGreaterThan(0);
    expect(xCache.filter((x) => x === 'HIT')).toHaveLength(script.length - expectedMisses);
  });

  it('exposes the breaker, connection, latency and queue series', async () => {
    await app.request('/demo/lookup/42');
    const text = await (await app.request('/metrics')).text();
    expect(sample(text, 'redis_breaker_open')).toBe(0);
    expect(sample(text, 'redis_connection_ready{mode="standalone"}')).toBe(1);
    expect(sample(text, 'redis_timeouts_total')).toBe(0);
    expect(
      sample(text, 'redis_command_duration_seconds_count{operation="get",outcome="ok"}'),
    ).toBeGreaterThan(0);
    expect(sample(text, 'queue_jobs{queue="post-publishing",state="waiting"}')).toBe(0);
    expect(sample(text, 'queue_up')).toBe(1);
    expect(text).toContain('# TYPE cache_hits_total counter');
    expect(text).toContain('# TYPE redis_command_duration_seconds histogram');
    expect(text).toContain('# TYPE cache_loader_duration_seconds histogram');
  });

  it('shows the breaker open and counts timeouts while Redis is hung', async () => {
    server.pause();
    try {
      for (let i = 0; i < 6; i += 1) await app.request(`/demo/lookup/${100 + i}`);
      const text = await (await app.request('/metrics')).text();
      console.log(
        `Redis paused: redis_breaker_open=${sample(text, 'redis_breaker_open')} ` +
          `redis_timeouts_total=${sample(text, 'redis_timeouts_total')} queue_up=${sample(text, 'queue_up')}`,
      );
      expect(sample(text, 'redis_breaker_open')).toBe(1);
      // A lookup whose read timed out also tries to store (and that write times out too),
      // until the breaker opens after 5 consecutive failures.
      const timeouts = sample(text, 'redis_timeouts_total') ?? 0;
      // Every timeout is in the latency histogram under its operation: the lookups' get and set,
      // and the memory tier's background check of its dataset marker.
      const timedOut = text
        .split('\n')
        .filter((l) => /^redis_command_duration_seconds_count\{.*outcome="timeout"\} /.test(l))
        .map((l) => ({
          operation: /operation="([^"]*)"/.exec(l)?.[1],
          n: Number(l.split(' ')[1]),
        }));
      const byLookups = timedOut
        .filter((t) => t.operation === 'get' || t.operation === 'set')
        .reduce((sum, t) => sum + t.n, 0);
      expect(timeouts).toBeGreaterThanOrEqual(5);
      expect(byLookups).toBeGreaterThanOrEqual(3);
      expect(timedOut.reduce((sum, t) => sum + t.n, 0)).toBe(timeouts);
      expect(
        sample(text, 'redis_command_duration_seconds_count{operation="get",outcome="unavailable"}'),
      ).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'queue_up')).toBe(0);
    } finally {
      server.resume();
    }
  });
});
