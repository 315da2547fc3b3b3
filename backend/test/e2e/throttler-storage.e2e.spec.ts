import { join } from 'node:path';
import { ChildWorker, removeTranspiled, transpileForChildren } from '../support/child-process.js';
import { productEnv } from '../support/product-user.js';
import { RedisServer } from '../support/redis-server.js';
import { sleep, waitFor } from '../support/wait-for.js';

/** The header the apps read a request's client (the throttler's tracker) from. */
const CLIENT_HEADER = 'x-client';

/** One app process (`support/throttler-app.child.ts`): its HTTP address and its IPC channel. */
interface ThrottledApp {
  worker: ChildWorker;
  baseUrl: string;
}

/** What the child answers to `increment`: the storage's record, or the error it threw. */
interface IncrementReply {
  record?: { totalHits: number; isBlocked: boolean; source: 'redis' | 'fallback' };
  error?: string;
  ms: number;
}

async function startThrottledApp(
  script: string,
  server: RedisServer,
  keyPrefix: string,
): Promise<ThrottledApp> {
  const env = await productEnv({ REDIS_URL: server.url, CACHE_KEY_PREFIX: keyPrefix });
  const worker = await ChildWorker.start(script, env);
  const { port } = await worker.request<{ port: number }>({ type: 'ready' });
  return { worker, baseUrl: `http://127.0.0.1:${port}` };
}

function increment(app: ThrottledApp, body: Record<string, unknown>): Promise<IncrementReply> {
  return app.worker.request<IncrementReply>({ type: 'increment', ...body });
}

interface Answer {
  status: number;
  retryAfter: string | null;
  remaining: string | null;
  ms: number;
}

async function send(app: ThrottledApp, path: string, client: string): Promise<Answer> {
  const startedAt = performance.now();
  const response = await fetch(`${app.baseUrl}${path}`, { headers: { [CLIENT_HEADER]: client } });
  await response.arrayBuffer();
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    remaining: response.headers.get('x-ratelimit-remaining'),
    ms: performance.now() - startedAt,
  };
}

async function sendMany(
  app: ThrottledApp,
  path: string,
  client: string,
  count: number,
): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < count; i += 1) answers.push(await send(app, path, client));
  return answers;
}

const statuses = (answers: Answer[]) => answers.map((a) => a.status);

