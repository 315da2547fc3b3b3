import { parseRedisInfo, readServerInfo, type RedisClient } from 'nestjs-coherent-cache';

/** What the queue Redis tells this connection about itself. */
export type QueueServerFacts =
  | { infoAllowed: true; version: string | undefined; maxmemoryPolicy: string | undefined }
  /** The ACL user may not run `INFO` (it is in `@dangerous`). */
  | { infoAllowed: false };

/** BullMQ's oldest supported Redis. */
export const BULLMQ_MINIMUM_REDIS = [5, 0, 0] as const;

/**
 * The queue Redis's version and eviction policy, from the client's first `INFO` (read once per
 * client, see `readServerInfo`). `{ infoAllowed: false }` when an ACL refuses it, `null` when
 * Redis gave no answer (to be asked again at the next connection).
 */
export async function probeQueueServer(client: RedisClient): Promise<QueueServerFacts | null> {
  const info = await readServerInfo(client);
  if (info === null) return null;
  if (!info.allowed) return { infoAllowed: false };
  return { infoAllowed: true, ...parseRedisInfo(info.text) };
}

/** Whether `version` (`major.minor.patch`) is older than BullMQ supports. */
export function isBelowBullmqMinimum(version: string): boolean {
  const parts = version.split('.').map((part) => Number.parseInt(part, 10));
  for (let i = 0; i < BULLMQ_MINIMUM_REDIS.length; i += 1) {
    const diff = (parts[i] ?? 0) - BULLMQ_MINIMUM_REDIS[i]!;
    if (Number.isNaN(diff)) return false;
    if (diff !== 0) return diff < 0;
  }
  return false;
}
