import { RedisServer } from '../support/redis-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

describe('reference routes of the patterns', () => {
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

  const login = async (token: string) =>
    app.request('/sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });

  it('logs in, reads the session with a sliding expiry, and logs out everywhere', async () => {
    expect((await login('mallory-token')).status).toBe(401);
    const first = await login('alice-token');
    expect(first.status).toBe(201);
    const { session } = (await first.json()) as { session: string };
    const [userId, sessionId] = session.split('.');
    expect(userId).toBe('alice');
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const redisKey = app.redis.namespace.toRedisKey(`session:alice:${sessionId}`);
    expect(await server.cli('EXISTS', redisKey)).toBe('1');

    expect((await app.request('/sessions/current')).status).toBe(401);
    expect(
      (
        await app.request('/sessions/current', {
          headers: { 'x-session': `alice.${'x'.repeat(22)}` },
        })
      ).status,
    ).toBe(401);
    await server.cli('PEXPIRE', redisKey, '5000');
    const current = await app.request('/sessions/current', { headers: { 'x-session': session } });
    expect(current.status).toBe(200);
    expect(await current.json()).toMatchObject({ userId: 'alice', data: { visits: 1 } });
    // Reading slid the expiry back to a day.
    expect(Number(await server.cli('PTTL', redisKey))).toBeGreaterThan(86_000_000);

    const second = (await (await login('alice-token')).json()) as { session: string };
    const bob = (await (await login('bob-token')).json()) as { session: string };
    const all = await app.request('/sessions', {
      method: 'DELETE',
      headers: { 'x-session': second.session },
    });
    expect(await all.json()).toEqual({ deleted: 2 });
    for (const handle of [session, second.session]) {
      expect(
        (await app.request('/sessions/current', { headers: { 'x-session': handle } })).status,
      ).toBe(401);
    }
    const bobNow = await app.request('/sessions/current', {
      headers: { 'x-session': bob.session },
    });
    expect(bobNow.status).toBe(200);
    const out = await app.request('/sessions/current', {
      method: 'DELETE',
      headers: { 'x-session': bob.session },
    });
    expect(out.status).toBe(204);
    expect(
      (await app.request('/sessions/current', { headers: { 'x-session': bob.session } })).status,
    ).toBe(401);
  });

  it('answers 429 with RateLimit-* and Retry-After over the limit', async () => {
    const answers = [];
    for (let i = 0; i < 6; i += 1) answers.push(await app.request('/limited'));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(answers.map((r) => r.headers.get('ratelimit-remaining'))).toEqual([
      '4',
      '3',
      '2',
      '1',
      '0',
      '0',
    ]);
    const refused = answers[5] as Response;
    expect(refused.headers.get('ratelimit-limit')).toBe('5');
    const reset = Number(refused.headers.get('ratelimit-reset'));
    expect(reset).toBeGreaterThan(0);
    expect(reset).toBeLessThanOrEqual(10);
    expect(Number(refused.headers.get('retry-after'))).toBe(reset);
  });

  it('sets the same rate-limit headers on Fastify', async () => {
    const fastify = await createTestApp().withRedis(server).withAdapter('fastify').start();
    try {
      await waitFor(() => fastify.redis.isAvailable, { what: 'Redis ready' });
      const answers = [];
      for (let i = 0; i < 6; i += 1) answers.push(await fastify.request('/limited/strict'));
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429]);
      const refused = answers[5] as Response;
      expect(refused.headers.get('ratelimit-limit')).toBe('5');
      expect(refused.headers.get('ratelimit-remaining')).toBe('0');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await fastify.close();
    }
  });

  it('publishes events and counts what this process received', async () => {
    const published = await app.request('/events/news', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ headline: 'hello' }),
    });
    expect(published.status).toBe(202);
    expect(await published.json()).toEqual({ receivers: 1 });
    await waitFor(
      async () =>
        ((await (await app.request('/events/news')).json()) as { received: number }).received === 1,
      { what: 'event received' },
    );
    const stats = (await (await app.request('/events')).json()) as { channels: string[] };
    expect(stats.channels).toContain('news');
    expect((await app.request('/events/Not_Valid', { method: 'POST' })).status).toBe(400);
  });
});
