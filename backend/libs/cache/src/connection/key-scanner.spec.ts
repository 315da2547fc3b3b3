import { Cluster, type Redis } from 'ioredis';
import { KeyNamespace } from '../keys/key-namespace.js';
import { unlinkOnNode } from './key-scanner.js';
import type { RedisCallGate } from './redis-call-gate.js';
import type { RedisClient } from './redis-client.factory.js';
import type { RedisConnection } from './redis-connection.js';
import { RedisPrefixScan } from './redis-prefix-scan.js';

/**
 * One Cluster master holding `redisKeys` whose pipelines answer each UNLINK with `failure` (as
 * ioredis does when the node's connection was just killed: `exec` resolves, every command
 * carrying its error) or delete the key.
 */
function clusterWithOneMaster(redisKeys: string[], failure: Error | null) {
  const stored = new Set(redisKeys);
  const node = {
    scan: (): Promise<[string, string[]]> => Promise.resolve(['0', [...stored]]),
    pipeline() {
      const queued: string[] = [];
      const pipeline = {
        unlink(key: string) {
          queued.push(key);
          return pipeline;
        },
        exec: (): Promise<[Error | null, unknown][]> =>
          Promise.resolve(
            queued.map((key): [Error | null, unknown] =>
              failure ? [failure, null] : [null, stored.delete(key) ? 1 : 0],
            ),
          ),
      };
      return pipeline;
    },
  } as unknown as Redis;
  const cluster = Object.assign(Object.create(Cluster.prototype) as Cluster, {
    refreshSlotsCache: (callback: (error?: Error) => void) => callback(),
    nodes: () => [node],
  });
  return { cluster: cluster as RedisClient, node, stored };
}

function prefixScan(client: RedisClient): RedisPrefixScan {
  const gate = {
    isAvailable: true,
    execute: <T>(_call: unknown, fn: (c: RedisClient) => Promise<T>): Promise<T> => fn(client),
  } as unknown as RedisCallGate;
  const connection = { getClient: () => client } as unknown as RedisConnection;
  return new RedisPrefixScan(gate, connection, new KeyNamespace('t'));
}

describe('unlinkOnNode on a Cluster', () => {
  const keys = ['t:cache:e:row:1', 't:cache:e:row:2'];
  const killed = new Error("Stream isn't writeable and enableOfflineQueue options is false");

  it('counts the keys its pipeline deleted', async () => {
    const { cluster, node, stored } = clusterWithOneMaster(keys, null);
    expect(await unlinkOnNode(cluster, node, keys)).toBe(2);
    expect(stored.size).toBe(0);
  });

  it('throws when an UNLINK of the pipeline failed: the key may still be there', async () => {
    const { cluster, node } = clusterWithOneMaster(keys, killed);
    await expect(unlinkOnNode(cluster, node, keys)).rejects.toThrow(/enableOfflineQueue/);
  });

  it('a sweep whose UNLINKs failed is not complete', async () => {
    const { cluster, stored } = clusterWithOneMaster(keys, killed);
    expect(await prefixScan(cluster).sweepPrefix('cache:e:')).toEqual({
      deleted: 0,
      complete: false,
    });
    expect(stored.size).toBe(2);
  });
});
