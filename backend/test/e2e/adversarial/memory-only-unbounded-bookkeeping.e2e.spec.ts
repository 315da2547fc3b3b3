import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createStandaloneCache, type StandaloneCache } from 'nestjs-coherent-cache';
import { sleep } from '../../support/wait-for.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * Memory-only mode (no Redis configured). One loader that never answers (a hung database call)
 * keeps a load "in progress"; while one is, every `deleteByPrefix` is remembered (so that the
 * load cannot store over it). The pruning pass that forgets what no live load needs runs only on
 * key and tag changes, never on prefix changes, and a load past `maxLoadMs` is forgotten only by
 * that pass: a tenant purge per request (`deleteByPrefix('tenant:<id>:')`) grows the process's
 * memory without bound, long after the hung load could ever store.
 */
describe('adversarial: memory-only bookkeeping under a load that never finishes', () => {
  let standalone: StandaloneCache;

  beforeAll(async () => {
    standalone = await createStandaloneCache({
      keyPrefix: 'hung-mem',
      caching: { maxLoadMs: 500 },
    });
  });

  afterAll(async () => {
    await standalone?.close();
  });

  it('control: without a hung load, the same 300,000 prefix invalidations leave nothing', async () => {
    const other = await createStandaloneCache({
      keyPrefix: 'calm-mem',
      caching: { maxLoadMs: 500 },
    });
    try {
      const before = heapUsed();
      for (let i = 0; i < 300_000; i += 1) await other.cache.deleteByPrefix(`tenant:${i}:`);
      const grown = heapUsed() - before;
      console.log(`control: heap grew by ${(grown / 1048576).toFixed(1)} MiB`);
      expect(grown).toBeLessThan(4 * 1048576);
    } finally {
      await other.close();
    }
  }, 60_000);

  it('300,000 prefix invalidations leave no lasting memory once the hung load is past maxLoadMs', async () => {
    const { cache } = standalone;
    void cache.getOrSet('report:slow', () => new Promise<string>(() => undefined), {
      ttlSeconds: 60,
    });
    await sleep(20);
    const before = heapUsed();
    for (let i = 0; i < 300_000; i += 1) await cache.deleteByPrefix(`tenant:${i}:`);
    await sleep(1_000); // the hung load is past maxLoadMs (500 ms): it can never store
    // Unrelated traffic goes on: a few loads and reads.
    for (let i = 0; i < 10; i += 1) await cache.getOrSet(`k${i}`, () => i, { ttlSeconds: 60 });
    const grown = heapUsed() - before;
    console.log(`heap grew by ${(grown / 1048576).toFixed(1)} MiB after 300,000 deleteByPrefix`);
    expect(grown).toBeLessThan(4 * 1048576);
  }, 60_000);
});
