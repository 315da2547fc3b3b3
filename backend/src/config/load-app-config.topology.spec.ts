import { loadAppConfig } from './load-app-config.js';
import { InvalidConfigError } from './invalid-config.error.js';

function problemsOf(env: Record<string, string>): { variable: string; accepts: string }[] {
  try {
    loadAppConfig(env);
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('loadAppConfig: Sentinel and Cluster', () => {
  it('builds a Sentinel connection from REDIS_SENTINELS and REDIS_SENTINEL_NAME', () => {
    const config = loadAppConfig({
      REDIS_SENTINELS: '10.0.0.1:26379, 10.0.0.2:26380,sentinel-3:26381',
      REDIS_SENTINEL_NAME: 'cache-master',
      REDIS_URL: 'redis://app:s3cret@ignored-host:6379/2',
    });
    expect(config.redis.connection).toEqual({
      mode: 'sentinel',
      name: 'cache-master',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26380 },
        { host: 'sentinel-3', port: 26381 },
      ],
      db: 2,
      username: 'app',
      password: 's3cret',
    });
  });

  it('carries TLS to the Sentinel connection', () => {
    const config = loadAppConfig({
      REDIS_SENTINELS: '10.0.0.1:26379',
      REDIS_SENTINEL_NAME: 'm',
      REDIS_TLS: 'true',
    });
    expect(config.redis.connection).toMatchObject({ mode: 'sentinel', tls: {} });
  });

  it('requires REDIS_SENTINEL_NAME with REDIS_SENTINELS', () => {
    expect(problemsOf({ REDIS_SENTINELS: '10.0.0.1:26379' })).toEqual([
      { variable: 'REDIS_SENTINEL_NAME', accepts: 'required when REDIS_SENTINELS is set' },
    ]);
  });

  it('builds a Cluster connection from REDIS_CLUSTER_NODES, with the URL credentials', () => {
    const config = loadAppConfig({
      REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2:7001,[::1]:7002',
      REDIS_PASSWORD: 'pw',
    });
    expect(config.redis.connection).toEqual({
      mode: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      password: 'pw',
    });
  });

  it('refuses Sentinel and Cluster together, and a database other than 0 in a Cluster', () => {
    expect(
      problemsOf({ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'm', REDIS_CLUSTER_NODES: 'b:2' }),
    ).toEqual([expect.objectContaining({ variable: 'REDIS_CLUSTER_NODES' })]);
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'b:2', REDIS_DB: '3' })).toEqual([
      expect.objectContaining({ variable: 'REDIS_DB' }),
    ]);
    expect(
      loadAppConfig({ REDIS_CLUSTER_NODES: 'b:2', REDIS_DB: '0' }).redis.connection?.mode,
    ).toBe('cluster');
  });

  it('names a malformed node list without echoing it', () => {
    for (const variable of ['REDIS_SENTINELS', 'REDIS_CLUSTER_NODES']) {
      const problems = problemsOf({
        [variable]: 'host-without-port,secret-looking-value',
        REDIS_SENTINEL_NAME: 'm',
      });
      expect(problems).toEqual([{ variable, accepts: 'a comma-separated list of host:port' }]);
      expect(JSON.stringify(problems)).not.toContain('secret-looking-value');
    }
  });
});
