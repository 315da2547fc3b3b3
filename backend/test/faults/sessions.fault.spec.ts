import { RedisServer } from '../support/redis-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

describe('session routes while Redis is down', () => {
  let server: RedisServer;
  let app: TestApp;

  beforeAll(async () => {
    server = await RedisServer.start();
    app = await createTestApp().withRedis(server).start();
    await waitFor(() => app.redis.isAvailable, { what: 'Redis ready' });
  });

  afterAll(async () => {
    await app.close();
    await server.stop();
  });

  async function timed(path: string, init?: RequestInit) {
    const startedAt = performance.now();
    const response = await app.request(path, init);
    const body = await response.text();
    return { status: response.status, body, ms: performance.now() - startedAt, response };
  }

  const loginInit: RequestInit = {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: 'alice-token' }),
  };

  async function aliceSessionKeys(): Promise<string[]> {
    const out = await server.cli(
      '--scan',
      '--pattern',
      `${app.redis.namespace.prefix}:session:alice:*`,
    );
    return out === '' ? [] : out.split('\n');
  }

  it('answers 503 within 300 ms, never a new session, when Redis is hung and when it is killed', async () => {
    const { session } = JSON.parse((await timed('/sessions', loginInit)).body) as {
      session: string;
    };
    const headers = { 'x-session': session };
    expect((await timed('/sessions/current', { headers })).status).toBe(200);

    // Hung (SIGSTOP): every call waits for a timeout until the breaker opens.
    server.pause();
    const hung = [];
    for (let i = 0; i < 8; i += 1) hung.push(await timed('/sessions/current', { headers }));
    const hungLogin = await timed('/sessions', loginInit);
    server.resume();
    await waitFor(() => app.redis.isAvailable, { what: 'Redis back after the pause' });
    // The login attempted during the hang was refused, not applied late.
    expect(await aliceSessionKeys()).toHaveLength(1);

    // Killed: the connection is gone.
    await server.kill();
    const killed = [];
    for (let i = 0; i < 8; i += 1) killed.push(await timed('/sessions/current', { headers }));
    const killedLogin = await timed('/sessions', loginInit);

    const all = [...hung, hungLogin, ...killed, killedLogin];
    const max = (list: { ms: number }[]) => Math.max(...list.map((r) => r.ms)).toFixed(1);
    process.stdout.write(
      `sessions with Redis hung: ${hung.map((r) => r.status).join(',')} login ${hungLogin.status}, max ${max([...hung, hungLogin])} ms; ` +
        `killed: ${killed.map((r) => r.status).join(',')} login ${killedLogin.status}, max ${max([...killed, killedLogin])} ms\n`,
    );
    expect(all.every((r) => r.status === 503)).toBe(true);
    expect(all.every((r) => r.response.headers.get('retry-after') === '1')).toBe(true);
    expect(all.every((r) => !r.body.includes('"session"'))).toBe(true);
    expect(Math.max(...all.map((r) => r.ms))).toBeLessThan(300);

    // Redis comes back empty: the old session is gone and is not silently recreated.
    await server.restart();
    await waitFor(() => app.redis.isAvailable, { what: 'Redis back after the restart' });
    expect((await timed('/sessions/current', { headers })).status).toBe(401);
    expect(await aliceSessionKeys()).toHaveLength(0);
  }, 30_000);
});
