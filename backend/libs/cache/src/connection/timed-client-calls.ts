import type { RedisClient } from './redis-client.factory.js';

/** The answer of `RedisService.healthCheck()`. */
export interface RedisHealth {
  healthy: boolean;
  /** Round-trip time of the PING, in milliseconds (measured even when it failed). */
  latencyMs: number;
  error?: string;
}

/**
 * PINGs through `client` directly (not through the call gate, so an open breaker does not stop
 * it) and waits at most `timeoutMs`. Never throws.
 */
export async function pingWithin(client: RedisClient, timeoutMs: number): Promise<RedisHealth> {
  const startedAt = performance.now();
  const elapsed = () => Math.round((performance.now() - startedAt) * 100) / 100;
  if (client.status !== 'ready') {
    return { healthy: false, latencyMs: 0, error: `connection is ${client.status}` };
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const pong = client.ping();
    pong.catch(() => undefined);
    await Promise.race([
      pong,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { healthy: true, latencyMs: elapsed() };
  } catch (error) {
    return { healthy: false, latencyMs: elapsed(), error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** Sends QUIT and waits for it at most `timeoutMs`, then drops the socket. */
export async function quitWithin(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client.status === 'end') return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.quit(),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
  } catch {
    // Quitting a connection that is already down fails; dropping it below is enough.
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}
