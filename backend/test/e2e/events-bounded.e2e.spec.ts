import type { HttpAdapterName } from '../../src/config/index.js';
import { RedisServer } from '../support/redis-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

/** The channels the reference backend's `/events` routes accept. */
const ALLOWED = ['news', 'orders', 'alerts', 'chat', 'deployments'];
const NAMES = 3_000;
const CONCURRENCY = 50;

/** `NAMES` distinct valid channel names, the allowed ones among them. */
function channelNames(): string[] {
  const names = Array.from({ length: NAMES - ALLOWED.length }, (_, i) => `flood-${i}`);
  names.splice(1_000, 0, ...ALLOWED);
  return names;
}

/** POSTs to every name, `CONCURRENCY` at a time; the status of each, by name. */
async function postAll(app: TestApp, names: string[]): Promise<Map<string, number>> {
  const statuses = new Map<string, number>();
  let next = 0;
  const caller = async () => {
    while (next < names.length) {
      const name = names[next++] as string;
      const response = await app.request(`/events/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ n: 1 }),
      });
      await response.arrayBuffer();
      statuses.set(name, response.status);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, caller));
  return statuses;
}

describe.each<HttpAdapterName>(['express', 'fastify'])(
  'POST /events/:channel with anonymous channel names (%s)',
  (adapter) => {
    let server: RedisServer;
    let app: TestApp;

    beforeAll(async () => {
      server = await RedisServer.start();
      app = await createTestApp().withRedis(server).withAdapter(adapter).start();
      await waitFor(() => app.redis.isAvailable, { what: 'Redis ready' });
    });

    afterAll(async () => {
      await app.close();
      await server.stop();
    });

    it(`refuses ${NAMES} distinct names but the allowed ones; subscriptions stay bounded`, async () => {
      const statuses = await postAll(app, channelNames());
      const byStatus: Record<number, number> = {};
      for (const status of statuses.values()) byStatus[status] = (byStatus[status] ?? 0) + 1;

      const stats = (await (await app.request('/events')).json()) as { channels: string[] };
      const pattern = `${app.redis.namespace.toRedisKey('channel:')}*`;
      const redisChannels = (await server.cli('PUBSUB', 'CHANNELS', pattern))
        .split('\n')
        .filter(Boolean);
      const clients = await server.cli('CLIENT', 'LIST', 'TYPE', 'pubsub');
      // The subscriber's connection (the memory tier's invalidation link subscribes too).
      const subscriber = clients
        .split('\n')
        .filter((line) => / name=\S*:subscriber /.test(line))
        .join('\n');
      const subscriptions = [...subscriber.matchAll(/ sub=(\d+)/g)].reduce(
        (n, [, count]) => n + Number(count),
        0,
      );
      process.stdout.write(
        `[events ${adapter}] ${NAMES} POST /events/<distinct>: ${JSON.stringify(byStatus)}; ` +
          `channels subscribed: service ${stats.channels.length}, Redis ${redisChannels.length}, ` +
          `subscriber connections' sub= ${subscriptions}\n`,
      );
      for (const name of ALLOWED) expect(statuses.get(name)).toBe(202);
      expect(byStatus).toEqual({ 202: ALLOWED.length, 404: NAMES - ALLOWED.length });
      expect(stats.channels.sort()).toEqual([...ALLOWED].sort());
      expect(redisChannels).toHaveLength(ALLOWED.length);
      expect(subscriptions).toBe(ALLOWED.length);
    }, 60_000);

    it('answers 404 with a message that names the allowed channels, and 400 for a bad name', async () => {
      const unknown = await app.request('/events/not-a-channel', { method: 'POST' });
      expect(unknown.status).toBe(404);
      const { message } = (await unknown.json()) as { message: string };
      expect(message).toContain('unknown channel');
      for (const name of ALLOWED) expect(message).toContain(name);
      expect((await app.request('/events/not-a-channel')).status).toBe(404);
      expect((await app.request('/events/Not_Valid', { method: 'POST' })).status).toBe(400);
      expect((await app.request('/events/news')).status).toBe(200);
    });
  },
);
