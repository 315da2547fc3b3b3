import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RedisServer } from '../test/support/redis-server.js';
import type { HttpBenchAdapter, HttpContender } from './http-cache.child.js';
import { fmt, median, table } from './measure.js';

const ROUNDS = 7;
const DURATION_SECONDS = 4;
const WARMUP_SECONDS = 2;
const CONNECTIONS = 50;
const COLD_CONCURRENCY = 200;
const DB_LATENCY_MS = 20;
/** The hot product every hit round reads. */
const HOT_ID = 1;
/** First product id read cold, per adapter (one new id per round; the catalogue has 1 to 100). */
const FIRST_COLD_ID: Record<HttpBenchAdapter, number> = { express: 10, fastify: 50 };

const ADAPTERS: readonly HttpBenchAdapter[] = ['express', 'fastify'];

/** The contenders, in table order, with what the table calls them. */
const CONTENDERS: readonly { id: HttpContender; label: string; cached: boolean }[] = [
  { id: 'ours', label: 'this module (CacheInterceptor)', cached: true },
  { id: 'cache-manager', label: '@nestjs/cache-manager', cached: true },
  { id: 'uncached', label: 'uncached route (no interceptor)', cached: false },
];

/** A server of one contender, running in a child process. */
interface RunningServer {
  baseUrl: string;
  close(): Promise<void>;
}

/** What one hit round measured. */
interface HitRound {
  rps: number;
  p99Ms: number;
  non2xx: number;
}

/**
 * A cached `GET /products/:id` over HTTP, on Express and on Fastify: the reference backend's
 * route under `CacheInterceptor` (hits from the memory tier) beside the same route behind
 * `@nestjs/cache-manager`'s interceptor (cache-manager 7 + `@keyv/redis`, same Redis, same
 * handler latency) and beside an uncached plain Nest route answering the same body at once.
 * Each server runs in a child process, one under load at a time, with autocannon in this one;
 * rounds are interleaved (the order turns each round) and each figure is the median of the
 * rounds. Also counts handler runs under 200 concurrent cold requests.
 */
export async function benchHttpCache(): Promise<string[]> {
  const redis = await RedisServer.start();
  const lines: string[] = [];
  const summary: string[] = [];
  try {
    for (const adapter of ADAPTERS) {
      await redis.cli('FLUSHALL');
      const result = await benchAdapter(adapter, redis.url);
      if (lines.length > 0) lines.push('');
      lines.push(...result.lines);
      summary.push(result.summary);
    }
  } finally {
    await redis.stop();
  }
  return [...lines, '', ...summary];
}

async function benchAdapter(
  adapter: HttpBenchAdapter,
  redisUrl: string,
): Promise<{ lines: string[]; summary: string }> {
  const servers = new Map<HttpContender, RunningServer>();
  try {
    for (const c of CONTENDERS) servers.set(c.id, await startServer(c.id, adapter, redisUrl));
    const serverOf = (id: HttpContender) => servers.get(id) as RunningServer;
    const bodyBytes = await sameBody(CONTENDERS.map((c) => serverOf(c.id).baseUrl));
    for (const c of CONTENDERS) await hitRound(serverOf(c.id).baseUrl, WARMUP_SECONDS);

    const rounds = new Map<HttpContender, HitRound[]>(CONTENDERS.map((c) => [c.id, []]));
    const cold = new Map<HttpContender, number[]>(CONTENDERS.map((c) => [c.id, []]));
    for (let round = 0; round < ROUNDS; round += 1) {
      for (let turn = 0; turn < CONTENDERS.length; turn += 1) {
        const c = CONTENDERS[(round + turn) % CONTENDERS.length];
        if (c === undefined) continue;
        const baseUrl = serverOf(c.id).baseUrl;
        rounds.get(c.id)?.push(await hitRound(baseUrl, DURATION_SECONDS));
        if (c.cached) {
          cold.get(c.id)?.push(await coldHandlerRuns(baseUrl, FIRST_COLD_ID[adapter] + round));
        }
      }
    }

    const rpsOf = (id: HttpContender) => median((rounds.get(id) ?? []).map((r) => r.rps));
    const peerRps = rpsOf('cache-manager');
    const uncachedRps = rpsOf('uncached');
    const rows = CONTENDERS.map((c) => {
      const measured = rounds.get(c.id) ?? [];
      const rps = rpsOf(c.id);
      return [
        c.label,
        fmt(rps),
        (rps / peerRps).toFixed(2),
        (rps / uncachedRps).toFixed(2),
        median(measured.map((r) => r.p99Ms)).toFixed(1),
        measured.reduce((sum, r) => sum + r.non2xx, 0),
        measured.map((r) => fmt(r.rps)).join(', '),
        c.cached ? (cold.get(c.id) ?? []).join(', ') : '-',
      ];
    });
    const oursRps = rpsOf('ours');
    const name = adapter === 'express' ? 'Express' : 'Fastify';
    return {
      lines: [
        `Cached GET /products/:id over HTTP, ${name}: ${CONNECTIONS} connections, ${DURATION_SECONDS} s per round, median of ${ROUNDS} interleaved rounds; body ${bodyBytes} bytes; handler ${DB_LATENCY_MS} ms (cached routes)`,
        ...table(
          [
            'route',
            'req/s (median)',
            'vs cache-manager',
            'vs uncached',
            'p99 ms',
            'non-2xx',
            'req/s per round',
            `handler runs, ${COLD_CONCURRENCY} cold requests (per round)`,
          ],
          rows,
        ),
      ],
      summary: `${name}: this module ${(oursRps / peerRps).toFixed(2)}x @nestjs/cache-manager, ${(oursRps / uncachedRps).toFixed(2)}x the uncached route`,
    };
  } finally {
    for (const server of servers.values()) await server.close();
  }
}

