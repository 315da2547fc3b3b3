import { Cluster, Redis } from 'ioredis';
import {
  resolveRedisServiceOptions,
  type RedisServiceOptions,
  type ConnectedRedisServiceOptions,
} from './redis-service.options.js';
import { createRedisClient } from './redis-client.factory.js';
import type { RedisConnectionOptions } from './redis-connection.options.js';

function resolveConnected(
  options: RedisServiceOptions & { connection: RedisConnectionOptions },
): ConnectedRedisServiceOptions {
  return { ...resolveRedisServiceOptions(options), connection: options.connection };
}

describe('createRedisClient for Sentinel and Cluster (no connection is made)', () => {
  it('asks the Sentinels for the master, follows switches, and fails fast', () => {
    const client = createRedisClient(
      resolveConnected({
        connection: {
          mode: 'sentinel',
          name: 'cache',
          sentinels: [{ host: '10.0.0.1', port: 26379 }],
          password: 'pw',
          sentinelPassword: 'spw',
        },
        keyPrefix: 'app',
        commandTimeoutMs: 250,
      }),
      'app:cache',
    );
    expect(client).toBeInstanceOf(Redis);
    const options = (client as Redis).options;
    expect(options).toMatchObject({
      name: 'cache',
      role: 'master',
      sentinels: [{ host: '10.0.0.1', port: 26379 }],
      password: 'pw',
      sentinelPassword: 'spw',
      failoverDetector: true,
      sentinelCommandTimeout: 250,
      commandTimeout: 250,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectionName: 'app:cache',
      lazyConnect: true,
    });
    expect(
      options.reconnectOnError?.(
        new Error("READONLY You can't write against a read only replica."),
      ),
    ).toBe(1);
    expect(options.reconnectOnError?.(new Error('WRONGTYPE'))).toBe(false);
    client.disconnect();
  });

  it('builds a Cluster client that reads and writes on masters, with bounded node calls', () => {
    const client = createRedisClient(
      resolveConnected({
        connection: {
          mode: 'cluster',
          nodes: [
            { host: '10.0.0.1', port: 7000 },
            { host: '10.0.0.2', port: 7001 },
          ],
          password: 'pw',
        },
        keyPrefix: 'app',
        commandTimeoutMs: 250,
      }),
      'app:cache',
    );
    expect(client).toBeInstanceOf(Cluster);
    const cluster = client as Cluster;
    expect(cluster.options).toMatchObject({
      scaleReads: 'master',
      enableOfflineQueue: false,
      lazyConnect: true,
    });
    expect(cluster.options.redisOptions).toMatchObject({
      password: 'pw',
      commandTimeout: 250,
      maxRetriesPerRequest: 0,
      connectionName: 'app:cache',
    });
    // BullMQ refuses a client with keyPrefix; the namespace is applied by the service instead.
    expect(cluster.options.redisOptions?.keyPrefix).toBeUndefined();
    client.disconnect();
  });
});
