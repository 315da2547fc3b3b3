import type { RedisService } from 'nestjs-coherent-cache';
import type { LoadTarget } from './load-driver.js';

/** The logical key that operation `index` of {@link cacheReadWriteTarget} writes. */
export const loadKey = (runId: string, index: number) => `load:${runId}:${index}`;

/**
 * Cache traffic through `RedisService`: even operations write `load:<runId>:<i>` (TTL 10
 * minutes), odd ones read the key the previous operation wrote. A write is `ok` when stored, a
 * read when it hits. Nothing here catches: an exception from the service reaches the driver and
 * is counted. `runId` keeps the keys of two runs apart, so that a later check on the server
 * cannot mistake an earlier run's key for this one's.
 */
export function cacheReadWriteTarget(redis: RedisService, runId: string): LoadTarget {
  return async (index) => {
    if (index % 2 === 0) {
      const key = loadKey(runId, index);
      const stored = await redis.set(key, { index, atMs: Date.now() }, 600);
      return { kind: 'set', ok: stored, key };
    }
    const key = loadKey(runId, index - 1);
    const value = await redis.get<{ index: number }>(key);
    return { kind: 'get', ok: value !== null, key };
  };
}

/**
 * HTTP traffic: `GET <baseUrl><path(i)>`. `ok` is a 2xx answer; a refused connection or a
 * timeout (`timeoutMs`, default 5,000) is thrown and counted as an error reaching the client.
 */
export function httpGetTarget(
  baseUrl: string,
  path: (index: number) => string = () => '/',
  timeoutMs = 5_000,
): LoadTarget {
  return async (index) => {
    const target = path(index);
    const response = await fetch(`${baseUrl}${target}`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return { kind: `GET ${target}`, ok: response.ok, key: target, detail: String(response.status) };
  };
}
