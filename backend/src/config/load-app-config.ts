import { readFileSync } from 'node:fs';
import {
  parseNodeList,
  parseRedisUrl,
  type RedisConnectionOptions,
  type StandaloneConnection,
} from 'nestjs-coherent-cache';
import type { AppConfig } from './app-config.js';
import { envSchema, type Env } from './env.schema.js';
import { InvalidConfigError, type ConfigProblem } from './invalid-config.error.js';

const SHORT_ENV_NAMES: Record<string, string> = {
  production: 'prod',
  development: 'dev',
  staging: 'staging',
  test: 'test',
};

/**
 * Validates the environment and builds the typed configuration. Every invalid variable is
 * reported at once; no message contains a value (a password could be one).
 *
 * @throws InvalidConfigError naming each invalid variable and what it accepts
 */
export function loadAppConfig(rawEnv: Record<string, string | undefined>): AppConfig {
  const env = parseEnv(rawEnv);
  const problems: ConfigProblem[] = [];
  const connection = redisConnection(env, problems);
  let queueConnection: RedisConnectionOptions | undefined;
  if (env.QUEUE_REDIS_URL !== undefined) {
    queueConnection = attempt(problems, 'QUEUE_REDIS_URL', 'a redis:// or rediss:// URL', () =>
      parseRedisUrl(env.QUEUE_REDIS_URL as string),
    );
  }
  let stateConnection: RedisConnectionOptions | undefined;
  if (env.STATE_REDIS_URL !== undefined) {
    stateConnection = attempt(problems, 'STATE_REDIS_URL', 'a redis:// or rediss:// URL', () =>
      parseRedisUrl(env.STATE_REDIS_URL as string),
    );
  }
  if (problems.length > 0) throw new InvalidConfigError(problems);

  const envShort = SHORT_ENV_NAMES[env.NODE_ENV] ?? env.NODE_ENV;
  return {
    port: env.PORT,
    nodeEnv: env.NODE_ENV,
    appName: env.APP_NAME,
    httpAdapter: env.HTTP_ADAPTER,
    redis: {
      connection,
      commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
      required: env.REDIS_REQUIRED,
      stateConnection,
    },
    cache: {
      enabled: env.CACHE_ENABLED,
      keyPrefix: env.CACHE_KEY_PREFIX ?? `${env.APP_NAME}:${envShort}`,
      defaultTtlSeconds: env.CACHE_DEFAULT_TTL_SECONDS,
      adminToken: env.CACHE_ADMIN_TOKEN,
    },
    queue: { connection: queueConnection, lockDurationMs: env.QUEUE_LOCK_DURATION_MS },
    shutdown: { graceMs: env.SHUTDOWN_GRACE_MS },
    demo: { dbLatencyMs: env.DEMO_DB_LATENCY_MS },
  };
}

function parseEnv(rawEnv: Record<string, string | undefined>): Env {
  const present: Record<string, string> = {};
  for (const name of Object.keys(envSchema.shape)) {
    const value = rawEnv[name];
    if (value !== undefined && value !== '') present[name] = value;
  }
  const result = envSchema.safeParse(present);
  if (result.success) return result.data;
  const problems = new Map<string, string>();
  for (const issue of result.error.issues) {
    const variable = String(issue.path[0] ?? 'environment');
    if (!problems.has(variable)) problems.set(variable, issue.message);
  }
  throw new InvalidConfigError([...problems].map(([variable, accepts]) => ({ variable, accepts })));
}

/**
 * The variables that describe the cache's Redis. With none of them set the backend runs
 * memory-only; with any of them set it connects, to `redis://127.0.0.1:6379` for what
 * `REDIS_URL` does not say.
 */
const CONNECTION_VARIABLES = [
  'REDIS_URL',
  'REDIS_HOST',
  'REDIS_PORT',
  'REDIS_USERNAME',
  'REDIS_PASSWORD',
  'REDIS_DB',
  'REDIS_TLS',
  'REDIS_TLS_CA_FILE',
  'REDIS_SENTINELS',
  'REDIS_SENTINEL_NAME',
  'REDIS_CLUSTER_NODES',
] as const;

