import { parseRedisInfo, type RedisClient } from '../cache/index.js';

/** What the queue Redis tells this connection about itself. */
export type QueueServerFacts =
  | { infoAllowed: true; version: string | undefined; maxmemoryPolicy: string | undefined }
  /** The ACL user may not run `INFO` (it is in `@dangerous`). */
  | { infoAllowed: false };

/** BullMQ's oldest supported Redis. */
export const BULLMQ_MINIMUM_REDIS = [5, 0, 0] as const;

/**
 * Reads `INFO` once through `client` (bounded by the client's command timeout). Answers
 * `{ infoAllowed: false }` when an ACL refuses it (`NOPERM`), and `null` when Redis gave no answer
 * (to be asked again at the next connection).
 */
export async function probeQueueServer(client: RedisClient): Promise<QueueServerFacts | null> {
  try {
    const facts = parseRedisInfo(await client.info());
    return { infoAllowed: true, ...facts };
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('NOPERM')) return { infoAllowed: false };
    return null;
  }
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
