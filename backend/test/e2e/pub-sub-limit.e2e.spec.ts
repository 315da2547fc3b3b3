import type { LoggerService } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  CacheError,
  CacheModule,
  PubSubLimitError,
  PubSubService,
  RedisService,
  defineChannel,
} from 'nestjs-coherent-cache';
import { productConnection } from '../support/product-user.js';
import { RedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait-for.js';

const MAX_CHANNELS = 3;

/** Keeps the warnings of the module. */
class WarningLog implements LoggerService {
  readonly warnings: string[] = [];
  log(): void {}
  error(): void {}
  warn(message: unknown): void {
    this.warnings.push(String(message));
  }
}

describe('PubSubService cap on distinct channels (patterns.pubSubMaxChannels)', () => {
  let server: RedisServer;
  let moduleRef: TestingModule;
  let pubsub: PubSubService;
  let redis: RedisService;
  const log = new WarningLog();

  beforeAll(async () => {
    server = await RedisServer.start();
    const keyPrefix = `t${Math.random().toString(36).slice(2, 8)}`;
    moduleRef = await Test.createTestingModule({
      imports: [
        CacheModule.forRoot({
          connection: await productConnection(server.url, keyPrefix),
          keyPrefix,
          patterns: { pubSubMaxChannels: MAX_CHANNELS },
        }),
      ],
    }).compile();
    moduleRef.useLogger(log);
    await moduleRef.init();
    redis = moduleRef.get(RedisService);
    pubsub = moduleRef.get(PubSubService);
    await waitFor(() => redis.isAvailable, { what: 'Redis ready' });
  });

  afterAll(async () => {
    await moduleRef?.close();
    await server.stop();
  });

  const redisChannels = async () =>
    (await server.cli('PUBSUB', 'CHANNELS', `${redis.namespace.toRedisKey('channel:')}*`))
      .split('\n')
      .filter(Boolean)
      .sort();

  it('refuses a channel past the cap with PubSubLimitError, logged once; unsubscribing frees a slot', async () => {
    const handler = () => undefined;
    const unsubscribes = await Promise.all(
      ['a', 'b', 'c'].map((name) => pubsub.subscribe(defineChannel<unknown>(name), handler)),
    );
    // A second handler on a channel already subscribed takes no slot.
    const second = await pubsub.subscribe(defineChannel<unknown>('a'), () => undefined);

    const refusals: unknown[] = [];
    for (let i = 0; i < 50; i += 1) {
      await pubsub.subscribe(defineChannel<{ secret: string }>(`over-${i}`), handler).then(
        () => refusals.push('subscribed'),
        (error: unknown) => refusals.push(error),
      );
    }
    const refused = refusals[0];
    expect(refused).toBeInstanceOf(PubSubLimitError);
    expect(refused).toBeInstanceOf(CacheError);
    expect(refusals.every((r) => r instanceof PubSubLimitError)).toBe(true);
    const error = refused as PubSubLimitError;
    expect(error.code).toBe('PUBSUB_LIMIT');
    expect(error.maxChannels).toBe(MAX_CHANNELS);
    expect(error.message).toContain(String(MAX_CHANNELS));
    expect(error.message).toContain('pubSubMaxChannels');

    const warnings = log.warnings.filter((w) => w.includes('pubSubMaxChannels'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(String(MAX_CHANNELS));
    expect(warnings[0]).not.toContain('over-');
    expect(pubsub.getStats()).toMatchObject({
      channels: ['a', 'b', 'c'],
      maxChannels: MAX_CHANNELS,
      refusedSubscriptions: 50,
    });
    expect(await redisChannels()).toEqual(
      ['a', 'b', 'c'].map((n) => redis.namespace.toRedisKey(`channel:${n}`)).sort(),
    );
    process.stdout.write(
      `[pub/sub cap ${MAX_CHANNELS}] 50 more channels refused; log: ${JSON.stringify(warnings)}\n`,
    );

    // Removing one of two handlers keeps the channel; removing the last frees its slot.
    await second();
    await expect(pubsub.subscribe(defineChannel<unknown>('d'), handler)).rejects.toBeInstanceOf(
      PubSubLimitError,
    );
    await unsubscribes[0]?.();
    const received: unknown[] = [];
    await pubsub.subscribe(defineChannel<unknown>('d'), (payload) => {
      received.push(payload);
    });
    expect(await pubsub.publish(defineChannel<unknown>('d'), { n: 1 })).toBe(1);
    await waitFor(() => received.length === 1, { what: 'a message on the freed slot' });
    expect(await redisChannels()).toEqual(
      ['b', 'c', 'd'].map((n) => redis.namespace.toRedisKey(`channel:${n}`)).sort(),
    );
  });
});