describe('RedisThrottlerStorage behind ThrottlerGuard, against a real redis-server', () => {
  let server: RedisServer;
  let first: ThrottledApp;
  let second: ThrottledApp;
  let clients = 0;
  /** A client no earlier request counted against. */
  const freshClient = () => `client-${(clients += 1)}`;

  let outDir: string;
  const keyPrefix = `th${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    server = await RedisServer.start();
    outDir = await transpileForChildren();
    const script = join(outDir, 'test', 'support', 'throttler-app.child.js');
    [first, second] = await Promise.all([
      startThrottledApp(script, server, keyPrefix),
      startThrottledApp(script, server, keyPrefix),
    ]);
  }, 60_000);

  afterAll(async () => {
    await first?.worker.stop();
    await second?.worker.stop();
    await server?.stop();
    if (outDir) await removeTranspiled(outDir);
  });

  it('admits 5 requests, then answers 429 with Retry-After', async () => {
    const answers = await sendMany(first, '/throttled', freshClient(), 7);
    expect(statuses(answers)).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(answers.slice(0, 5).map((a) => a.remaining)).toEqual(['4', '3', '2', '1', '0']);
    expect(answers[5]?.retryAfter).toBe('1');
    expect(answers[6]?.retryAfter).toBe('1');
  });

  it('shares the limit between two app instances on one Redis: 5 in all, not 10', async () => {
    const client = freshClient();
    const answers: Answer[] = [];
    for (let i = 0; i < 5; i += 1) {
      answers.push(await send(first, '/throttled', client));
      answers.push(await send(second, '/throttled', client));
    }
    process.stdout.write(
      `throttler, two apps on one Redis: ${answers.filter((a) => a.status === 200).length} of 10 admitted\n`,
    );
    expect(statuses(answers)).toEqual([200, 200, 200, 200, 200, 429, 429, 429, 429, 429]);
  });

  it('admits exactly 5 of 20 requests sent at once through both apps', async () => {
    const client = freshClient();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        send(i % 2 === 0 ? first : second, '/throttled', client),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(15);
  });

  it('admits again once the window (and the block, 1 s by default) has passed', async () => {
    const client = freshClient();
    expect(statuses(await sendMany(first, '/throttled', client, 6))).toEqual([
      200, 200, 200, 200, 200, 429,
    ]);
    await sleep(1_100);
    expect(statuses(await sendMany(second, '/throttled', client, 6))).toEqual([
      200, 200, 200, 200, 200, 429,
    ]);
  });

  it('keeps answering 429 for the whole blockDuration, past the window, then admits', async () => {
    const client = freshClient();
    const blockedAt = Date.now();
    expect(statuses(await sendMany(first, '/blocking', client, 3))).toEqual([200, 200, 429]);
    // The 500 ms window frees long before the 2 s block ends: every request in between is
    // refused (and not counted), from either app.
    const during: Answer[] = [];
    while (Date.now() - blockedAt < 1_700) {
      during.push(await send(during.length % 2 === 0 ? first : second, '/blocking', client));
      await sleep(150);
    }
    expect(during.length).toBeGreaterThan(5);
    expect(during.every((a) => a.status === 429)).toBe(true);
    expect(Number(during[during.length - 1]?.retryAfter)).toBeGreaterThanOrEqual(1);
    await sleep(Math.max(0, blockedAt + 2_200 - Date.now()));
    expect(statuses(await sendMany(second, '/blocking', client, 3))).toEqual([200, 200, 429]);
  });

  it('answers within 500 ms with Redis killed, from the per-process fallback, and shares the limit again once Redis is back', async () => {
    try {
      await server.kill();
      const client = freshClient();
      const firstAnswers = await sendMany(first, '/throttled', client, 7);
      const secondAnswers = await sendMany(second, '/throttled', client, 7);
      const all = [...firstAnswers, ...secondAnswers];
      const maxMs = Math.max(...all.map((a) => a.ms));
      process.stdout.write(
        `throttler with Redis killed: ${all.length} requests, max ${maxMs.toFixed(1)} ms, ` +
          `first app ${statuses(firstAnswers).join(' ')}, second app ${statuses(secondAnswers).join(' ')}\n`,
      );
      expect(maxMs).toBeLessThan(500);
      // Each process limits on its own while Redis is down: 5 each.
      expect(statuses(firstAnswers)).toEqual([200, 200, 200, 200, 200, 429, 429]);
      expect(statuses(secondAnswers)).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const probe = await increment(first, { key: 'probe' });
      expect(probe.record?.source).toBe('fallback');

      // Fail-closed on request: a typed error, as fast.
      const strict = await increment(first, { key: 'strict', failClosed: true });
      expect(strict.error).toBe('RateLimitUnavailableError');
      expect(strict.ms).toBeLessThan(500);
    } finally {
      if (!server.running) await server.restart();
    }
    for (const app of [first, second]) {
      await waitFor(
        async () =>
          (await increment(app, { key: `probe-${freshClient()}` })).record?.source === 'redis',
        { what: 'Redis decisions again' },
      );
    }
    const client = freshClient();
    const answers: Answer[] = [];
    for (let i = 0; i < 5; i += 1) {
      answers.push(await send(first, '/throttled', client));
      answers.push(await send(second, '/throttled', client));
    }
    process.stdout.write(
      `throttler after Redis restarted: ${answers.filter((a) => a.status === 200).length} of 10 admitted across two apps\n`,
    );
    expect(statuses(answers)).toEqual([200, 200, 200, 200, 200, 429, 429, 429, 429, 429]);
  }, 60_000);

  it('answers within 500 ms with Redis hung (SIGSTOP), from the per-process fallback', async () => {
    const client = freshClient();
    server.pause();
    try {
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => send(first, '/throttled', client)),
      );
      answers.push(...(await sendMany(first, '/throttled', client, 3)));
      const maxMs = Math.max(...answers.map((a) => a.ms));
      process.stdout.write(
        `throttler with Redis hung: ${answers.length} requests, max ${maxMs.toFixed(1)} ms, ${statuses(answers).join(' ')}\n`,
      );
      expect(maxMs).toBeLessThan(500);
      expect(statuses(answers).sort()).toEqual([200, 200, 200, 200, 200, 429, 429]);
    } finally {
      server.resume();
    }
  });

  it('keeps its keys in the state namespace, with an expiry, outside the cache subspace', async () => {
    await sendMany(first, '/blocking', freshClient(), 3);
    const keys = (await server.cli('--scan', '--pattern', `${keyPrefix}:*`))
      .split('\n')
      .filter((key) => key.length > 0);
    const throttlerKeys = keys.filter((key) => key.includes('throttler'));
    const windows = throttlerKeys.filter((key) =>
      key.startsWith(`${keyPrefix}:ratelimit:{throttler:default:`),
    );
    // Every key of the storage is under `ratelimit:` (state), none in the cache's `cache:`.
    expect(windows).toEqual(throttlerKeys);
    expect(windows.some((key) => key.endsWith('}:block'))).toBe(true);
    expect(windows.some((key) => key.endsWith('}'))).toBe(true);
    for (const key of windows) expect(Number(await server.cli('PTTL', key))).toBeGreaterThan(0);
  });
});
