import { Redis } from 'ioredis';
import type { RedisService } from 'nestjs-coherent-cache';
import { percentile, runCallers } from '../support/load-callers.js';
import { RedisServer } from '../support/redis-server.js';
import { startRedisService } from '../support/redis-service.fixture.js';
import { sleep, waitFor } from '../support/wait-for.js';

const COMMAND_TIMEOUT_MS = 300;
const CALLERS = 100;
const OUTAGE_MS = 10_000;

/**
 * 100 callers run get/set in a loop while Redis is killed for 10 s, then paused (SIGSTOP) for
 * 10 s. Each write uses a unique key, so a write that was dropped can be looked for afterwards.
 */
describe('RedisService through a killed and a hung Redis', () => {
  let server: RedisServer;
  let redis: RedisService;
  let close: () => Promise<void>;
  let inspector: Redis;

  beforeAll(async () => {
    server = await RedisServer.start();
    ({ redis, close } = await startRedisService(server.url, {
      commandTimeoutMs: COMMAND_TIMEOUT_MS,
    }));
    inspector = new Redis({ port: server.port, lazyConnect: true, commandTimeout: 5_000 });
  });

  afterAll(async () => {
    inspector.disconnect();
    await close();
    await server.stop();
  });

  async function outage(
    name: string,
    breakRedis: () => Promise<void>,
    repairRedis: () => Promise<void>,
  ): Promise<void> {
    const callers = runCallers(CALLERS, async (caller, sequence, record) => {
      const key = `${name}:${caller}:${sequence}`;
      let startedAtMs = performance.now();
      const stored = await redis.set(key, { caller, sequence }, 600);
      record({
        op: 'set',
        key,
        startedAtMs,
        durationMs: performance.now() - startedAtMs,
        ok: stored,
      });
      startedAtMs = performance.now();
      const value = await redis.get(key);
      record({
        op: 'get',
        key,
        startedAtMs,
        durationMs: performance.now() - startedAtMs,
        ok: value !== null,
      });
    });
    await sleep(1_000);
    await breakRedis();
    // The outage starts when Redis is gone (a SIGKILL takes a moment to take effect): writes
    // started before then may legitimately be stored.
    const brokeAtMs = performance.now();
    await sleep(OUTAGE_MS);
    await repairRedis();
    const repairedAtMs = performance.now();
    // Recovery: the first write started after the repair that was stored.
    await waitFor(() => redis.isAvailable, { timeoutMs: 10_000, what: 'recovery' });
    await sleep(1_500);
    const { records, exceptions } = await callers.stop();

    const firstSuccess = records.find(
      (r) => r.op === 'set' && r.ok && r.startedAtMs >= repairedAtMs,
    );
    const recoveryMs = firstSuccess
      ? firstSuccess.startedAtMs + firstSuccess.durationMs - repairedAtMs
      : Infinity;
    const durations = records.map((r) => r.durationMs);
    const maxMs = durations.reduce((a, b) => Math.max(a, b), 0);
    const during = records.filter(
      (r) => r.startedAtMs >= brokeAtMs && r.startedAtMs < repairedAtMs,
    );
    // The writes issued while Redis was away: each must be reported dropped and never land.
    const droppedWrites = during.filter((r) => r.op === 'set' && !r.ok);
    const storedDuringOutage = during.filter((r) => r.op === 'set' && r.ok);

    await inspector.connect().catch(() => undefined);
    await waitFor(async () => (await inspector.ping()) === 'PONG', { what: 'inspector' });
    // Give any late write every chance to land before looking for it.
    await sleep(500);
    const pipeline = inspector.pipeline();
    for (const r of droppedWrites) pipeline.exists(redis.namespace.toRedisKey(r.key));
    const replies = (await pipeline.exec()) ?? [];
    const found = replies.filter(([, n]) => n === 1).length;
    inspector.disconnect();

    process.stdout.write(
      `[${name}] calls=${records.length} during-outage=${during.length} exceptions=${exceptions.length} ` +
        `max=${maxMs.toFixed(1)}ms p99=${percentile(durations, 99).toFixed(1)}ms ` +
        `recovery=${recoveryMs.toFixed(0)}ms dropped-writes=${droppedWrites.length} ` +
        `dropped-writes-found-later=${found} stats=${JSON.stringify(redis.getStats())}\n`,
    );

    expect(exceptions).toEqual([]);
    expect(during.length).toBeGreaterThan(CALLERS);
    expect(maxMs).toBeLessThanOrEqual(COMMAND_TIMEOUT_MS + 50);
    expect(recoveryMs).toBeLessThanOrEqual(3_000);
    expect(storedDuringOutage).toEqual([]);
    expect(droppedWrites.length).toBeGreaterThan(0);
    expect(found).toBe(0);
  }

  it('killed for 10 s: no exception, every call bounded, back within 3 s, no dropped write lands', async () => {
    await outage(
      'kill',
      () => server.kill(),
      () => server.restart(),
    );
  }, 60_000);

  it('paused (SIGSTOP) for 10 s: no exception, every call bounded, back within 3 s, no dropped write lands', async () => {
    await outage(
      'pause',
      () => Promise.resolve(server.pause()),
      () => Promise.resolve(server.resume()),
    );
  }, 60_000);
});
