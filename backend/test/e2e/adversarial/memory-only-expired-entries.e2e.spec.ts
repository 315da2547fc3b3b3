import { createStandaloneCache, type StandaloneCache } from 'nestjs-coherent-cache';
import { sleep } from '../../support/wait-for.js';

/**
 * Memory-only: entries whose TTL ran out are still counted (and still held) until the LRU
 * happens to evict them: `memoryTier.entries` (what `/health` shows) and `clear()`'s "how many
 * were deleted" report thousands of entries while `keys()` lists none and `describe` says each
 * one does not exist.
 */
describe('adversarial: memory-only, what is reported after every entry expired', () => {
  let standalone: StandaloneCache;

  beforeAll(async () => {
    standalone = await createStandaloneCache({ keyPrefix: 'expired-mem' });
  });

  afterAll(async () => {
    await standalone?.close();
  });

  it('entries, keys, describe and clear agree once 5,000 short-lived entries expired', async () => {
    const { cache } = standalone;
    for (let i = 0; i < 5_000; i += 1) await cache.set(`session-view:${i}`, i, { ttlSeconds: 0.1 });
    await sleep(300);
    const listed: string[] = [];
    for await (const key of cache.keys('')) listed.push(key);
    expect(listed).toHaveLength(0);
    expect((await cache.describe('session-view:1')).exists).toBe(false);
    expect(cache.memoryTier.entries).toBe(0);
    expect(await cache.clear()).toBe(0);
  }, 30_000);
});
