import type { Job } from 'bullmq';
import { JobNotEnqueuedError, QueueService, QUEUE_NAMES } from '../../src/queue/index.js';
import { startedWorker } from '../support/queue-workers.js';
import { RedisServer } from '../support/redis-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { sleep, waitFor } from '../support/wait-for.js';

interface JobState {
  id: string;
  state: string;
  result: Record<string, unknown> | null;
}

async function enqueue(app: TestApp, queue: string, data: object): Promise<Response> {
  return app.request(`/jobs/${queue}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(data),
  });
}

describe('QueueModule on the shared connection', () => {
  let server: RedisServer;
  let app: TestApp;
  let queues: QueueService;

  beforeAll(async () => {
    server = await RedisServer.start();
    app = await createTestApp().withRedis(server).start();
    queues = app.app.get(QueueService);
    await waitFor(() => queues.ready && app.redis.isAvailable, { what: 'queues ready' });
  });

  afterAll(async () => {
    server.resume();
    await app.close();
    await server.stop();
  });

  it.each(QUEUE_NAMES)('enqueues on %s over HTTP and reports the job completed', async (queue) => {
    const response = await enqueue(app, queue, { workMs: 10 });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const done = await waitFor(async () => {
      const state = (await (await app.request(`/jobs/${queue}/${id}`)).json()) as JobState;
      return state.state === 'completed' ? state : null;
    });
    expect(done.id).toBe(id);
    expect(done.result).not.toBeNull();
  });

  it('answers 404 for an unknown queue or job', async () => {
    expect((await enqueue(app, 'no-such-queue', {})).status).toBe(404);
    expect((await app.request('/jobs/post-publishing/not-a-job')).status).toBe(404);
  });

  it('runs producers on the shared client and workers on their own connections', async () => {
    expect(queues.workerNames.sort()).toEqual([...QUEUE_NAMES].sort());
    const list = await server.cli('CLIENT', 'LIST');
    const names = list.split('\n').map((line) => /name=(\S*)/.exec(line)?.[1] ?? '');
    // One cache connection shared by the producers; two connections per worker (BullMQ's own).
    expect(names.filter((n) => n.endsWith(':cache'))).toHaveLength(1);
    // BullMQ names a worker's connections after its prefix, `<keyPrefix>:bull`.
    const bullPrefix = `${app.redis.settings.keyPrefix}:bull:`;
    expect(names.filter((n) => n.startsWith(bullPrefix)).length).toBeGreaterThanOrEqual(3);
  });

  it('fails an add within 1 s while Redis is hung, and the failed job never runs', async () => {
    const ran: string[] = [];
    const outcomes = new Map<string, unknown>();
    for (const name of QUEUE_NAMES) {
      (await startedWorker(queues, name)).on('completed', (job: Job, result: unknown) => {
        outcomes.set(job.id ?? '', result);
        if (!(result as { cancelled?: boolean } | null)?.cancelled) ran.push(job.id ?? '');
      });
    }
    server.pause();
    const startedAt = performance.now();
    let failedId: string | undefined;
    let failedAfterMs = 0;
    try {
      await queues.add('webhook-processing', { workMs: 1 });
    } catch (error) {
      failedAfterMs = performance.now() - startedAt;
      expect(error).toBeInstanceOf(JobNotEnqueuedError);
      failedId = (error as JobNotEnqueuedError).jobId;
    }
    const http = performance.now();
    const response = await enqueue(app, 'post-publishing', { workMs: 1 });
    const httpMs = performance.now() - http;
    await sleep(300);
    server.resume();
    // The add was on the wire: it lands now. Wait for it to be handled either way.
    await waitFor(() => failedId !== undefined && outcomes.has(failedId), {
      what: 'the late add to be seen by a worker',
      timeoutMs: 10_000,
    }).catch(() => undefined);
    await sleep(500);
    const job = failedId ? await queues.getJob('webhook-processing', failedId) : null;
    console.log(
      `Redis paused: add failed after ${failedAfterMs.toFixed(0)} ms; POST /jobs answered ` +
        `${response.status} after ${httpMs.toFixed(0)} ms; after resume the failed job is ` +
        `${job ? `${job.state} with result ${JSON.stringify(job.result)}` : 'absent'}`,
    );
    expect(failedId).toBeDefined();
    expect(failedAfterMs).toBeLessThan(1_000);
    expect(response.status).toBe(503);
    expect(httpMs).toBeLessThan(1_000);
    expect(ran).not.toContain(failedId);
    if (job) expect(job.result).toEqual({ cancelled: true });
  });
});

describe('QueueModule shutdown', () => {
  it.each(['killed', 'paused'] as const)(
    'closes within 3 s while Redis is %s, during load',
    async (fault) => {
      const server = await RedisServer.start();
      const app = await createTestApp().withRedis(server).start();
      const queues = app.app.get(QueueService);
      await waitFor(() => queues.ready, { what: 'queues ready' });
      await queues.add('post-publishing', { workMs: 5_000 });
      await sleep(200);
      // Keep-alive HTTP connections are open, as under load.
      await app.request('/health/live');
      if (fault === 'killed') await server.kill();
      else server.pause();
      const startedAt = performance.now();
      try {
        await app.close();
        const closeMs = performance.now() - startedAt;
        console.log(`app.close() with Redis ${fault} and a job active: ${closeMs.toFixed(0)} ms`);
        expect(closeMs).toBeLessThan(3_000);
      } finally {
        server.resume();
        await server.stop();
      }
    },
  );
});

describe('QueueModule startup checks', () => {
  it('warns once when the queue Redis may evict keys', async () => {
    const server = await RedisServer.start({
      args: ['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru'],
    });
    const app = await createTestApp().withRedis(server).start();
    try {
      const queues = app.app.get(QueueService);
      // The README's least-privilege line grants +info, so the ACL run sees the policy too.
      const warning = await waitFor(() => queues.evictionWarning);
      console.log(`startup warning: ${warning}`);
      expect(warning).toContain('allkeys-lru');
      expect(warning).toContain('noeviction');
      expect(warning).toContain('QUEUE_REDIS_URL');
    } finally {
      await app.close();
      await server.stop();
    }
  });

  it('gives no warning on a noeviction instance', async () => {
    const server = await RedisServer.start();
    const app = await createTestApp().withRedis(server).start();
    try {
      const queues = app.app.get(QueueService);
      await waitFor(() => queues.serverInfo !== 'unknown', { what: 'INFO read or refused' });
      expect(queues.serverInfo).toBe('read');
      expect(queues.evictionWarning).toBeNull();
    } finally {
      await app.close();
      await server.stop();
    }
  });
});
