import { CapturingLogger } from '../support/capturing-logger.js';
import type { HttpAdapterName } from '../../src/config/index.js';
import { startCacheTestApp, type CacheTestApp } from '../support/cache-test-app.js';
import { HostileController } from './fixtures/hostile.controller.js';

const adapters: HttpAdapterName[] = ['express', 'fastify'];

/** Parameter values with control characters, a forged log line and emoji. */
const VALUES = [
  'line\r\nbreak',
  'x\n[Nest] 1  - 01/01/2026, 00:00:00     LOG [Forged] admin logged in',
  'nul\u0000byte',
  'emoji 😀🎉 and ünïcödé',
  '\r\n\u0000😀\u202e',
];

describe.each(adapters)('CR, LF, NUL and emoji in parameters on %s', (adapter) => {
  let t: CacheTestApp;
  const logger = new CapturingLogger();

  beforeAll(async () => {
    t = await startCacheTestApp({
      adapter,
      controllers: [HostileController],
      logger,
      // One log line per subject at most every 5 s is the default; every request here has its own key.
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('round-trips exactly through the cache with 0 protocol errors', async () => {
    let exact = 0;
    let protocolErrors = 0;
    for (const value of VALUES) {
      const path = `/hostile/echo/${encodeURIComponent(value)}?q=${encodeURIComponent(value)}`;
      try {
        const miss = await t.request(path);
        const hit = await t.request(path);
        const missBody = await miss.text();
        const hitBody = await hit.text();
        const parsed = JSON.parse(hitBody) as { value: string; query: { q: string } };
        if (
          miss.headers.get('x-cache') === 'MISS' &&
          hit.headers.get('x-cache') === 'HIT' &&
          missBody === hitBody &&
          parsed.value === value &&
          parsed.query.q === value
        ) {
          exact += 1;
        }
      } catch {
        protocolErrors += 1;
      }
    }
    process.stdout.write(
      `[${adapter}] CR/LF/NUL/emoji in path and query: exact MISS→HIT round trips = ${exact} of ${VALUES.length}, protocol errors = ${protocolErrors}\n`,
    );
    expect(protocolErrors).toBe(0);
    expect(exact).toBe(VALUES.length);
  });

  it('logs at most one line per request, none split by an injected newline', async () => {
    const before = logger.lines.length;
    for (const value of VALUES) {
      const response = await t.request(`/hostile/echo-big/${encodeURIComponent(value)}`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { value: string }).value).toBe(value);
    }
    const lines = logger.lines.slice(before);
    const split = lines.filter((line) =>
      ['\r', '\n', '\u0000'].some((c) => line.includes(c)),
    ).length;
    process.stdout.write(
      `[${adapter}] oversize responses keyed by hostile values: ${VALUES.length} requests, log lines = ${lines.length}, ` +
        `lines holding a raw CR/LF/NUL = ${split}; e.g. ${lines[1] ?? ''}\n`,
    );
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(VALUES.length);
    expect(split).toBe(0);
  });
});
