import { createHash } from 'node:crypto';
import type { RedisClient } from '../connection/redis-client.factory.js';

/**
 * A Lua script sent as EVALSHA, and as EVAL once when the server does not know it yet (first
 * use, or after a restart emptied the script cache).
 */
export class LuaScript {
  readonly sha1: string;

  constructor(readonly source: string) {
    this.sha1 = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script on `client` with `keys` (Redis keys) and `args`. */
  async run(
    client: RedisClient,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await client.evalsha(this.sha1, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
