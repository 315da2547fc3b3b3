import { PubSubService, defineChannel } from 'nestjs-coherent-cache';
import { RedisServer } from '../support/redis-server.js';
import { startRedisService } from '../support/redis-service.fixture.js';
import { sleep, waitFor } from '../support/wait-for.js';

interface Tick {
  n: number;
}

const ticks = defineChannel<Tick>('ticks');

describe('pub/sub subscriber under connection kills and a Redis restart', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  /** Publishes every 50 ms until a message arrives; returns ms from `since`. */
  async function flowsAgain(
    pubsub: PubSubService,
    received: Tick[],
    since: number,
    timeoutMs = 10_000,
  ): Promise<number> {
    const before = received.length;
    let n = 0;
    while (received.length === before) {
      if (performance.now() - since > timeoutMs) throw new Error('messages did not flow again');
      await pubsub.publish(ticks, { n: n++ }).catch(() => 0);
      await sleep(50);
    }
    return performance.now() - since;
  }

  it('resubscribes after CLIENT KILL TYPE pubsub and after a restart; flows within 2 s', async () => {
    const { redis, get, close } = await startRedisService(server.url);
    const pubsub = get(PubSubService);
    const received: Tick[] = [];
    try {
      await pubsub.subscribe(ticks, (tick) => {
        received.push(tick);
      });
      expect(await pubsub.publish(ticks, { n: -1 })).toBe(1);
      await waitFor(() => received.length === 1, { what: 'first message' });
      expect(received[0]).toEqual({ n: -1 });
      const redisChannel = redis.namespace.toRedisKey('channel:ticks');

      // 1. The subscriber connection is killed by the server.
      const killedAt = performance.now();
      // Every pub/sub connection: the subscriber, and the memory tier's invalidation link.
      expect(Number(await server.cli('CLIENT', 'KILL', 'TYPE', 'pubsub'))).toBeGreaterThanOrEqual(
        1,
      );
      const afterKillMs = await flowsAgain(pubsub, received, killedAt);
      expect(await server.cli('PUBSUB', 'CHANNELS', `${redis.namespace.prefix}:channel:*`)).toBe(
        redisChannel,
      );

      // 2. Redis itself dies and comes back empty (subscriptions are per connection).
      await server.kill();
      await sleep(500);
      await server.restart();
      const backAt = performance.now();
      const afterRestartMs = await flowsAgain(pubsub, received, backAt);
      const stats = pubsub.getStats();
      process.stdout.write(
        `pub/sub: flowing again ${afterKillMs.toFixed(0)} ms after CLIENT KILL TYPE pubsub, ${afterRestartMs.toFixed(0)} ms after Redis was back; received ${stats.received}, reconnect gaps ${stats.reconnectGaps} (last ${stats.lastGapMs} ms)\n`,
      );
      expect(afterKillMs).toBeLessThan(2_000);
      expect(afterRestartMs).toBeLessThan(2_000);
      expect(stats.reconnectGaps).toBe(2);
      expect(stats.received).toBe(received.length);
      expect(stats.connected).toBe(true);
    } finally {
      await close();
    }
  }, 30_000);

  it('a subscription made while Redis is down starts when it is back', async () => {
    const { get, close } = await startRedisService(server.url);
    const pubsub = get(PubSubService);
    const received: Tick[] = [];
    try {
      await server.kill();
      const startedAt = performance.now();
      await pubsub.subscribe(ticks, (tick) => {
        received.push(tick);
      });
      // Bounded by the command timeout even though Redis is away.
      expect(performance.now() - startedAt).toBeLessThan(1_000);
      await server.restart();
      const backAt = performance.now();
      expect(await flowsAgain(pubsub, received, backAt)).toBeLessThan(2_000);
    } finally {
      if (!server.running) await server.restart();
      await close();
    }
  }, 30_000);

  it('an unsubscribe made while Redis is down holds when it is back: the slot is free there too', async () => {
    const { redis, get, close } = await startRedisService(server.url);
    const pubsub = get(PubSubService);
    const received: Tick[] = [];
    try {
      await pubsub.subscribe(ticks, (tick) => {
        received.push(tick);
      });
      const unsubscribe = await pubsub.subscribe(defineChannel<Tick>('left'), () => undefined);
      await server.kill();
      await unsubscribe();
      await server.restart();
      await flowsAgain(pubsub, received, performance.now());
      // The service's channels (the memory tier's invalidation channels are not its own).
      const channels = (
        await server.cli('PUBSUB', 'CHANNELS', `${redis.namespace.prefix}:channel:*`)
      )
        .split('\n')
        .filter(Boolean);
      expect(channels).toEqual([redis.namespace.toRedisKey('channel:ticks')]);
      expect(pubsub.getStats().channels).toEqual(['ticks']);
    } finally {
      if (!server.running) await server.restart();
      await close();
    }
  }, 30_000);

  it('closes the subscriber connection at shutdown, and drops non-JSON messages', async () => {
    const { redis, get, close } = await startRedisService(server.url);
    const pubsub = get(PubSubService);
    const received: unknown[] = [];
    await pubsub.subscribe(ticks, (tick) => {
      received.push(tick);
    });
    await server.cli('PUBLISH', redis.namespace.toRedisKey('channel:ticks'), 'not json');
    await waitFor(() => pubsub.getStats().decodeErrors === 1, { what: 'decode error' });
    expect(received).toEqual([]);
    expect(await server.cli('CLIENT', 'LIST', 'TYPE', 'pubsub')).not.toBe('');
    await close();
    await waitFor(async () => (await server.cli('CLIENT', 'LIST', 'TYPE', 'pubsub')) === '', {
      what: 'subscriber closed',
    });
  });
});
