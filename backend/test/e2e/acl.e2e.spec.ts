import { Redis } from 'ioredis';
import type { RedisService } from '../../src/cache/index.js';
import { patternsContract, type PatternsTarget } from '../support/patterns.contract.js';
import { redisServiceContract } from '../support/redis-service.contract.js';
import { RedisServer } from '../support/redis-server.js';
import { startRedisService } from '../support/redis-service.fixture.js';

const APP_USER = 'app';
const APP_PASSWORD = 'app-secret-0123456789';
const ADMIN_PASSWORD = 'admin-secret-0123456789';

/**
 * The product's ACL rules for a namespace `acl` (the README documents the same line for any
 * prefix): its own keys and BullMQ's, its own pub/sub channels, and every command but the
 * dangerous ones.
 */
const PRODUCT_ACL = [
  'resetkeys',
  '~acl:*',
  '~bull:*',
  'resetchannels',
  '&acl:*',
  '+@all',
  '-@dangerous',
];

describe('as a least-privilege ACL user (default user off)', () => {
  let server: RedisServer;
  const url = () => `redis://${APP_USER}:${APP_PASSWORD}@127.0.0.1:${server.port}`;

  beforeAll(async () => {
    server = await RedisServer.start({
      args: [
        ...['--user', 'admin', 'on', `>${ADMIN_PASSWORD}`, '~*', '&*', '+@all'],
        ...['--user', APP_USER, 'on', `>${APP_PASSWORD}`, ...PRODUCT_ACL],
        ...['--user', 'default', 'off'],
      ],
      cliArgs: ['--user', 'admin', '--pass', ADMIN_PASSWORD, '--no-auth-warning'],
    });
  });

  afterAll(async () => {
    await server.stop();
  });

  describe('RedisService and the patterns', () => {
    let redis: RedisService;
    let close: () => Promise<void>;
    let get: PatternsTarget['get'];

    beforeAll(async () => {
      ({ redis, close, get } = await startRedisService(url(), {
        keyPrefix: `acl:${Math.random().toString(36).slice(2, 8)}`,
      }));
    });

    afterAll(async () => {
      await close?.();
    });

    redisServiceContract(() => ({
      redis,
      ownerOf: () => Promise.resolve(server),
      masters: () => Promise.resolve([server]),
    }));
    patternsContract(() => ({ redis, get }));

    it('is refused (NOPERM) outside its prefix and for dangerous commands', async () => {
      await server.cli('SET', 'other-app:secret', 'x');
      const raw = new Redis({
        port: server.port,
        username: APP_USER,
        password: APP_PASSWORD,
        lazyConnect: true,
      });
      try {
        await raw.connect();
        await expect(raw.get('other-app:secret')).rejects.toThrow(/NOPERM/);
        await expect(raw.set('other-app:secret', 'overwritten')).rejects.toThrow(/NOPERM/);
        await expect(raw.flushall()).rejects.toThrow(/NOPERM/);
        await expect(raw.keys('*')).rejects.toThrow(/NOPERM/);
        await expect(raw.config('GET', 'maxmemory')).rejects.toThrow(/NOPERM/);
        expect(await server.cli('GET', 'other-app:secret')).toBe('x');
      } finally {
        raw.disconnect();
      }
    });
  });
});
