import type { HttpAdapterName } from '../../src/config/index.js';
import { startCacheTestApp, type CacheTestApp } from '../support/cache-test-app.js';
import { HostileController, UNKEYED_HEADERS } from './fixtures/hostile.controller.js';

const adapters: HttpAdapterName[] = ['express', 'fastify'];

describe.each(adapters)('Unkeyed request headers on %s', (adapter) => {
  let t: CacheTestApp;

  beforeAll(async () => {
    t = await startCacheTestApp({
      adapter,
      controllers: [HostileController],
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('serves 0 poisoned responses to a clean request after an attacker request', async () => {
    let poisoned = 0;
    let attacks = 0;
    const clean = await (await t.request('/hostile/reflect')).text();
    for (const route of ['/hostile/reflect', '/hostile/headers']) {
      for (const [name, value] of Object.entries(UNKEYED_HEADERS)) {
        // A fresh query value per attack: the attacker always lands on a cold key.
        const path = `${route}?attack=${encodeURIComponent(name)}`;
        const attack = await t.request(path, { headers: { [name]: value } });
        attacks += 1;
        expect(attack.status).toBe(200);
        if (!(await attack.text()).includes(value)) continue;
        const victim = await t.request(path);
        const body = await victim.text();
        if (body.includes(value)) poisoned += 1;
      }
    }
    // A route that reads no attacker header is stored and served again; one that renders the
    // whole header object (Host included) is never stored.
    const again = await t.request('/hostile/reflect');
    expect(await again.text()).toBe(clean);
    expect(again.headers.get('x-cache')).toBe('HIT');
    expect(await t.storedHttpKeys('/hostile/headers')).toEqual([]);
    process.stdout.write(
      `[${adapter}] unkeyed headers: ${attacks} attacker requests on 2 reflecting routes, poisoned responses served to a clean request = ${poisoned}\n`,
    );
    expect(poisoned).toBe(0);
  });

  it('keys a route on the header it declares in varyHeaders', async () => {
    const fr = { 'accept-language': 'fr-FR' };
    const en = { 'accept-language': 'en-GB' };
    const first = await t.request('/hostile/greeting', { headers: fr });
    const english = await t.request('/hostile/greeting', { headers: en });
    const second = await t.request('/hostile/greeting', { headers: fr });
    expect(((await first.json()) as { greeting: string }).greeting).toBe('bonjour');
    expect(((await english.json()) as { greeting: string }).greeting).toBe('hello');
    expect(english.headers.get('x-cache')).toBe('MISS');
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(((await second.json()) as { greeting: string }).greeting).toBe('bonjour');
    const keys = await t.storedHttpKeys('/hostile/greeting');
    process.stdout.write(
      `[${adapter}] varyHeaders Accept-Language: keys for /hostile/greeting = ${keys.length} (fr, en), fr replayed as HIT\n`,
    );
    expect(keys).toHaveLength(2);
  });
});
