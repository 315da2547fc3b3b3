import type { INestApplication } from '@nestjs/common';
import autocannon from 'autocannon';
import { createApp } from '../src/app.factory.js';
import { RedisServer } from '../test/support/redis-server.js';
import { fmt, median, table } from './measure.js';
import { createPeerApp } from './peer/peer.app.js';

const ROUNDS = 3;
const DURATION_SECONDS = 4;
const CONNECTIONS = 50;
const COLD_CONCURRENCY = 200;
const DB_LATENCY_MS = 20;

async function listen(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as { address(): { port: number } };
  return `http://127.0.0.1:${server.address().port}`;
}

async function hitThroughput(url: string): Promise<{ rps: number; p99Ms: number; non2xx: number }> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_SECONDS });
  return { rps: result.requests.average, p99Ms: result.latency.p99, non2xx: result.non2xx };
}

/** Handler runs for `concurrency` simultaneous requests on a key nobody asked for yet. */
async function coldHandlerRuns(baseUrl: string, id: string): Promise<number> {
  const bodies = await Promise.all(
    Array.from({ length: COLD_CONCURRENCY }, () =>
      fetch(`${baseUrl}/products/${id}`).then((r) => r.json() as Promise<{ loadSeq: number }>),
    ),
  );
  // Every handler run answers at least its own request, so distinct loadSeq = handler runs.
  return new Set(bodies.map((b) => b.loadSeq)).size;
}

/**
 * A cached `GET /products/:id` on the reference backend beside the same route behind
 * `@nestjs/cache-manager`'s interceptor (cache-manager 7 + @keyv/redis), same Redis, same
 * handler latency: hit throughput, p99, and handler runs under 200 concurrent cold requests.
 */
export async function benchHttpCache(): Promise<string[]> {
  const server = await RedisServer.start();
  const ours = await createApp({
    env: {
      REDIS_URL: server.url,
      CACHE_KEY_PREFIX: 'bench',
      DEMO_DB_LATENCY_MS: String(DB_LATENCY_MS),
      NODE_ENV: 'production',
    },
    readEnvFile: false,
    logger: false,
  });
  const peer = await createPeerApp(server.url, { dbLatencyMs: DB_LATENCY_MS });
  try {
    const contenders = [
      { name: 'this module (CacheInterceptor)', baseUrl: await listen(ours) },
      { name: '@nestjs/cache-manager', baseUrl: await listen(peer) },
    ];
    const rps = new Map<string, number[]>();
    const p99 = new Map<string, number[]>();
    const cold = new Map<string, number[]>();
    const non2xx = new Map<string, number>();
    for (const c of contenders) await fetch(`${c.baseUrl}/products/1`);
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const c of round % 2 ? [...contenders].reverse() : contenders) {
        const hit = await hitThroughput(`${c.baseUrl}/products/1`);
        rps.set(c.name, [...(rps.get(c.name) ?? []), hit.rps]);
        p99.set(c.name, [...(p99.get(c.name) ?? []), hit.p99Ms]);
        non2xx.set(c.name, (non2xx.get(c.name) ?? 0) + hit.non2xx);
        const runs = await coldHandlerRuns(c.baseUrl, `${100 + round}`);
        cold.set(c.name, [...(cold.get(c.name) ?? []), runs]);
      }
    }
    const baseRps = median(rps.get(contenders[1]?.name ?? '') ?? []);
    const rows = contenders.map((c) => {
      const r = median(rps.get(c.name) ?? []);
      return [
        c.name,
        fmt(r),
        (r / baseRps).toFixed(2),
        median(p99.get(c.name) ?? []).toFixed(1),
        non2xx.get(c.name) ?? 0,
        (cold.get(c.name) ?? []).join(', '),
      ];
    });
    return [
      `Cached GET /products/:id over HTTP, Express, ${CONNECTIONS} connections, ${DURATION_SECONDS} s, median of ${ROUNDS} rounds; handler ${DB_LATENCY_MS} ms`,
      ...table(
        [
          'route cached by',
          'hit req/s',
          'ratio',
          'p99 ms',
          'non-2xx',
          `handler runs, ${COLD_CONCURRENCY} cold requests (per round)`,
        ],
        rows,
      ),
    ];
  } finally {
    await ours.close();
    await peer.close();
    await server.stop();
  }
}
