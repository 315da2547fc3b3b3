import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  createStandaloneCache,
  type CacheService,
  type StandaloneCache,
} from 'nestjs-coherent-cache';
import { startCacheService } from '../../support/cache-service.fixture.js';
import { RedisServer } from '../../support/redis-server.js';
import { waitFor } from '../../support/wait-for.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MAX_BYTES = 8 * 1024 * 1024;
const VALUES = 120;
/** About 1 MB once decoded, under `maxValueBytes` (1 MiB), and very compressible (as logs, HTML, CSV are). */
const bigValue = (i: number) => `${i}:`.padEnd(1_000_000, 'a');

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * A careless user with compressible values (a report, an HTML page, a CSV export): `maxBytes`
 * ("most bytes held", README) is counted as the length of the *stored* text, which is
 * brotli-compressed base64 above 8 KiB, while the tier holds the *decoded* value. 1 MB values
 * count as a few hundred bytes each: `maxBytes: 8 MiB` lets the process hold 120 MB (and the
 * default 64 MiB, with 10,000 entries, about 10 GB: the memory-only backend dies of OOM).
 */
async function fillAndMeasure(
  cache: CacheService,
  readBack: boolean,
): Promise<{ grownBytes: number; reported: number }> {
  const before = heapUsed();
  for (let i = 0; i < VALUES; i += 1) {
    await cache.set(`report:${i}`, bigValue(i), { ttlSeconds: 300 });
  }
  if (readBack) {
    // A read admits an entry into memory (unless the echo of our own write arrives meanwhile).
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (let i = 0; i < VALUES; i += 1) await cache.get(`report:${i}`);
  }
  const grownBytes = heapUsed() - before;
  const reported = cache.memoryTier.sizeBytes;
  console.log(
    `held ${cache.memoryTier.entries} entries; memoryTier.sizeBytes=${reported}; ` +
      `heap grew by ${(grownBytes / 1048576).toFixed(1)} MiB with maxBytes=${MAX_BYTES / 1048576} MiB`,
  );
  return { grownBytes, reported };
}

describe('adversarial: maxBytes bounds what the memory tier really holds', () => {
  it('memory-only: heap held by cached values stays within a small multiple of maxBytes', async () => {
    const standalone: StandaloneCache = await createStandaloneCache({
      keyPrefix: 'bytes-mem',
      caching: { memory: { maxBytes: MAX_BYTES } },
    });
    try {
      const { grownBytes } = await fillAndMeasure(standalone.cache, false);
      expect(grownBytes).toBeLessThan(2 * MAX_BYTES);
    } finally {
      await standalone.close();
    }
  }, 60_000);

  it('L1 in front of Redis: heap held by the tier stays within a small multiple of maxBytes', async () => {
    const server = await RedisServer.start();
    const svc = await startCacheService(server.url, {
      caching: { memory: { maxBytes: MAX_BYTES } },
    });
    try {
      await waitFor(() => svc.cache.memoryTier.mechanism === 'tracking', { what: 'armed' });
      const { grownBytes } = await fillAndMeasure(svc.cache, true);
      expect(grownBytes).toBeLessThan(2 * MAX_BYTES);
    } finally {
      await svc.close();
      await server.stop();
    }
  }, 60_000);
});
