import { freePort } from '../support/free-port.js';
import { spawnBackend } from '../support/backend-process.js';
import { productEnv } from '../support/product-user.js';
import { RedisServer } from '../support/redis-server.js';
import { createTestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

async function firstAnswerMs(url: string, timeoutMs: number): Promise<number> {
  const startedAt = Date.now();
  await waitFor(
    async () => {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      return response.status === 200;
    },
    { timeoutMs, intervalMs: 50, what: `an answer from ${url}` },
  );
  return Date.now() - startedAt;
}

describe('startup', () => {
  it('the built backend answers on PORT within 10 s with Redis reachable, and with none at all', async () => {
    const server = await RedisServer.start();
    try {
      for (const [label, redisUrl] of [
        ['with Redis', server.url],
        ['without Redis', `redis://127.0.0.1:${await freePort()}`],
      ] as const) {
        const port = await freePort();
        const backend = spawnBackend(await productEnv({ PORT: String(port), REDIS_URL: redisUrl }));
        try {
          const ms = await firstAnswerMs(`http://127.0.0.1:${port}/`, 10_000);
          process.stdout.write(`[startup] ${label}: first 200 after ${ms} ms\n`);
          expect(ms).toBeLessThan(10_000);
        } finally {
          await backend.stop();
        }
      }
    } finally {
      await server.stop();
    }
  }, 40_000);

  it('Ctrl-C (SIGINT) in development exits at once, without the drain', async () => {
    const port = await freePort();
    const backend = spawnBackend({
      PORT: String(port),
      NODE_ENV: 'development',
      SHUTDOWN_GRACE_MS: '5000',
    });
    try {
      await firstAnswerMs(`http://127.0.0.1:${port}/`, 10_000);
      const startedAt = Date.now();
      await backend.stop('SIGINT');
      const exitMs = Date.now() - startedAt;
      process.stdout.write(`[startup] SIGINT in development: exited after ${exitMs} ms\n`);
      expect(exitMs).toBeLessThan(2_500);
      expect(backend.output()).toContain('draining HTTP for 0 ms');
    } finally {
      await backend.stop('SIGKILL');
    }
  }, 20_000);

  it('an invalid variable stops startup with a message naming it, and no secret', async () => {
    const backend = spawnBackend({ REDIS_PORT: 'not-a-port', REDIS_PASSWORD: 'p4ssw0rd-value' });
    expect(await backend.exited).toBe(1);
    expect(backend.output()).toContain('REDIS_PORT: a whole number from 1 to 65535');
    expect(backend.output()).not.toContain('p4ssw0rd-value');
  });

  it('serves while Redis is absent, then connects when Redis appears', async () => {
    const port = await freePort();
    const app = await createTestApp().withRedis(`redis://127.0.0.1:${port}`).start();
    try {
      expect((await app.request('/')).status).toBe(200);
      expect(await app.redis.get('k')).toBeNull();
      expect(await app.redis.set('k', 1)).toBe(false);
      const server = await RedisServer.start({ port });
      try {
        await waitFor(() => app.redis.isAvailable, { timeoutMs: 5_000, what: 'connection' });
        expect(await app.redis.set('k', 1)).toBe(true);
        expect(await app.redis.get('k')).toBe(1);
      } finally {
        await server.stop();
      }
    } finally {
      await app.close();
    }
  });

  it('with CACHE_ENABLED=false makes no connection: reads miss, writes are dropped', async () => {
    const server = await RedisServer.start();
    try {
      const app = await createTestApp()
        .withRedis(server)
        .withEnv({ CACHE_ENABLED: 'false' })
        .start();
      try {
        expect(await app.redis.set('k', 1)).toBe(false);
        expect(await app.redis.get('k')).toBeNull();
        expect(app.redis.getStats()).toMatchObject({ enabled: false, ready: false });
        const clients = await server.cli('CLIENT', 'LIST');
        expect(clients.split('\n')).toHaveLength(1);
      } finally {
        await app.close();
      }
    } finally {
      await server.stop();
    }
  });
});
