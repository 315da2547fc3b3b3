import { createTestApp, type TestApp } from '../../support/test-app.js';

const TOKEN = 'adversarial-admin-token-1234';
const admin = { authorization: `Bearer ${TOKEN}` };

/**
 * A new user's first hour on a machine without Redis: the backend runs memory-only, `/health`
 * says the cache is up, the second `GET /products/1` is a HIT. They set `CACHE_ADMIN_TOKEN` to
 * look at the cache, and point their uptime check at `GET /cache/health`, the cache's own health
 * endpoint ("PING round trip and breaker state; 503 when Redis does not answer").
 */
describe('adversarial: memory-only, a new user with CACHE_ADMIN_TOKEN', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp().withoutRedis().withEnv({ CACHE_ADMIN_TOKEN: TOKEN }).start();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('GET /cache/health agrees with /health: the working memory-only cache is healthy (200)', async () => {
    await app.request('/products/1');
    expect((await app.request('/products/1')).headers.get('x-cache')).toBe('HIT');
    const health = await app.request('/health');
    expect(health.status).toBe(200);
    const cacheHealth = await app.request('/cache/health', { headers: admin });
    const body = await cacheHealth.text();
    console.log(`/health ${health.status}; /cache/health ${cacheHealth.status} ${body}`);
    expect(cacheHealth.status).toBe(200);
  });

  it('GET /jobs/:queue/:id does not tell the user their job "was not added"', async () => {
    const state = await app.request('/jobs/webhook-processing/42');
    const body = await state.text();
    console.log(`GET /jobs/webhook-processing/42 -> ${state.status} ${body}`);
    expect(state.status).toBe(503);
    // A read of a job's state adds nothing: a message saying a job was not added (and "will not
    // run later") about a GET is wrong.
    expect(body).not.toContain('was not added');
  });
});