/** Starts a contender's server in a child process and waits until it listens. */
async function startServer(
  contender: HttpContender,
  adapter: HttpBenchAdapter,
  redisUrl: string,
): Promise<RunningServer> {
  const child = fork(
    fileURLToPath(new URL('./http-cache.child.js', import.meta.url)),
    [contender, adapter, redisUrl, String(DB_LATENCY_MS)],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port?: number }) => {
      if (typeof message.port === 'number') resolve(message.port);
      else reject(new Error(`${contender} (${adapter}) sent ${JSON.stringify(message)}`));
    });
    child.once('exit', (code) =>
      reject(new Error(`${contender} (${adapter}) exited with ${code} before listening`)),
    );
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => closeChild(child, exited),
  };
}

async function closeChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.send('close');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Reads the hot product from every server (the first read stores it where the route caches)
 * and checks that all of them answer the same JSON fields with the same catalogue values;
 * returns the body's size in bytes.
 */
async function sameBody(baseUrls: readonly string[]): Promise<number> {
  const bodies: string[] = [];
  for (const baseUrl of baseUrls) {
    await fetch(`${baseUrl}/products/${HOT_ID}`).then((r) => r.arrayBuffer());
    const response = await fetch(`${baseUrl}/products/${HOT_ID}`);
    if (response.status !== 200) throw new Error(`${baseUrl} answered ${response.status}`);
    bodies.push(await response.text());
  }
  const shapes = bodies.map((b) => {
    const { id, name, priceCents, ...rest } = JSON.parse(b) as Record<string, unknown>;
    return JSON.stringify({ id, name, priceCents, fields: Object.keys(rest) });
  });
  if (new Set(shapes).size !== 1) throw new Error(`bodies differ: ${shapes.join(' / ')}`);
  return median(bodies.map((b) => Buffer.byteLength(b)));
}

async function hitRound(url: string, durationSeconds: number): Promise<HitRound> {
  const result = await autocannon({
    url: `${url}/products/${HOT_ID}`,
    connections: CONNECTIONS,
    duration: durationSeconds,
  });
  return { rps: result.requests.average, p99Ms: result.latency.p99, non2xx: result.non2xx };
}

/** Handler runs for `COLD_CONCURRENCY` simultaneous requests on a product nobody read yet. */
async function coldHandlerRuns(baseUrl: string, id: number): Promise<number> {
  const bodies = await Promise.all(
    Array.from({ length: COLD_CONCURRENCY }, () =>
      fetch(`${baseUrl}/products/${id}`).then((r) => r.json() as Promise<{ loadSeq?: number }>),
    ),
  );
  if (bodies.some((b) => typeof b.loadSeq !== 'number')) {
    throw new Error(`${baseUrl}/products/${id} answered without loadSeq`);
  }
  // Every handler run answers at least its own request, so distinct loadSeq = handler runs.
  return new Set(bodies.map((b) => b.loadSeq)).size;
}
