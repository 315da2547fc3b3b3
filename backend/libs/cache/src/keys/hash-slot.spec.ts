import { CLUSTER_SLOT_COUNT, hashSlot, hashedPart } from './hash-slot.js';

describe('hashSlot', () => {
  it('matches the slots Redis computes (CLUSTER KEYSLOT)', () => {
    // Values from `redis-cli CLUSTER KEYSLOT <key>` on Redis 7.0.
    expect(hashSlot('foo')).toBe(12182);
    expect(hashSlot('bar')).toBe(5061);
    expect(hashSlot('123456789')).toBe(12739);
    expect(hashSlot('')).toBe(0);
    expect(hashSlot('ünïcödé')).toBe(hashSlot('ünïcödé'));
  });

  it('hashes only the first non-empty {tag}', () => {
    expect(hashedPart('{user1000}.following')).toBe('user1000');
    expect(hashSlot('{user1000}.following')).toBe(hashSlot('{user1000}.followers'));
    expect(hashedPart('foo{}{bar}')).toBe('foo{}{bar}');
    expect(hashedPart('foo{{bar}}zap')).toBe('{bar');
    expect(hashedPart('foo{bar}{zap}')).toBe('bar');
    expect(hashedPart('no-close{')).toBe('no-close{');
  });

  it('stays within the slot range', () => {
    for (let i = 0; i < 2_000; i += 1) {
      const slot = hashSlot(`key:${i}`);
      expect(slot).toBeGreaterThanOrEqual(0);
      expect(slot).toBeLessThan(CLUSTER_SLOT_COUNT);
    }
  });
});
