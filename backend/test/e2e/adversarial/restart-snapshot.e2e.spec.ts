/**
 * Adversarial: Redis restarted with data loss. With RDB snapshots (Redis's default `save`
 * policy, or any replica/backup restore), a crash brings back the keyspace of the last snapshot:
 * entries and versions that were deleted after it come back as they were. The cache has no way to
 * tell a restored entry from a current one, so a `del` (or `invalidateTags`) that returned before
 * the crash is undone: a read started after it returned serves the value loaded before it.
 */
import { startCacheService } from '../../support/cache-service.fixture.js';
import { RedisServer } from '../../support/redis-server.js';
import { waitFor } from '../../support/wait-for.js';

describe('adversarial: Redis restarted from a snapshot older than an invalidation', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  it.each(['del', 'invalidateTags'] as const)(
    'a getOrSet after %s returned does not serve the entry a crash restored',
    async (kind) => {
      const node = await startCacheService(server.url);
      try {
        const key = `price:${kind}`;
        const options = { ttlSeconds: 600, tags: [`tag:${kind}`] };
        expect(await node.cache.getOrSet(key, () => 'old price', options)).toBe('old price');
        await server.cli('SAVE'); // a periodic snapshot (save 60 10000, BGSAVE, a backup)

        if (kind === 'del') await node.cache.del(key);
        else await node.cache.invalidateTags([`tag:${kind}`]);
        expect(await node.cache.get(key)).toBeNull(); // the invalidation held

        // Wait for the client's own reconnection, so that the read below goes to the new server.
        const client = node.redis.getClient();
        if (!client) throw new Error('no client');
        const reconnected = new Promise<void>((resolve) => client.once('ready', () => resolve()));
        await server.restart(); // SIGKILL, then the same folder: dump.rdb is loaded
        await reconnected;
        await waitFor(() => node.redis.isAvailable, { what: 'reconnected', timeoutMs: 15_000 });

        const served = await node.cache.getOrSet(key, () => 'new price', options);
        process.stdout.write(
          `[restart-snapshot ${kind}] after ${kind} returned and a crash: served ${JSON.stringify(served)}\n`,
        );
        expect(served).toBe('new price');
      } finally {
        await node.close();
      }
    },
  );
});
