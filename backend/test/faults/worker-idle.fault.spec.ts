import { Worker } from 'bullmq';
import { QueueService, QUEUE_NAMES } from '../../src/queue/index.js';
import { startedWorker } from '../support/queue-workers.js';
import { RedisServer } from '../support/redis-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { sleep, waitFor } from '../support/wait-for.js';

const IDLE_MS = 60_000;
const CONTROL_MS = 8_000;
const COMMAND_TIMEOUT_MS = '200';

const isCommandTimeout = (error: Error) => /Command timed out/.test(error.message);

describe('workers on the shared client, with the cache command timeout set', () => {
  let server: RedisServer;
  let app: TestApp;

  beforeAll(async () => {
    server = await RedisServer.start();
    app = await createTestApp()
      .withRedis(server)
      .withEnv({ REDIS_COMMAND_TIMEOUT_MS: COMMAND_TIMEOUT_MS })
      .start();
    await waitFor(() => app.redis.isAvailable, { what: 'Redis ready' });
  });

  afterAll(async () => {
    await app.close();
    await server.stop();
  });

  it('control: a worker handed the cache client itself times out while idle', async () => {
    const client = app.redis.getClient();
    if (!client) throw new Error('no client');
    const errors: Error[] = [];
    const naive = new Worker('naive-control', () => Promise.resolve(), { connection: client });
    naive.on('error', (error) => errors.push(error));
    await sleep(CONTROL_MS);
    await naive.close(true);
    const timedOut = errors.filter(isCommandTimeout).length;
    console.log(
      `naive worker on the cache client, idle ${CONTROL_MS} ms: ${timedOut} "Command timed out" errors`,
    );
    expect(timedOut).toBeGreaterThan(0);
  });

  it(
    `stays idle ${IDLE_MS / 1000} s with 0 "Command timed out" errors, then still works`,
    async () => {
      const queues = app.app.get(QueueService);
      const errors: Error[] = [];
      for (const name of QUEUE_NAMES) {
        (await startedWorker(queues, name)).on('error', (error) => errors.push(error));
      }
      await sleep(IDLE_MS);
      const { id } = await queues.add('analytics-refresh', { workMs: 1 });
      const job = await waitFor(async () => {
        const view = await queues.getJob('analytics-refresh', id);
        return view?.state === 'completed' ? view : null;
      });
      const timedOut = errors.filter(isCommandTimeout).length;
      console.log(
        `3 workers idle ${IDLE_MS} ms with REDIS_COMMAND_TIMEOUT_MS=${COMMAND_TIMEOUT_MS}: ` +
          `${timedOut} "Command timed out" errors, ${errors.length} errors in all; a job added ` +
          `afterwards ran (${job.state})`,
      );
      expect(timedOut).toBe(0);
      expect(errors).toEqual([]);
    },
    IDLE_MS + 30_000,
  );
});
