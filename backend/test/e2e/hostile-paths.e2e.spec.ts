import type { HttpAdapterName } from '../../src/config/index.js';
import { RedisServer } from '../support/redis-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

const adapters: HttpAdapterName[] = ['express', 'fastify'];
const alice = { authorization: 'Bearer alice-token' };
const bob = { authorization: 'Bearer bob-token' };

/** Spellings of `/me` and `/products/1` that clients, proxies and attackers send. */
const ME_TRICKS = [
  '/me',
  '/me;.css',
  '/me/x.css',
  '//me',
  '/ME',
  '/me/',
  '/%6De',
  '/me%2F',
  '/me?x=1.css',
];
const PRODUCT_TRICKS = [
  '/products/1',
  '/products/1/',
  '//products/1',
  '/PRODUCTS/1',
  '/products/%31',
  '/products/1;x',
  '/products%2F1',
  '/products/./1',
];

describe.each(adapters)('Path tricks on %s', (adapter) => {
  let server: RedisServer;
  let t: TestApp;

  beforeAll(async () => {
    server = await RedisServer.start();
    t = await createTestApp()
      .withRedis(server)
      .withAdapter(adapter)
      .withEnv({ DEMO_DB_LATENCY_MS: '1' })
      .start();
    await waitFor(() => t.redis.isAvailable, { what: 'Redis ready' });
  });

  afterAll(async () => {
    await t.close();
    await server.stop();
  });

  /** Every Redis key of the app, listed with redis-cli SCAN on the test's own server. */
  async function redisKeys(): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const reply = (await server.cli('SCAN', cursor, 'COUNT', '1000')).split('\n');
      cursor = reply[0] ?? '0';
      keys.push(...reply.slice(1).filter((k) => k.length > 0));
    } while (cursor !== '0');
    return keys;
  }

  it('stores 0 private responses under another key or for another user; one key per resource', async () => {
    let leaks = 0;
    let aliceOk = 0;
    for (const path of ME_TRICKS) {
      const a = await t.request(path, { headers: alice });
      if (a.status === 200) aliceOk += 1;
      // Bob, then an anonymous client, ask for the same spelling right after Alice.
      const b = await t.request(path, { headers: bob });
      const anon = await t.request(path);
      if ((await b.text()).includes('alice')) leaks += 1;
      const anonBody = await anon.text();
      if (anon.status === 200 || anonBody.includes('alice')) leaks += 1;
    }
    const productBodies = new Set<string>();
    for (const path of PRODUCT_TRICKS) {
      const response = await t.request(path);
      if (response.status === 200) {
        const body = (await response.json()) as { id: number; name: string };
        productBodies.add(`${body.id}:${body.name}`);
      }
    }
    // Entries only: locks and tag bookkeeping are not responses.
    const keys = (await redisKeys()).filter((k) => k.includes(':cache:e:'));
    const meKeys = keys.filter((k) => k.includes(':http:') && /\/me/i.test(k));
    const productKeys = keys.filter((k) => k.includes(':http:') && /products/i.test(k));
    const privateElsewhere = meKeys.filter((k) => !/:u:(alice|bob|\d+)/.test(k)).length;
    process.stdout.write(
      `[${adapter}] path tricks: ${ME_TRICKS.length} spellings of /me (Alice 200 on ${aliceOk}), ${PRODUCT_TRICKS.length} of /products/1; ` +
        `responses leaked to Bob or anonymous = ${leaks}, private entries under a shared key = ${privateElsewhere}, ` +
        `keys for /me = ${meKeys.length} (per user), keys for /products/1 = ${productKeys.length}\n`,
    );
    expect(leaks).toBe(0);
    expect(privateElsewhere).toBe(0);
    expect(meKeys.length).toBeLessThanOrEqual(2);
    expect(productKeys).toHaveLength(1);
    expect(productBodies.size).toBe(1);
  });

  it('keeps one key for a reordered query', async () => {
    await t.request('/products?b=2&a=1');
    await t.request('/products?a=1&b=2');
    const response = await t.request('/products?a=1&b=2');
    expect(response.headers.get('x-cache')).toBe('HIT');
    // GET /products keys no query parameter (its allow-list is empty): one entry for both.
    const keys = (await redisKeys()).filter(
      (k) => k.includes(':cache:e:') && k.includes(':http:/products?'),
    );
    process.stdout.write(
      `[${adapter}] reordered query: keys for ?a=1&b=2 and ?b=2&a=1 = ${keys.length}\n`,
    );
    expect(keys).toHaveLength(1);
  });
});
