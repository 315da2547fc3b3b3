import KeyvRedis from '@keyv/redis';
import type { INestApplication } from '@nestjs/common';
import { createApp } from '../../src/app.factory.js';
import { RedisService } from 'nestjs-coherent-cache';
import { createPeerApp } from '../peer/peer.app.js';
import type { ChaosConnection, Contender } from './chaos.types.js';

/** Handler latency of the cached route, in ms, in both apps. */
export const DB_LATENCY_MS = 20;

/** The two apps compared, in table order. */
export const CONTENDERS = ['this module', '@nestjs/cache-manager'] as const;
export type ContenderName = (typeof CONTENDERS)[number];

/** Starts one app on `connection`, listening on a free port. */
export async function startContender(
  name: ContenderName,
  connection: ChaosConnection,
): Promise<Contender> {
  return name === 'this module' ? startOurs(connection) : startPeer(connection);
}

async function listen(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as { address(): { port: number } };
  return `http://127.0.0.1:${server.address().port}`;
}

async function startOurs(connection: ChaosConnection): Promise<Contender> {
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    CACHE_KEY_PREFIX: 'chaos',
    DEMO_DB_LATENCY_MS: String(DB_LATENCY_MS),
  };
  if (connection.mode === 'single') env.REDIS_URL = connection.url;
  if (connection.mode === 'sentinel') {
    env.REDIS_SENTINELS = connection.sentinels.map((s) => `${s.host}:${s.port}`).join(',');
    env.REDIS_SENTINEL_NAME = connection.name;
  }
  if (connection.mode === 'cluster') {
    env.REDIS_CLUSTER_NODES = connection.nodes.map((n) => `${n.host}:${n.port}`).join(',');
  }
  const app = await createApp({ env, readEnvFile: false, logger: false });
  const baseUrl = await listen(app);
  const redis = app.get(RedisService);
  return {
    baseUrl,
    queued: () => ioredisQueued(redis.getClient()),
    close: () => app.close(),
  };
}

/** The queues of an ioredis client (or cluster and its node clients): offline plus sent-unanswered. */
function ioredisQueued(client: unknown): number {
  if (client === null || typeof client !== 'object') return 0;
  const view = client as {
    offlineQueue?: { length: number };
    commandQueue?: { length: number };
    nodes?: () => unknown[];
  };
  let total = (view.offlineQueue?.length ?? 0) + (view.commandQueue?.length ?? 0);
  if (typeof view.nodes === 'function') {
    for (const node of view.nodes()) total += ioredisQueued(node);
  }
  return total;
}

/** Store methods that cache-manager calls through Keyv. */
const STORE_METHODS = ['get', 'getMany', 'set', 'setMany', 'delete', 'has', 'clear'] as const;

async function startPeer(connection: ChaosConnection): Promise<Contender> {
  const store =
    connection.mode === 'single'
      ? new KeyvRedis<unknown>(connection.url)
      : connection.mode === 'sentinel'
        ? new KeyvRedis<unknown>({ name: connection.name, sentinelRootNodes: connection.sentinels })
        : new KeyvRedis<unknown>({
            rootNodes: connection.nodes.map((n) => ({ url: `redis://${n.host}:${n.port}` })),
          });
  // node-redis keeps its command queue in a private field: count store calls awaiting an answer.
  let pending = 0;
  const methods = store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const method of STORE_METHODS) {
    const original = methods[method]?.bind(store);
    if (!original) continue;
    methods[method] = async (...args: unknown[]) => {
      pending += 1;
      try {
        return await original(...args);
      } finally {
        pending -= 1;
      }
    };
  }
  const app = await createPeerApp(store, { dbLatencyMs: DB_LATENCY_MS });
  const baseUrl = await listen(app);
  return {
    baseUrl,
    queued: () => pending,
    close: async () => {
      await app.close();
      await store.disconnect().catch(() => undefined);
    },
  };
}
