import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { CacheModule, parseRedisUrl, type RedisService } from 'nestjs-coherent-cache';
import {
  QueueModule,
  QueueProcessor,
  QueueService,
  type JobHandler,
} from '../../src/queue/index.js';
import { patternsContract, type PatternsTarget } from '../support/patterns.contract.js';
import { redisServiceContract } from '../support/redis-service.contract.js';
import { RedisServer } from '../support/redis-server.js';
import { startRedisService } from '../support/redis-service.fixture.js';
import { waitFor } from '../support/wait-for.js';

const APP_USER = 'app';
const APP_PASSWORD = 'app-secret-0123456789';
const ADMIN_PASSWORD = 'admin-secret-0123456789';

/** The product's key prefix (`CACHE_KEY_PREFIX`). */
const KEY_PREFIX = `acl${Math.random().toString(36).slice(2, 8)}`;

/**
 * The product's ACL rules for its key prefix, as the README documents them: its own keys
 * (BullMQ's `<prefix>:bull:` among them) and BullMQ's hash-tagged Cluster prefix, its own pub/sub
 * channels, and every command but the dangerous ones.
 */
const PRODUCT_ACL = [
  'resetkeys',
  `~${KEY_PREFIX}:*`,
  `~{${KEY_PREFIX}:bull}:*`,
  'resetchannels',
  `&${KEY_PREFIX}:*`,
  '+@all',
  '-@dangerous',
];

/** Answers a job with its `n`. */
@Injectable()
@QueueProcessor('post-publishing')
class EchoProcessor implements JobHandler {
  process(job: Job): Promise<{ echoed: unknown }> {
    return Promise.resolve({ echoed: (job.data as { n?: unknown }).n });
  }
}

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
        keyPrefix: KEY_PREFIX,
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
        // Another deployment's queues, and BullMQ's default prefix, are out of reach too.
        await expect(raw.get(`${KEY_PREFIX}x:bull:emails:meta`)).rejects.toThrow(/NOPERM/);
        await expect(raw.get('{other:bull}:emails:meta')).rejects.toThrow(/NOPERM/);
        await expect(raw.get('bull:emails:meta')).rejects.toThrow(/NOPERM/);
        expect(await raw.exists(`${KEY_PREFIX}:bull:emails:meta`)).toBe(0);
        expect(await raw.exists(`{${KEY_PREFIX}:bull}:emails:meta`)).toBe(0);
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

  it('runs the queues under its prefix: a job is added and processed', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        CacheModule.forRoot({ connection: parseRedisUrl(url()), keyPrefix: KEY_PREFIX }),
        QueueModule.forRoot({}),
      ],
      providers: [EchoProcessor],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    try {
      const queues = moduleRef.get(QueueService);
      await waitFor(() => queues.getWorker('post-publishing'), { what: 'the worker to start' });
      const { id } = await queues.add('post-publishing', { n: 7 });
      const job = await waitFor(async () => {
        const view = await queues.getJob('post-publishing', id);
        return view?.state === 'completed' ? view : null;
      });
      expect(job.result).toEqual({ echoed: 7 });
      expect(queues.serverInfo).toBe('refused');
      expect(await server.cli('EXISTS', `${KEY_PREFIX}:bull:post-publishing:meta`)).toBe('1');
    } finally {
      await moduleRef.close();
    }
  });
});
