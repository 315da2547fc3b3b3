import type { Redis } from 'ioredis';
import { Cluster } from 'ioredis';
import type { RedisClient } from './redis-client.factory.js';

/** Keys fetched per SCAN step and deleted per UNLINK batch. */
export const SCAN_BATCH_SIZE = 500;

/**
 * The nodes to scan: every master of a Cluster, or the one server. In a Cluster the slot map is
 * refreshed first: after a failover the client has not yet been redirected by, its list of
 * masters still holds the demoted one (a replica now, which refuses UNLINK) and lacks the new
 * one, and a sweep would miss every key of that shard.
 *
 * @throws when the slot map cannot be refreshed (every node failed to answer)
 */
export async function scanTargets(client: RedisClient): Promise<Redis[]> {
  if (!(client instanceof Cluster)) return [client];
  await new Promise<void>((resolve, reject) =>
    client.refreshSlotsCache((error) => (error ? reject(error) : resolve())),
  );
  return client.nodes('master');
}

/**
 * One SCAN step on one node. Returns the next cursor and the keys of this step.
 * `'0'` as the next cursor means the node is done.
 */
export async function scanStep(
  node: Redis,
  cursor: string,
  pattern: string,
): Promise<[string, string[]]> {
  const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_BATCH_SIZE);
  return [next, keys];
}

/**
 * Unlinks keys found on one node. In a Cluster, keys of different slots cannot share one
 * command, so each key gets its own UNLINK in a pipeline.
 *
 * @throws when an UNLINK failed (the node's connection was lost, the slot moved): the key may
 *   still be there, so the sweep is not complete
 */
export async function unlinkOnNode(
  client: RedisClient,
  node: Redis,
  keys: string[],
): Promise<number> {
  if (keys.length === 0) return 0;
  if (!(client instanceof Cluster)) return node.unlink(...keys);
  const pipeline = node.pipeline();
  for (const key of keys) pipeline.unlink(key);
  const results = await pipeline.exec();
  if (!results) throw new Error('the UNLINK pipeline was discarded');
  let deleted = 0;
  for (const [error, count] of results) {
    if (error) throw error;
    deleted += Number(count);
  }
  return deleted;
}
