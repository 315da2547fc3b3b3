import { createStandaloneCache, type StandaloneCache } from 'nestjs-coherent-cache';
import { productConnection } from '../support/product-user.js';
import { RedisServer } from '../support/redis-server.js';

interface Profile {
  name: string;
  roles: string[];
}

/**
 * Callers that shared one load (a miss and the callers that joined it) each get a value of their
 * own: a change one of them makes is never seen by another, nor by a later hit.
 */
describe('a shared load hands every caller its own value', () => {
  let server: RedisServer;
  const opened: StandaloneCache[] = [];

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close()));
    await server?.stop();
  });

  const variants: [string, () => Promise<StandaloneCache>][] = [
    [
      'Redis and the memory tier',
      async () => {
        const keyPrefix = `si${Math.random().toString(36).slice(2, 8)}`;
        return createStandaloneCache({
          connection: await productConnection(server.url, keyPrefix),
          keyPrefix,
        });
      },
    ],
    [
      'Redis only',
      async () => {
        const keyPrefix = `sr${Math.random().toString(36).slice(2, 8)}`;
        return createStandaloneCache({
          connection: await productConnection(server.url, keyPrefix),
          keyPrefix,
          caching: { memory: { enabled: false } },
        });
      },
    ],
    ['memory-only', () => createStandaloneCache({ keyPrefix: 'mo' })],
  ];

  for (const [label, open] of variants) {
    it(`${label}: the leader's and each joiner's changes stay their own`, async () => {
      const standalone = await open();
      opened.push(standalone);
      const { cache } = standalone;
      let loads = 0;
      const loader = () =>
        new Promise<Profile>((resolve) =>
          setTimeout(() => {
            loads += 1;
            resolve({ name: 'alice', roles: ['reader'] });
          }, 30),
        );
      const results = await Promise.all(
        Array.from({ length: 5 }, () => cache.getOrSet('profile:alice', loader)),
      );
      expect(loads).toBe(1);
      // Every caller changes what it got, if it can (a frozen value refuses).
      results.forEach((profile, i) => {
        try {
          profile.roles.push(`changed-by-${i}`);
        } catch {
          // frozen: nothing changed
        }
      });
      // Each sees its own change or none (frozen), never another caller's.
      results.forEach((profile, i) => {
        expect([['reader'], ['reader', `changed-by-${i}`]]).toContainEqual(profile.roles);
      });
      const later = await cache.getOrSet('profile:alice', loader);
      expect(later).toEqual({ name: 'alice', roles: ['reader'] });
      expect(loads).toBe(1);
    });
  }
});
