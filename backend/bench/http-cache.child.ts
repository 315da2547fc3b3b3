import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { createApp } from '../src/app.factory.js';
import { createPeerApp } from './peer/peer.app.js';
import { createUncachedApp } from './peer/uncached.app.js';

/**
 * One server of the HTTP bench, in a process of its own so that the load generator does not
 * share its event loop: `http-cache.child <contender> <adapter> <redisUrl> <dbLatencyMs>`.
 * Reports `{ port }` once listening, and closes on `'close'`.
 */
export type HttpContender = 'ours' | 'cache-manager' | 'uncached';

/** The platforms the bench runs each contender on. */
export type HttpBenchAdapter = 'express' | 'fastify';

async function build(
  contender: HttpContender,
  adapter: HttpBenchAdapter,
  redisUrl: string,
  dbLatencyMs: number,
): Promise<INestApplication> {
  switch (contender) {
    case 'ours':
      return createApp({
        adapter,
        env: {
          REDIS_URL: redisUrl,
          CACHE_KEY_PREFIX: 'bench',
          DEMO_DB_LATENCY_MS: String(dbLatencyMs),
          NODE_ENV: 'production',
        },
        readEnvFile: false,
        logger: false,
      });
    case 'cache-manager':
      return createPeerApp(redisUrl, { adapter, dbLatencyMs });
    case 'uncached':
      return createUncachedApp({ adapter });
  }
}

async function main(): Promise<void> {
  const [contender, adapter, redisUrl, dbLatencyMs] = process.argv.slice(2);
  if (
    (contender !== 'ours' && contender !== 'cache-manager' && contender !== 'uncached') ||
    (adapter !== 'express' && adapter !== 'fastify') ||
    !redisUrl ||
    !dbLatencyMs
  ) {
    throw new Error('usage: http-cache.child <contender> <adapter> <redisUrl> <dbLatencyMs>');
  }
  const app = await build(contender, adapter, redisUrl, Number(dbLatencyMs));
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as { address(): { port: number } };
  process.on('message', (message: unknown) => {
    if (message !== 'close') return;
    void app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  // Without its parent the server has nothing to do.
  process.on('disconnect', () => process.exit(0));
  process.send?.({ port: server.address().port });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
