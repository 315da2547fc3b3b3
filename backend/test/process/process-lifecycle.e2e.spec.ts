import { spawn } from 'node:child_process';
import { QueueService } from '../../src/queue/index.js';
import { spawnBackend, type SpawnedBackend } from '../support/backend-process.js';
import { productEnv } from '../support/product-user.js';
import { freePort } from '../support/free-port.js';
import { RedisServer } from '../support/redis-server.js';
import { createTestApp } from '../support/test-app.js';
import { sleep, waitFor } from '../support/wait-for.js';

// These tests run the built backend (`npm test` builds it first: see `pretest`).

const REQUESTS_PER_SECOND = 200;
const GRACE_MS = 1_500;

async function waitUntilServing(baseUrl: string, backend: SpawnedBackend): Promise<void> {
  await waitFor(
    async () => {
      if (backend.child.exitCode !== null) throw new Error(`backend exited: ${backend.output()}`);
      const ready = await fetch(`${baseUrl}/health/ready`);
      const body = (await ready.json()) as { details: { redis?: { status: string } } };
      return body.details.redis?.status === 'up';
    },
    { what: 'the backend to serve with Redis up', timeoutMs: 20_000 },
  );
}

function errorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as Error).message;
}

describe('the built backend as a process', () => {
  // A Redis of its own for each test: BullMQ's stalled-job check is throttled by a key that a
  // previous process (with another lock duration) may have left behind.
  let server: RedisServer;

  beforeEach(async () => {
    server = await RedisServer.start();
  });

  afterEach(async () => {
    await server.stop();
  });

  it('SIGTERM under 200 req/s: no failed in-flight request, exit 0, Redis QUIT after the last response', async () => {
    const monitorLines: string[] = [];
    const monitor = spawn('redis-cli', [
      '-h',
      '127.0.0.1',
      '-p',
      String(server.port),
      ...server.authCliArgs(),
      'MONITOR',
    ]);
    monitor.stdout.on('data', (chunk: Buffer) =>
      monitorLines.push(...chunk.toString().split('\n')),
    );
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const backend = spawnBackend(
      await productEnv({
        PORT: String(port),
        REDIS_URL: server.url,
        CACHE_KEY_PREFIX: 'sigterm',
        SHUTDOWN_GRACE_MS: String(GRACE_MS),
        DEMO_DB_LATENCY_MS: '20',
      }),
    );
    try {
      await waitUntilServing(baseUrl, backend);

      const outcomes: {
        kind: 'ok' | 'refused' | 'failed';
        detail: string;
        startedAtMs: number;
        atMs: number;
      }[] = [];
      const readiness: { atMs: number; status: number }[] = [];
      const inFlight = new Set<Promise<void>>();
      let running = true;
      const fire = (n: number) => {
        const startedAtMs = Date.now();
        const request = fetch(`${baseUrl}/demo/lookup/${n % 50}`)
          .then(async (response) => {
            await response.text();
            const kind = response.status === 200 ? 'ok' : 'failed';
            outcomes.push({
              kind,
              detail: `HTTP ${response.status}`,
              startedAtMs,
              atMs: Date.now(),
            });
          })
          .catch((error: unknown) => {
            const detail = errorCode(error);
            outcomes.push({ kind: 'failed', detail, startedAtMs, atMs: Date.now() });
          })
          .finally(() => inFlight.delete(request));
        inFlight.add(request);
      };
      const load = (async () => {
        const startedAt = performance.now();
        for (let n = 0; running; n += 1) {
          const dueAt = startedAt + (n * 1000) / REQUESTS_PER_SECOND;
          const wait = dueAt - performance.now();
          if (wait > 0) await sleep(wait);
          fire(n);
        }
      })();
      const probes = (async () => {
        while (running) {
          await fetch(`${baseUrl}/health/ready`)
            .then((r) => readiness.push({ atMs: Date.now(), status: r.status }))
            .catch(() => undefined);
          await sleep(100);
        }
      })();

      await sleep(1_000);
      const sigtermAtMs = Date.now();
      backend.child.kill('SIGTERM');
      const exitCode = await backend.exited;
      const exitedAtMs = Date.now();
      // Keep the load on a little after exit: those requests are refused, never half-served.
      await sleep(200);
      running = false;
      await load;
      await probes;
      await Promise.all([...inFlight]);
      await sleep(200);
      monitor.kill();

      // The listener closes when the drain ends. A request sent from then on is refused at
      // connect: ECONNREFUSED, or ECONNRESET when its connection was still in the kernel's
      // accept queue as the listening socket closed (the application never accepted it).
      const listenerClosedAtMs = sigtermAtMs + GRACE_MS;
      for (const o of outcomes) {
        const refusal = o.detail === 'ECONNREFUSED' || o.detail === 'ECONNRESET';
        if (o.kind === 'failed' && refusal && o.startedAtMs >= listenerClosedAtMs) {
          o.kind = 'refused';
        }
      }
      const answered = outcomes.filter((o) => o.detail.startsWith('HTTP'));
      const lastResponseAtMs = Math.max(...answered.map((o) => o.atMs));
      const quitTimesMs = monitorLines
        .filter((line) => /"quit"/i.test(line))
        .map((line) => Math.round(Number(line.split(' ')[0]) * 1000));
      const firstQuitMs = Math.min(...quitTimesMs);
      const failed = outcomes.filter((o) => o.kind === 'failed');
      const drain503 = readiness.filter((r) => r.atMs > sigtermAtMs && r.status === 503).length;
      const servedDuringDrain = outcomes.filter(
        (o) => o.kind === 'ok' && o.atMs > sigtermAtMs,
      ).length;
      console.log(
        `SIGTERM at 200 req/s: ${outcomes.length} requests, ${outcomes.filter((o) => o.kind === 'ok').length} ok ` +
          `(${servedDuringDrain} during the ${GRACE_MS} ms drain), ${failed.length} failed ` +
          `${JSON.stringify(failed.slice(0, 5).map((f) => `${f.detail} sent ${f.startedAtMs - sigtermAtMs} ms after SIGTERM`))}, ` +
          `${outcomes.filter((o) => o.kind === 'refused').length} refused at connect after the listener ` +
          `closed (${outcomes.filter((o) => o.kind === 'refused' && o.detail === 'ECONNRESET').length} of them reset in the accept queue); ` +
          `readiness 503 seen ${drain503} times during drain; exit code ${exitCode} ` +
          `${exitedAtMs - sigtermAtMs} ms after SIGTERM; ${quitTimesMs.length} QUIT(s), the first ` +
          `${firstQuitMs - lastResponseAtMs} ms after the last response`,
      );
      expect(exitCode).toBe(0);
      expect(failed).toEqual([]);
      expect(servedDuringDrain).toBeGreaterThan(REQUESTS_PER_SECOND / 2);
      expect(drain503).toBeGreaterThan(0);
      expect(quitTimesMs.length).toBeGreaterThan(0);
      expect(firstQuitMs).toBeGreaterThan(lastResponseAtMs);
    } finally {
      monitor.kill();
      await backend.stop('SIGKILL');
    }
  }, 60_000);

  it('a worker process killed mid-job: the job runs again in another process', async () => {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const env = { QUEUE_LOCK_DURATION_MS: '2000' };
    const first = spawnBackend(
      await productEnv({
        PORT: String(port),
        REDIS_URL: server.url,
        CACHE_KEY_PREFIX: 'worker-kill',
        ...env,
      }),
    );
    try {
      await waitUntilServing(baseUrl, first);
      const response = await fetch(`${baseUrl}/jobs/post-publishing`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workMs: 3_000 }),
      });
      const { id } = (await response.json()) as { id: string };
      await waitFor(async () => {
        const state = (await (await fetch(`${baseUrl}/jobs/post-publishing/${id}`)).json()) as {
          state: string;
        };
        return state.state === 'active';
      });
      first.child.kill('SIGKILL');
      await first.exited;
      const killedAtMs = Date.now();

      const second = await createTestApp()
        .withRedis(server)
        .withEnv({ CACHE_KEY_PREFIX: 'worker-kill', ...env })
        .start();
      try {
        const queues = second.app.get(QueueService);
        let last: unknown = null;
        const job = await waitFor(
          async () => {
            const view = await queues.getJob('post-publishing', id);
            last = view;
            return view?.state === 'completed' ? view : null;
          },
          { what: 'the job to complete in the second process', timeoutMs: 30_000 },
        ).catch((error: Error) => {
          throw new Error(`${error.message}; last seen ${JSON.stringify(last)}`);
        });
        const result = job.result as { workerPid: number; publishedAtMs: number };
        console.log(
          `worker process ${first.child.pid} killed mid-job; job ${id} ran again in process ` +
            `${result.workerPid} and completed ${result.publishedAtMs - killedAtMs} ms after the kill`,
        );
        expect(result.workerPid).toBe(process.pid);
        expect(result.workerPid).not.toBe(first.child.pid);
        expect(result.publishedAtMs).toBeGreaterThan(killedAtMs);
      } finally {
        await second.close();
      }
    } finally {
      await first.stop('SIGKILL');
    }
  }, 60_000);
});
