import { Test, type TestingModule } from '@nestjs/testing';
import {
  CacheModule,
  CacheService,
  RedisService,
  type CacheServiceOptions,
  type CacheValueCodec,
} from 'nestjs-coherent-cache';
import { productConnection } from '../support/product-user.js';
import { RedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait-for.js';

/** A custom codec: JSON of `{ reversed }`, enough to tell its entries apart. */
const reversing: CacheValueCodec = {
  id: 'reversing',
  encode: (value) =>
    typeof value === 'string'
      ? {
          ok: true,
          text: JSON.stringify({ reversed: [...value].reverse().join('') }),
          plainJson: false,
        }
      : { ok: false, reason: `a ${typeof value}` },
  decode: (text) => [...(JSON.parse(text) as { reversed: string }).reversed].reverse().join(''),
};

const rows = Array.from({ length: 2_000 }, (_, i) => ({
  id: i,
  name: `product ${i}`,
  description: 'a widget that does what widgets do, in blue and in red',
  createdAt: new Date(1_700_000_000_000 + i * 1_000),
}));

describe('entry codecs and compression (caching.codec, caching.compressAboveBytes)', () => {
  let server: RedisServer;
  const modules: TestingModule[] = [];

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await Promise.all(modules.map((m) => m.close()));
    await server.stop();
  });

  async function start(caching?: CacheServiceOptions): Promise<CacheService> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        CacheModule.forRoot({
          connection: await productConnection(server.url, 'codec'),
          keyPrefix: 'codec',
          caching,
        }),
      ],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    modules.push(moduleRef);
    await waitFor(() => moduleRef.get(RedisService).isAvailable, { what: 'Redis ready' });
    return moduleRef.get(CacheService);
  }

  /** The body of an entry as stored (after the header line the write script prepends). */
  async function storedBody(cache: CacheService, key: string): Promise<string> {
    const text = await server.cli('GET', cache.keyspace.entry(key));
    return text.slice(text.indexOf('\n') + 1);
  }

  it("'json' writes plain JSON that other programs read; each codec reads the other's entries", async () => {
    const json = await start({ codec: 'json' });
    const typed = await start();
    const value = { id: 1, at: new Date(0) };
    await json.set('plain:1', value, { ttlSeconds: 60 });
    const body = JSON.parse(await storedBody(json, 'plain:1')) as { v: unknown };
    expect(body.v).toEqual({ id: 1, at: '1970-01-01T00:00:00.000Z' });
    // What 'json' loses is lost for every reader: it wrote a string.
    expect(await typed.get('plain:1')).toEqual({ id: 1, at: '1970-01-01T00:00:00.000Z' });
    await typed.set('typed:1', value, { ttlSeconds: 60 });
    expect(await json.get('typed:1')).toStrictEqual(value);
  });

  it('compresses a large value, and another process reads it back equal', async () => {
    const cache = await start();
    const other = await start();
    await cache.set('rows', rows, { ttlSeconds: 60 });
    const body = await storedBody(cache, 'rows');
    expect(body.startsWith('~{"c":"typed","z":"br"')).toBe(true);
    const typedSize = (cache.settings.codec.encode(rows) as { text: string }).text.length;
    const { sizeBytes } = await cache.describe('rows');
    expect(sizeBytes).toBeLessThan(typedSize / 4);
    expect(await other.getOrSet('rows', () => [], { ttlSeconds: 60 })).toStrictEqual(rows);
  });

  it('reads an entry written before codecs existed (the plain layout, uncompressed)', async () => {
    const cache = await start();
    const nowMs = Date.now();
    const old = JSON.stringify({ v: { id: 9 }, t: nowMs, f: nowMs + 60_000, s: nowMs + 60_000 });
    await server.cli('SET', cache.keyspace.entry('old:9'), `Tok3n_old\n${old}`, 'PX', '60000');
    expect(await cache.getOrSet('old:9', () => ({ id: -1 }))).toEqual({ id: 9 });
  });

  it('uses a custom codec; a process with another codec misses its entries', async () => {
    const custom = await start({ codec: reversing });
    const typed = await start();
    await custom.set('custom:1', 'abc', { ttlSeconds: 60 });
    expect(await storedBody(custom, 'custom:1')).toContain('"c":"reversing"');
    expect(await custom.get('custom:1')).toBe('abc');
    expect(await typed.getOrSet('custom:1', () => 'loaded', { ttlSeconds: 60 })).toBe('loaded');
    expect(await custom.set('custom:2', 42, { ttlSeconds: 60 })).toBe(false);
  });
});
