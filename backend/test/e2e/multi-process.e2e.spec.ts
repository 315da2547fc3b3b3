import type { HttpAdapterName } from '../../src/config/index.js';
import {
  buildBackend,
  startBackendProcess,
  type BackendBuild,
  type BackendProcess,
} from '../support/backend-process.js';
import { RedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait-for.js';

const adapters: HttpAdapterName[] = ['express', 'fastify'];
const ADMIN_TOKEN = 'multi-process-admin-token-0123';

interface ProductBody {
  loadSeq: number;
  loadedAt: string;
}

describe('three backend processes on one Redis', () => {
  let build: BackendBuild;
  let server: RedisServer;

  beforeAll(async () => {
    [build, server] = await Promise.all([buildBackend(), RedisServer.start()]);
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await build?.remove();
  });

  it.each(adapters)(
    '%s: 200 concurrent requests each on one cold key run the loader once in total',
    async (adapter) => {
      const env = {
        REDIS_URL: server.url,
        HTTP_ADAPTER: adapter,
        CACHE_KEY_PREFIX: `mp-${adapter}`,
        CACHE_ADMIN_TOKEN: ADMIN_TOKEN,
        DEMO_DB_LATENCY_MS: '50',
        // Four Node processes share two cores here: a starved event loop can miss a 300 ms
        // deadline on a healthy Redis, and then the breaker rightly sends callers to the loader.
        // This test is about coalescing, so Redis gets a deadline it cannot miss by starvation.
        REDIS_COMMAND_TIMEOUT_MS: '2000',
      };
      const backends: BackendProcess[] = await Promise.all(
        [1, 2, 3].map(() => startBackendProcess(build, env)),
      );
      try {
        await Promise.all(
          backends.map((b) =>
            waitFor(
              async () =>
                (
                  await fetch(`${b.baseUrl}/cache/health`, {
                    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
                  })
                ).ok,
              { what: 'backend connected to Redis' },
            ),
          ),
        );
        const responses = await Promise.all(
          backends.flatMap((b) =>
            Array.from({ length: 200 }, () => fetch(`${b.baseUrl}/products/77`)),
          ),
        );
        const bodies = (await Promise.all(responses.map((r) => r.json()))) as ProductBody[];
        // A fresh process has made no other read: the loadSeq of its next cold read, minus one,
        // is how many reads it made during the burst.
        const readsPerProcess = await Promise.all(
          backends.map(async (b, i) => {
            const probe = (await (
              await fetch(`${b.baseUrl}/products/${80 + i}`)
            ).json()) as ProductBody;
            return probe.loadSeq - 1;
          }),
        );
        const total = readsPerProcess.reduce((a, b) => a + b, 0);
        const stats = await Promise.all(
          backends.map(async (b) => {
            const response = await fetch(`${b.baseUrl}/cache/stats`, {
              headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
            });
            const body = (await response.json()) as {
              byName: Record<string, unknown>;
              redis: Record<string, unknown>;
            };
            const { timeouts, errors, shortCircuited, lateWritesRefused, breakerState, lastError } =
              body.redis;
            return {
              route: body.byName['GET /products/:id'],
              redis: {
                timeouts,
                errors,
                shortCircuited,
                lateWritesRefused,
                breakerState,
                lastError,
              },
            };
          }),
        );
        process.stdout.write(`[${adapter}] per-process stats: ${JSON.stringify(stats)}\n`);
        process.stdout.write(
          `[${adapter}] 3 processes (pids ${backends.map((b) => b.pid).join(', ')}) x 200 concurrent cold GET /products/77: ` +
            `reads per process = ${JSON.stringify(readsPerProcess)}, total = ${total}, ` +
            `distinct loadedAt = ${new Set(bodies.map((b) => b.loadedAt)).size}, ` +
            `non-200 = ${responses.filter((r) => r.status !== 200).length}\n`,
        );
        expect(responses.every((r) => r.status === 200)).toBe(true);
        expect(total).toBe(1);
        expect(new Set(bodies.map((b) => b.loadedAt)).size).toBe(1);
      } finally {
        await Promise.all(backends.map((b) => b.stop()));
      }
    },
    60_000,
  );
});
