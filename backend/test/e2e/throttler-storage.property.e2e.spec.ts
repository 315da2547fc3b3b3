import fc from 'fast-check';
import {
  RedisThrottlerStorage,
  type RedisThrottlerStorageRecord,
} from 'nestjs-coherent-cache/throttler';
import { FallbackRateLimiter } from '../../libs/cache/src/patterns/fallback-rate-limiter.js';
import { RedisServer } from '../support/redis-server.js';
import { startRedisService } from '../support/redis-service.fixture.js';
import { sleep } from '../support/wait-for.js';

/** What the guard reads of a decision. */
type Decision = Pick<
  RedisThrottlerStorageRecord,
  'totalHits' | 'isBlocked' | 'timeToExpire' | 'timeToBlockExpire'
>;

/**
 * The reference: a sliding window of `limit` admitted requests in any `windowMs`, written
 * plainly. A refused request is not counted; a refusal while unblocked blocks for `blockMs`, and
 * nothing is admitted until the block ends. Times in seconds are rounded up.
 */
function referenceWindow(limit: number, windowMs: number, blockMs: number) {
  const admitted: number[] = [];
  let blockEndsAt = Number.NEGATIVE_INFINITY;
  return (at: number): Decision => {
    const inWindow = admitted.filter((t) => at - t < windowMs);
    const blocked = at < blockEndsAt;
    const allowed = !blocked && inWindow.length < limit;
    if (allowed) {
      admitted.push(at);
      inWindow.push(at);
    } else if (!blocked && blockMs > 0) {
      blockEndsAt = at + blockMs;
    }
    const slotFreesAt = inWindow.length > 0 ? Math.min(...inWindow) + windowMs : at + windowMs;
    const retryAt = Math.max(
      at < blockEndsAt ? blockEndsAt : at,
      inWindow.length >= limit ? slotFreesAt : at,
    );
    return {
      totalHits: inWindow.length + (allowed ? 0 : 1),
      isBlocked: !allowed,
      timeToExpire: Math.ceil((slotFreesAt - at) / 1000),
      timeToBlockExpire: allowed ? 0 : Math.max(1, Math.ceil((retryAt - at) / 1000)),
    };
  };
}

const decisionOf = (record: RedisThrottlerStorageRecord): Decision => ({
  totalHits: record.totalHits,
  isBlocked: record.isBlocked,
  timeToExpire: record.timeToExpire,
  timeToBlockExpire: record.timeToBlockExpire,
});

/** A limit, its window and block (ms), and the pauses between requests (ms). */
const scenario = fc.record({
  limit: fc.integer({ min: 1, max: 4 }),
  windowMs: fc.integer({ min: 100, max: 400 }),
  blockMs: fc.oneof(fc.constant(0), fc.integer({ min: 50, max: 1_500 })),
  gapsMs: fc.array(fc.integer({ min: 0, max: 150 }), { minLength: 2, maxLength: 12 }),
});

describe('RedisThrottlerStorage decisions against a reference sliding window', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  it('agrees with the reference on totalHits, isBlocked and the times, at the times Redis decided', async () => {
    // Generous bounds: this is about the decisions, and a fallback decision would not be Redis's.
    const { get, close } = await startRedisService(server.url, {
      commandTimeoutMs: 2_000,
      patterns: { rateLimitDecisionTimeoutMs: 2_000 },
    });
    const storage = get(RedisThrottlerStorage);
    let run = 0;
    let requests = 0;
    try {
      await fc.assert(
        fc.asyncProperty(scenario, async ({ limit, windowMs, blockMs, gapsMs }) => {
          run += 1;
          const key = `property-${run}`;
          const records: RedisThrottlerStorageRecord[] = [];
          for (const gapMs of gapsMs) {
            await sleep(gapMs);
            records.push(await storage.increment(key, windowMs, limit, blockMs, 'default'));
          }
          requests += records.length;
          expect(records.every((r) => r.source === 'redis')).toBe(true);
          const reference = referenceWindow(limit, windowMs, blockMs);
          expect(records.map(decisionOf)).toEqual(records.map((r) => reference(r.decidedAtMs)));
          // And, whatever the reference says: no window of windowMs admitted more than limit.
          const admittedAt = records.filter((r) => !r.isBlocked).map((r) => r.decidedAtMs);
          for (const at of admittedAt) {
            expect(
              admittedAt.filter((t) => t >= at && t - at < windowMs).length,
            ).toBeLessThanOrEqual(limit);
          }
        }),
        { numRuns: 25 },
      );
    } finally {
      await close();
    }
    process.stdout.write(`throttler property: 25 scenarios, ${requests} decisions by Redis\n`);
  }, 120_000);

  it('the per-process fallback agrees with the same reference', () => {
    fc.assert(
      fc.property(
        scenario,
        fc.array(fc.integer({ min: 0, max: 150 }), { minLength: 2, maxLength: 40 }),
        ({ limit, windowMs, blockMs }, gapsMs) => {
          const fallback = new FallbackRateLimiter(10);
          const reference = referenceWindow(limit, windowMs, blockMs);
          let at = 1_000_000;
          for (const gapMs of gapsMs) {
            at += gapMs;
            const hit = fallback.hit('k', limit, windowMs, blockMs, at);
            const expected = reference(at);
            expect({ allowed: hit.allowed, totalHits: hit.count + (hit.allowed ? 0 : 1) }).toEqual({
              allowed: !expected.isBlocked,
              totalHits: expected.totalHits,
            });
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
