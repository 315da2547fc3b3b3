import { InvalidConfigError } from './invalid-config.error.js';
import { loadAppConfig } from './load-app-config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadAppConfig(env);
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.problems.map((p) => p.variable);
    throw error;
  }
  return [];
}

function messageOf(env: Record<string, string>): string {
  try {
    loadAppConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

describe('loadAppConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadAppConfig({});
    expect(config.port).toBe(3000);
    // No REDIS_* connection variable: memory-only.
    expect(config.redis.connection).toBeUndefined();
    expect(config.redis.commandTimeoutMs).toBe(300);
    expect(config.cache).toMatchObject({
      enabled: true,
      keyPrefix: 'nest-redis-cache:dev',
      defaultTtlSeconds: 300,
    });
    expect(config.cache.adminToken).toBeUndefined();
  });

  it('connects to Redis as soon as any variable says where it is', () => {
    const local = { mode: 'standalone', host: '127.0.0.1', port: 6379, db: 0 };
    expect(loadAppConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redis.connection).toEqual(local);
    expect(loadAppConfig({ REDIS_HOST: 'cache' }).redis.connection).toEqual({
      ...local,
      host: 'cache',
    });
    expect(loadAppConfig({ REDIS_PORT: '6380' }).redis.connection).toEqual({
      ...local,
      port: 6380,
    });
    // A password alone means the default location, with that password.
    expect(loadAppConfig({ REDIS_PASSWORD: 'secret-pw' }).redis.connection).toEqual({
      ...local,
      password: 'secret-pw',
    });
  });

  it('refuses REDIS_REQUIRED=true without a Redis, naming the variable', () => {
    expect(problemsOf({ REDIS_REQUIRED: 'true' })).toEqual(['REDIS_REQUIRED']);
    expect(problemsOf({ REDIS_REQUIRED: 'true', REDIS_URL: 'redis://cache:6379' })).toEqual([]);
  });

  it('builds the key prefix from the app name and NODE_ENV', () => {
    expect(loadAppConfig({ APP_NAME: 'shop', NODE_ENV: 'production' }).cache.keyPrefix).toBe(
      'shop:prod',
    );
    expect(loadAppConfig({ CACHE_KEY_PREFIX: 'custom:ns' }).cache.keyPrefix).toBe('custom:ns');
  });

  it('reads user, password, db and TLS from REDIS_URL', () => {
    const config = loadAppConfig({ REDIS_URL: 'rediss://app:s%40cret@cache.internal:6380/2' });
    expect(config.redis.connection).toEqual({
      mode: 'standalone',
      host: 'cache.internal',
      port: 6380,
      db: 2,
      username: 'app',
      password: 's@cret',
      tls: {},
    });
  });

  it('lets REDIS_HOST, REDIS_PORT, REDIS_USERNAME, REDIS_PASSWORD, REDIS_DB and REDIS_TLS override the URL', () => {
    const config = loadAppConfig({
      REDIS_URL: 'redis://ignored:1234/1',
      REDIS_HOST: 'redis.local',
      REDIS_PORT: '7000',
      REDIS_USERNAME: 'u',
      REDIS_PASSWORD: 'p',
      REDIS_DB: '3',
      REDIS_TLS: 'true',
    });
    expect(config.redis.connection).toEqual({
      mode: 'standalone',
      host: 'redis.local',
      port: 7000,
      db: 3,
      username: 'u',
      password: 'p',
      tls: {},
    });
  });

  it('builds Sentinel and Cluster connections', () => {
    expect(
      loadAppConfig({
        REDIS_SENTINELS: 'a:26379, b:26380',
        REDIS_SENTINEL_NAME: 'main',
        REDIS_PASSWORD: 'p',
      }).redis.connection,
    ).toEqual({
      mode: 'sentinel',
      sentinels: [
        { host: 'a', port: 26379 },
        { host: 'b', port: 26380 },
      ],
      name: 'main',
      db: 0,
      password: 'p',
    });
    expect(loadAppConfig({ REDIS_CLUSTER_NODES: 'n1:7000,n2:7001' }).redis.connection).toEqual({
      mode: 'cluster',
      nodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 7001 },
      ],
    });
  });

  it.each([
    ['PORT', 'http'],
    ['PORT', '70000'],
    ['REDIS_URL', 'http://localhost:6379'],
    ['REDIS_HOST', 'a b'],
    ['REDIS_PORT', '0'],
    ['REDIS_DB', '-1'],
    ['REDIS_DB', '99'],
    ['REDIS_TLS', 'maybe'],
    ['REDIS_TLS_CA_FILE', '/nonexistent/ca.pem'],
    ['REDIS_SENTINELS', 'no-port-list;'],
    ['REDIS_CLUSTER_NODES', 'host:notaport'],
    ['REDIS_COMMAND_TIMEOUT_MS', '0'],
    ['REDIS_COMMAND_TIMEOUT_MS', '1.5'],
    ['REDIS_REQUIRED', 'sometimes'],
    ['CACHE_ENABLED', 'perhaps'],
    ['CACHE_KEY_PREFIX', 'has*glob'],
    ['CACHE_DEFAULT_TTL_SECONDS', '-5'],
    ['CACHE_ADMIN_TOKEN', 'short'],
    ['QUEUE_REDIS_URL', 'amqp://x'],
    ['SHUTDOWN_GRACE_MS', 'soon'],
    ['DEMO_DB_LATENCY_MS', 'slow'],
    ['HTTP_ADAPTER', 'koa'],
    ['APP_NAME', 'white space'],
  ])('rejects an invalid %s and names it', (variable, value) => {
    expect(problemsOf({ [variable]: value })).toEqual([variable]);
    expect(messageOf({ [variable]: value })).toMatch(new RegExp(`^  ${variable}: .+`, 'm'));
  });

  it('requires REDIS_SENTINEL_NAME with REDIS_SENTINELS', () => {
    expect(problemsOf({ REDIS_SENTINELS: 'a:26379' })).toEqual(['REDIS_SENTINEL_NAME']);
  });

  it('refuses Sentinel and Cluster at once', () => {
    expect(
      problemsOf({ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'm', REDIS_CLUSTER_NODES: 'b:2' }),
    ).toEqual(['REDIS_CLUSTER_NODES']);
  });

  it('reports every invalid variable at once', () => {
    expect(problemsOf({ PORT: 'x', REDIS_PORT: 'y', CACHE_ENABLED: 'z' }).sort()).toEqual([
      'CACHE_ENABLED',
      'PORT',
      'REDIS_PORT',
    ]);
  });

  it('never prints a password, even in a malformed URL', () => {
    const message = messageOf({
      REDIS_URL: 'redis://user:hunter2-secret@:bad port',
      REDIS_PORT: 'x',
    });
    expect(message).toContain('REDIS_URL');
    expect(message).not.toContain('hunter2');
    expect(messageOf({ REDIS_PASSWORD: 'topsecret', PORT: 'nope' })).not.toContain('topsecret');
  });

  it('treats empty variables as unset', () => {
    expect(loadAppConfig({ PORT: '', REDIS_PASSWORD: '' }).port).toBe(3000);
  });
});
