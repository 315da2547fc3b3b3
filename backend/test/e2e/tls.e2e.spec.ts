import { RedisServer } from '../support/redis-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { makeTestCertificates, type TestCertificates } from '../support/tls-certificates.js';
import { waitFor } from '../support/wait-for.js';

const CONNECT_TIMEOUT_MS = 2_000;

describe('TLS', () => {
  let certs: TestCertificates;
  const servers: RedisServer[] = [];

  beforeAll(async () => {
    certs = await makeTestCertificates();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  async function tlsServer(pair: { certFile: string; keyFile: string }): Promise<RedisServer> {
    const server = await RedisServer.start({
      tls: { ...pair, caFile: certs.caFile },
      skipReadyCheck: pair !== certs.server,
    });
    servers.push(server);
    return server;
  }

  /** Starts the app against `url` and waits for the connection to fail; returns what it reported. */
  async function refusal(
    env: Record<string, string>,
  ): Promise<{ app: TestApp; message: string; ms: number }> {
    const startedAt = Date.now();
    const app = await createTestApp().withEnv(env).start();
    const lastError = await waitFor(() => app.redis.getStats().lastError, {
      timeoutMs: CONNECT_TIMEOUT_MS + 1_000,
      what: 'a reported connection failure',
    });
    return { app, message: lastError?.message ?? '', ms: Date.now() - startedAt };
  }

  it('connects with rediss:// and the CA file, and round-trips values', async () => {
    const server = await tlsServer(certs.server);
    const app = await createTestApp()
      .withEnv({ REDIS_URL: `rediss://127.0.0.1:${server.port}`, REDIS_TLS_CA_FILE: certs.caFile })
      .start();
    try {
      await waitFor(() => app.redis.isAvailable, { what: 'TLS connection' });
      expect(await app.redis.set('secure', { ok: true })).toBe(true);
      expect(await app.redis.get('secure')).toEqual({ ok: true });
      expect(await server.cli('EXISTS', app.redis.namespace.toRedisKey('secure'))).toBe('1');
    } finally {
      await app.close();
    }
  });

  it.each([
    [
      'a self-signed certificate not from the CA',
      'selfSigned',
      'rediss',
      /not signed by a trusted CA|self-signed/i,
    ],
    [
      'a certificate for another server name',
      'wrongName',
      'rediss',
      /does not match the host|altnames/i,
    ],
    ['plaintext to the TLS port', 'server', 'redis', /closed|reset|TLS/i],
  ] as const)(
    'refuses %s, reports it within the connect timeout, and keeps serving',
    async (_label, pair, scheme, pattern) => {
      const server = await tlsServer(certs[pair]);
      const { app, message, ms } = await refusal({
        REDIS_URL: `${scheme}://127.0.0.1:${server.port}`,
        ...(scheme === 'rediss' ? { REDIS_TLS_CA_FILE: certs.caFile } : {}),
      });
      try {
        process.stdout.write(`[tls] ${_label}: reported after ${ms} ms: ${message}\n`);
        expect(message).toMatch(pattern);
        expect(ms).toBeLessThanOrEqual(CONNECT_TIMEOUT_MS + 500);
        expect(app.redis.isAvailable).toBe(false);
        expect(await app.redis.set('k', 1)).toBe(false);
        expect((await app.request('/')).status).toBe(200);
      } finally {
        await app.close();
      }
    },
  );
});
