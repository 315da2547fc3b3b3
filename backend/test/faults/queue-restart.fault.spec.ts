import type { Job } from 'bullmq';
import { QueueService, QUEUE_NAMES } from '../../src/queue/index.js';
import { startedWorker } from '../support/queue-workers.js';
import { RedisServer } from '../support/redis-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { sleep, waitFor } from '../support/wait-for.js';

const TOTAL_JOBS = 1_000;
const BATCH_SIZE = 10;
const BATCH_EVERY_MS = 25;
/** The restart starts after this many batches (about a third of the run). */
const RESTART_AT_BATCH = 35;
const LOCK_MS = 5_000;

const RESTARTS = [
  { how: 'an orderly restart (SIGTERM)', graceful: true, args: [] as string[] },
  {
    how: 'a crash (SIGKILL, appendfsync always)',
    graceful: false,
    args: ['--appendfsync', 'always'],
  },
];

describe.each(RESTARTS)(
  '1,000 jobs while the queue Redis (appendonly) restarts: $how',
  ({ how, graceful, args }) => {
    let cacheRedis: RedisServer;
    let queueRedis: RedisServer;
    let app: TestApp;

    beforeAll(async () => {
      cacheRedis = await RedisServer.start();
      queueRedis = await RedisServer.start({ args: ['--appendonly', 'yes', ...args] });
      app = await createTestApp()
        .withRedis(cacheRedis)
        // A job that was active when Redis went away runs again once its lock expires.
        .withEnv({ QUEUE_REDIS_URL: queueRedis.url, QUEUE_LOCK_DURATION_MS: String(LOCK_MS) })
        .start();
    });

    afterAll(async () => {
      await app.close();
      await queueRedis.stop();
      await cacheRedis.stop();
    });

    it('loses no accepted job, runs no failed one, and workers resume within 5 s', async () => {
      const queues = app.app.get(QueueService);
      await waitFor(() => queues.ready, { what: 'queue Redis ready' });
      const ran = new Map<string, number>();
      const cancelled = new Set<string>();
      for (const name of QUEUE_NAMES) {
        (await startedWorker(queues, name)).on('completed', (job: Job, result: unknown) => {
          const id = job.id ?? '';
          if ((result as { cancelled?: boolean } | null)?.cancelled) cancelled.add(id);
          else if (!ran.has(id)) ran.set(id, Date.now());
        });
      }

      const accepted = new Set<string>();
      const failed = new Set<string>();
      let slowestAddMs = 0;
      let restart: Promise<void> | undefined;
      let restartDoneAtMs = 0;
      const adds: Promise<void>[] = [];
      for (let i = 0; i < TOTAL_JOBS; i += 1) {
        if (i === RESTART_AT_BATCH * BATCH_SIZE) {
          restart = queueRedis.restart({ graceful }).then(() => {
            restartDoneAtMs = Date.now();
          });
        }
        const queue = QUEUE_NAMES[i % QUEUE_NAMES.length] as string;
        const startedAt = performance.now();
        adds.push(
          queues.add(queue, { workMs: 1, n: i }).then(
            ({ id }) => {
              accepted.add(id);
            },
            (error: { jobId?: string }) => {
              slowestAddMs = Math.max(slowestAddMs, performance.now() - startedAt);
              if (error.jobId) failed.add(error.jobId);
              else failed.add(`not-attempted-${i}`);
            },
          ),
        );
        if ((i + 1) % BATCH_SIZE === 0) await sleep(BATCH_EVERY_MS);
      }
      await Promise.all(adds);
      await restart;

      // Jobs interrupted by the restart are settled by Redis itself: one completed in Redis whose
      // reply was lost is found by its state; an active one is moved back by the stalled-job check
      // once its lock expires, and runs again.
      const unseenStates: string[] = [];
      const settleFromRedis = async () => {
        const unseen = [...accepted].filter((id) => !ran.has(id));
        if (unseen.length > 50) return false;
        for (const id of unseen) {
          const views = await Promise.all(QUEUE_NAMES.map((name) => queues.getJob(name, id)));
          const view = views.find((v) => v !== null) ?? null;
          const result = view?.result as { cancelled?: boolean } | null | undefined;
          if (view?.state === 'completed' && result && !result.cancelled) {
            ran.set(id, Date.now());
            unseenStates.push(`${view.queue}:completed in Redis, reply lost`);
          }
        }
        return [...accepted].every((id) => ran.has(id));
      };
      await waitFor(settleFromRedis, {
        what: 'every accepted job to run',
        timeoutMs: 6 * LOCK_MS,
        intervalMs: 250,
      }).catch(() => undefined);
      // Let any late add that reached Redis be picked up (and cancelled) before counting.
      await sleep(2_000);

      const lost = [...accepted].filter((id) => !ran.has(id));
      const failedButRan = [...failed].filter((id) => ran.has(id));
      const firstRunAfterRestart = Math.min(
        ...[...ran.values()].filter((atMs) => atMs >= restartDoneAtMs),
      );
      const resumeMs = firstRunAfterRestart - restartDoneAtMs;
      console.log(
        `${how}: ${TOTAL_JOBS} adds: ${accepted.size} accepted, ${failed.size} failed (slowest failure ` +
          `${slowestAddMs.toFixed(0)} ms); ran ${ran.size}; lost ${lost.length}; failed-but-ran ` +
          `${failedButRan.length}; late adds cancelled ${cancelled.size}; settled from Redis ` +
          `state: ${JSON.stringify(unseenStates)}; first job ran ` +
          `${resumeMs} ms after the queue Redis was back`,
      );
      expect(accepted.size + failed.size).toBe(TOTAL_JOBS);
      expect(accepted.size).toBeGreaterThan(TOTAL_JOBS / 2);
      expect(lost).toEqual([]);
      expect(failedButRan).toEqual([]);
      expect(slowestAddMs).toBeLessThan(1_000);
      expect(resumeMs).toBeGreaterThanOrEqual(0);
      expect(resumeMs).toBeLessThan(5_000);
    }, 120_000);
  },
);
