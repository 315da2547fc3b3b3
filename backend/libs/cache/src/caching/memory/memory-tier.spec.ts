import type { CacheEntry } from '../cache-entry.js';
import { MemoryTier } from './memory-tier.js';
import { resolveMemoryTierOptions, type MemoryTierOptions } from './memory-tier.options.js';

function entry<T>(value: T, lifeMs = 60_000, tags?: string[]): CacheEntry<T> {
  const now = Date.now();
  return { value, storedAtMs: now, freshUntilMs: now + lifeMs, staleUntilMs: now + lifeMs, tags };
}

function armedTier(options: MemoryTierOptions = {}): MemoryTier {
  const tier = new MemoryTier(resolveMemoryTierOptions(options));
  tier.linkUp();
  return tier;
}

function put(tier: MemoryTier, key: string, value: unknown, sizeBytes = 10, tags: string[] = []) {
  return tier.admit(
    tier.beginRead(),
    key,
    `r:${key}`,
    entry(value, 60_000, tags),
    tags.map((t) => `v:${t}`),
    sizeBytes,
  );
}

describe('MemoryTier', () => {
  it('is bounded by entries (least recently used goes first)', () => {
    const tier = armedTier({ maxEntries: 2 });
    put(tier, 'a', 1);
    put(tier, 'b', 2);
    tier.get('a');
    put(tier, 'c', 3);
    expect(tier.get('a')?.value).toBe(1);
    expect(tier.get('b')).toBeUndefined();
    expect(tier.size).toBe(2);
  });

  it('is bounded by bytes, and never holds an entry larger than the bound', () => {
    const tier = armedTier({ maxBytes: 100 });
    put(tier, 'a', 1, 60);
    put(tier, 'b', 2, 60);
    expect(tier.get('a')).toBeUndefined();
    expect(tier.sizeBytes).toBe(60);
    put(tier, 'huge', 3, 101);
    expect(tier.get('huge')).toBeUndefined();
  });

  it('never reports a remaining life longer than the time left, even after a stalled event loop', () => {
    const tier = armedTier();
    put(tier, 'k', 1); // 60 s life
    const busyUntil = Date.now() + 30;
    while (Date.now() < busyUntil) {
      // a stall: no timer runs (lru-cache clears the time it caches on a timer)
    }
    expect(tier.describe('k').ttlMs).toBeLessThanOrEqual(60_000 - 30);
  });

  it('measures lives on the clock it is given, and expires at once when it moves', () => {
    let nowMs = 1_700_000_000_000;
    const tier = new MemoryTier(resolveMemoryTierOptions({ maxTtlSeconds: 60 }), {
      now: () => nowMs,
    });
    tier.linkUp();
    const life = { storedAtMs: nowMs, freshUntilMs: nowMs + 500, staleUntilMs: nowMs + 500 };
    tier.admit(tier.beginRead(), 'own', 'r:own', { value: 1, ...life }, [], 1);
    put(tier, 'capped', 2);
    nowMs += 499;
    expect(tier.get('own')?.value).toBe(1);
    expect(tier.describe('own').ttlMs).toBe(1);
    nowMs += 2;
    expect(tier.get('own')).toBeUndefined();
    nowMs += 59_498;
    expect(tier.get('capped')?.value).toBe(2);
    nowMs += 2;
    expect(tier.get('capped')).toBeUndefined();
  });

  it('caps the life of an entry at maxTtlSeconds and at its own stale life', async () => {
    const tier = armedTier({ maxTtlSeconds: 0.05 });
    put(tier, 'a', 1);
    tier.admit(tier.beginRead(), 'short', 'r:short', entry(2, 20), [], 1);
    expect(tier.get('a')?.value).toBe(1);
    expect(tier.get('short')?.value).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(tier.get('short')).toBeUndefined();
    expect(tier.get('a')?.value).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(tier.get('a')).toBeUndefined();
  });

  it('drops by entry key and, through the tag index, by tag version key', () => {
    const tier = armedTier();
    put(tier, 'a', 1, 10, ['t']);
    put(tier, 'b', 2, 10, ['t', 'u']);
    put(tier, 'c', 3, 10, ['u']);
    put(tier, 'd', 4);
    tier.invalidate(['r:d']);
    expect(tier.get('d')).toBeUndefined();
    tier.invalidate(['v:t']);
    expect(tier.get('a')).toBeUndefined();
    expect(tier.get('b')).toBeUndefined();
    expect(tier.get('c')?.value).toBe(3);
    tier.invalidate(['v:u']);
    expect(tier.size).toBe(0);
  });

  it('does not admit a reply whose key or tag was invalidated while the read was in flight', () => {
    const tier = armedTier();
    const sent = tier.beginRead();
    tier.invalidate(['r:a']);
    tier.admit(sent, 'a', 'r:a', entry(1), [], 1);
    expect(tier.get('a')).toBeUndefined();
    const sentTagged = tier.beginRead();
    tier.invalidate(['v:t']);
    tier.admit(sentTagged, 'b', 'r:b', entry(2, 60_000, ['t']), ['v:t'], 1);
    expect(tier.get('b')).toBeUndefined();
    const after = tier.beginRead();
    tier.admit(after, 'a', 'r:a', entry(3), [], 1);
    expect(tier.get('a')?.value).toBe(3);
  });

  it('is not trusted while the link is down, and starts empty when it comes back', () => {
    const tier = armedTier();
    put(tier, 'a', 1);
    const inFlight = tier.beginRead();
    tier.linkDown();
    expect(tier.get('a')).toBeUndefined();
    tier.admit(inFlight, 'b', 'r:b', entry(2), [], 1);
    tier.linkUp();
    expect(tier.get('a')).toBeUndefined();
    expect(tier.get('b')).toBeUndefined();
  });

  it('serves what it holds for maxStalenessMs after the link went down', async () => {
    const tier = armedTier({ maxStalenessMs: 30 });
    put(tier, 'a', 1);
    tier.linkDown();
    expect(tier.get('a')?.value).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(tier.get('a')).toBeUndefined();
  });

  it('freezes plain values: a caller cannot change what another gets', () => {
    const tier = armedTier();
    const given = put(tier, 'a', { list: [1, 2], nested: { n: 1 } });
    const value = tier.get<{ list: number[]; nested: { n: number } }>('a')?.value;
    expect(value).toBe(given.value);
    expect(() => value?.list.push(3)).toThrow(TypeError);
    expect(() => {
      if (value) value.nested.n = 2;
    }).toThrow(TypeError);
  });

  it('copies values that freezing cannot protect (Map, Set, Date, Buffer), and in copy mode', () => {
    const tier = armedTier();
    put(tier, 'm', { at: new Date(0), map: new Map([['k', 1]]), bytes: Buffer.from('ab') });
    const first = tier.get<{ at: Date; map: Map<string, number>; bytes: Buffer }>('m')?.value;
    first?.map.set('k', 2);
    first?.at.setTime(5);
    if (first) first.bytes[0] = 0;
    const second = tier.get<{ at: Date; map: Map<string, number>; bytes: Buffer }>('m')?.value;
    expect(second?.map.get('k')).toBe(1);
    expect(second?.at.getTime()).toBe(0);
    expect(Buffer.isBuffer(second?.bytes)).toBe(true);
    expect(second?.bytes.toString()).toBe('ab');

    const copying = armedTier({ isolation: 'copy' });
    put(copying, 'p', { list: [1] });
    const mine = copying.get<{ list: number[] }>('p')?.value;
    mine?.list.push(2);
    expect(copying.get<{ list: number[] }>('p')?.value.list).toEqual([1]);
  });

  it('drops by cache-key prefix and outdates reads in flight', () => {
    const tier = armedTier();
    put(tier, 'user:1', 1);
    put(tier, 'item:1', 2);
    const sent = tier.beginRead();
    tier.invalidatePrefix('user:');
    expect(tier.get('user:1')).toBeUndefined();
    expect(tier.get('item:1')?.value).toBe(2);
    tier.admit(sent, 'user:2', 'r:user:2', entry(3), [], 1);
    expect(tier.get('user:2')).toBeUndefined();
  });
});

describe('resolveMemoryTierOptions', () => {
  it('applies defaults and names a bad field', () => {
    expect(resolveMemoryTierOptions()).toMatchObject({
      enabled: true,
      maxStalenessMs: 0,
      isolation: 'freeze',
    });
    expect(() => resolveMemoryTierOptions({ maxEntries: 0 })).toThrow(
      /caching\.memory\.maxEntries/,
    );
    expect(() => resolveMemoryTierOptions({ maxStalenessMs: -1 })).toThrow(/maxStalenessMs/);
  });
});