/** What is assumed of Redis's location when a connection variable is set without `REDIS_URL`. */
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

function redisConnection(env: Env, problems: ConfigProblem[]): RedisConnectionOptions | undefined {
  if (CONNECTION_VARIABLES.every((name) => env[name] === undefined)) {
    if (env.REDIS_REQUIRED) {
      problems.push({
        variable: 'REDIS_REQUIRED',
        accepts: 'false or unset when no Redis is configured (set REDIS_URL)',
      });
    }
    return undefined;
  }
  if (env.REDIS_SENTINELS !== undefined && env.REDIS_CLUSTER_NODES !== undefined) {
    problems.push({
      variable: 'REDIS_CLUSTER_NODES',
      accepts: 'unset when REDIS_SENTINELS is set (choose Sentinel or Cluster)',
    });
    return undefined;
  }
  const base = attempt(problems, 'REDIS_URL', 'a redis:// or rediss:// URL', () =>
    parseRedisUrl(env.REDIS_URL ?? DEFAULT_REDIS_URL),
  );
  if (!base) return undefined;
  const standalone: StandaloneConnection = {
    ...base,
    host: env.REDIS_HOST ?? base.host,
    port: env.REDIS_PORT ?? base.port,
    db: env.REDIS_DB ?? base.db ?? 0,
  };
  if (env.REDIS_USERNAME !== undefined) standalone.username = env.REDIS_USERNAME;
  if (env.REDIS_PASSWORD !== undefined) standalone.password = env.REDIS_PASSWORD;
  if (env.REDIS_TLS === false) delete standalone.tls;
  if (env.REDIS_TLS === true || env.REDIS_TLS_CA_FILE !== undefined) standalone.tls = {};
  if (env.REDIS_TLS_CA_FILE !== undefined && standalone.tls) {
    const ca = attempt(problems, 'REDIS_TLS_CA_FILE', 'a readable PEM file', () =>
      readFileSync(env.REDIS_TLS_CA_FILE as string, 'utf8'),
    );
    if (ca !== undefined) standalone.tls = { ...standalone.tls, ca };
  }
  const { mode: _mode, host: _host, port: _port, db, ...auth } = standalone;

  if (env.REDIS_SENTINELS !== undefined) {
    if (env.REDIS_SENTINEL_NAME === undefined) {
      problems.push({
        variable: 'REDIS_SENTINEL_NAME',
        accepts: 'required when REDIS_SENTINELS is set',
      });
      return undefined;
    }
    const sentinels = attempt(
      problems,
      'REDIS_SENTINELS',
      'a comma-separated list of host:port',
      () => parseNodeList(env.REDIS_SENTINELS as string),
    );
    return sentinels && { mode: 'sentinel', sentinels, name: env.REDIS_SENTINEL_NAME, db, ...auth };
  }
  if (env.REDIS_CLUSTER_NODES !== undefined) {
    if (env.REDIS_DB !== undefined && env.REDIS_DB !== 0) {
      problems.push({
        variable: 'REDIS_DB',
        accepts: '0 or unset when REDIS_CLUSTER_NODES is set (a Cluster has only database 0)',
      });
      return undefined;
    }
    const nodes = attempt(
      problems,
      'REDIS_CLUSTER_NODES',
      'a comma-separated list of host:port',
      () => parseNodeList(env.REDIS_CLUSTER_NODES as string),
    );
    return nodes && { mode: 'cluster', nodes, ...auth };
  }
  return standalone;
}

function attempt<T>(
  problems: ConfigProblem[],
  variable: string,
  accepts: string,
  fn: () => T,
): T | undefined {
  try {
    return fn();
  } catch {
    problems.push({ variable, accepts });
    return undefined;
  }
}
