import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Job } from 'bullmq';
import { CacheModule } from 'nestjs-coherent-cache';
import {
  QueueModule,
  QueueProcessor,
  QueueService,
  type JobHandler,
} from '../../src/queue/index.js';
import { productConnection } from '../support/product-user.js';
import { startedWorker } from '../support/queue-workers.js';
import { RedisServer } from '../support/redis-server.js';
import { sleep, waitFor } from '../support/wait-for.js';

/** Records every job it runs, with the deployment that added it. */
@Injectable()
@QueueProcessor('post-publishing')
class RecordingProcessor implements JobHandler {
  readonly ran: { from: unknown; id: string | undefined }[] = [];

  process(job: Job): Promise<{ ok: true }> {
    this.ran.push({ from: (job.data as { from?: unknown }).from, id: job.id });
    return Promise.resolve({ ok: true });
  }
}

/** One deployment: the cache module under `keyPrefix` and the queues, on `server`. */
async function startDeployment(
  server: RedisServer,
  keyPrefix: string,
  workersEnabled: boolean,
): Promise<{ app: INestApplicationContext; queues: QueueService; processor: RecordingProcessor }> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      CacheModule.forRoot({
        connection: await productConnection(server.url, keyPrefix),
        keyPrefix,
      }),
      QueueModule.forRoot({ workersEnabled }),
    ],
    providers: [RecordingProcessor],
  }).compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  const queues = moduleRef.get(QueueService);
  await waitFor(() => queues.ready, { what: `${keyPrefix}: queues ready` });
  return { app: moduleRef, queues, processor: moduleRef.get(RecordingProcessor) };
}

describe('two deployments with different key prefixes on one Redis', () => {
  let server: RedisServer;
  let producerOnly: Awaited<ReturnType<typeof startDeployment>>;
  let other: Awaited<ReturnType<typeof startDeployment>>;
  const suffix = Math.random().toString(36).slice(2, 8);
  const prefixA = `shop-a${suffix}`;
  const prefixB = `shop-b${suffix}`;

  beforeAll(async () => {
    server = await RedisServer.start();
    // A adds jobs and runs no worker; B runs a worker for the same queue name.
    producerOnly = await startDeployment(server, prefixA, false);
    other = await startDeployment(server, prefixB, true);
    await startedWorker(other.queues, 'post-publishing');
  });

  afterAll(async () => {
    await producerOnly?.app.close();
    await other?.app.close();
    await server.stop();
  });

  it("never processes the other deployment's jobs, and keeps each queue under its prefix", async () => {
    const added = await Promise.all(
      Array.from({ length: 20 }, () => producerOnly.queues.add('post-publishing', { from: 'A' })),
    );
    // B's own job shows its worker is live: once it has run, A's jobs had every chance too.
    const own = await other.queues.add('post-publishing', { from: 'B' });
    await waitFor(() => other.processor.ran.some((r) => r.id === own.id), {
      what: "B's own job to run",
    });
    await sleep(1_000);

    const countsA = await producerOnly.queues.getCounts();
    const countsB = await other.queues.getCounts();
    const keysA = (await server.cli('--scan', '--pattern', `${prefixA}:bull:*`)).split('\n');
    const keysB = (await server.cli('--scan', '--pattern', `${prefixB}:bull:*`)).split('\n');
    const unprefixed = (await server.cli('--scan', '--pattern', 'bull:*')).trim();
    process.stdout.write(
      `[queue isolation] A added ${added.length}, B added 1; B's worker ran ` +
        `${JSON.stringify(other.processor.ran.map((r) => r.from))}; waiting A ` +
        `${countsA['post-publishing'].waiting}, B ${countsB['post-publishing'].waiting}; keys ` +
        `${prefixA}:bull:* ${keysA.filter(Boolean).length}, ${prefixB}:bull:* ` +
        `${keysB.filter(Boolean).length}, bull:* ${unprefixed ? unprefixed.split('\n').length : 0}\n`,
    );
    expect(other.processor.ran.map((r) => r.from)).toEqual(['B']);
    expect(producerOnly.processor.ran).toEqual([]);
    expect(countsA['post-publishing'].waiting).toBe(20);
    expect(countsB['post-publishing'].waiting).toBe(0);
    for (const { id } of added) {
      expect((await producerOnly.queues.getJob('post-publishing', id))?.state).toBe('waiting');
      expect(await other.queues.getJob('post-publishing', id)).toBeNull();
    }
    expect(keysA).toContain(`${prefixA}:bull:post-publishing:meta`);
    expect(keysB).toContain(`${prefixB}:bull:post-publishing:meta`);
    expect(unprefixed).toBe('');
  });
});
