import { parseRedisUrl, type RedisConnectionOptions } from 'nestjs-coherent-cache';
import { aclMode } from './acl-mode.js';
import { grantProductUser } from './redis-server.js';

/**
 * The connection a fixture gives the product for key prefix `keyPrefix`: in an ACL run
 * (`TEST_REDIS_ACL=1`), logged in as that prefix's least-privilege user; otherwise as given.
 * A connection that names a user already (a test of authentication) is left alone.
 */
export async function productConnection(
  target: string | RedisConnectionOptions,
  keyPrefix: string,
): Promise<RedisConnectionOptions> {
  const connection = typeof target === 'string' ? parseRedisUrl(target) : target;
  if (connection.username !== undefined) return connection;
  const credentials = await grantProductUser(keyPrefix);
  return credentials ? { ...connection, ...credentials } : connection;
}

/**
 * The environment of a backend under test: in an ACL run, `REDIS_USERNAME` and `REDIS_PASSWORD`
 * of the user of its `CACHE_KEY_PREFIX` (a random prefix is chosen when none is given), unless
 * the test sets a user itself; otherwise `env` unchanged.
 */
export async function productEnv(env: Record<string, string>): Promise<Record<string, string>> {
  if (!aclMode || env.REDIS_USERNAME !== undefined) return env;
  const keyPrefix = env.CACHE_KEY_PREFIX ?? `t${Math.random().toString(36).slice(2, 8)}`;
  const credentials = await grantProductUser(keyPrefix);
  if (!credentials) return env;
  return {
    ...env,
    CACHE_KEY_PREFIX: keyPrefix,
    REDIS_USERNAME: credentials.username,
    REDIS_PASSWORD: credentials.password,
  };
}
