import { createStandaloneCache, type StandaloneCache } from 'nestjs-coherent-cache';

/**
 * A new user, memory-only (no Redis configured), on a small container: `caching.memory.maxBytes`
 * lowered to 256 KiB. README (memory-only): entries live in this process, "bounded by
 * `maxEntries` and `maxBytes`, with the same API and the same contract"; `set`: "Returns `false`
 * when the value cannot be stored (too large, …): the old value is then deleted, never left
 * behind".
 *
 * A 400 KB value is under `maxValueBytes` (1 MiB), so `set` encodes it and reports `true`; the
 * memory tier then refuses it (over `maxBytes`) without a word. The caller was told it is
 * stored, and the next `get` finds nothing.
 */
describe('adversarial: memory-only, a value over maxBytes', () => {
  let standalone: StandaloneCache;

  beforeAll(async () => {
    standalone = await createStandaloneCache({
      keyPrefix: 'oversize',
      caching: { memory: { maxBytes: 256 * 1024 } },
    });
  });

  afterAll(async () => {
    await standalone?.close();
  });

  it("set's answer tells whether the value can be read back", async () => {
    const { cache } = standalone;
    const report = 'x'.repeat(400_000); // a rendered report, 400 KB
    const stored = await cache.set('report:2024', report, { ttlSeconds: 3600 });
    const readBack = await cache.get<string>('report:2024');
    process.stdout.write(
      `set returned ${String(stored)}; get returned ${readBack === null ? 'null' : `${readBack.length} chars`}\n`,
    );
    expect(stored === false || readBack === report).toBe(true);
  });

  it('control: under maxBytes, set stores and get reads it back', async () => {
    const { cache } = standalone;
    const small = 'y'.repeat(100_000);
    expect(await cache.set('report:small', small, { ttlSeconds: 3600 })).toBe(true);
    expect(await cache.get('report:small')).toBe(small);
  });

  it("memory-only: mutating what one caller got never changes another caller's value", async () => {
    const { cache } = standalone;
    const load = () => ({
      tags: ['a'],
      at: new Date(0),
      nested: { list: [1, 2] },
      m: new Map([[1, { n: 1 }]]),
    });
    await cache.getOrSet('profile:7', load, { ttlSeconds: 60 });
    const first = await cache.getOrSet('profile:7', load, { ttlSeconds: 60 });
    try {
      first.tags.push('hacked');
    } catch {
      // frozen: fine
    }
    try {
      first.nested.list.push(3);
    } catch {
      // frozen: fine
    }
    first.at.setFullYear(2099);
    (first.m.get(1) as { n: number }).n = 99;
    const second = await cache.getOrSet('profile:7', load, { ttlSeconds: 60 });
    expect(second.tags).toEqual(['a']);
    expect(second.nested.list).toEqual([1, 2]);
    expect(second.at.getTime()).toBe(0);
    expect(second.m.get(1)).toEqual({ n: 1 });
  });
});
