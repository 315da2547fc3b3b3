import { decodeEntry, encodeEntry, isFresh, isServableStale } from './cache-entry.js';

describe('cache entry envelope', () => {
  const entry = {
    value: { a: [1, 'x'] },
    storedAtMs: 1000,
    freshUntilMs: 2000,
    staleUntilMs: 5000,
  };

  it('round-trips, and undefined is stored as null', () => {
    expect(decodeEntry(encodeEntry(entry))).toEqual(entry);
    expect(decodeEntry(encodeEntry({ ...entry, value: undefined }))?.value).toBeNull();
  });

  it('refuses text that is not an entry', () => {
    expect(decodeEntry('not json')).toBeNull();
    expect(decodeEntry('{"a":1}')).toBeNull();
    expect(decodeEntry('"plain string"')).toBeNull();
    expect(decodeEntry('{"v":1,"t":"x","f":1,"s":1}')).toBeNull();
  });

  it('tells fresh from stale from gone', () => {
    expect(isFresh(entry, 1999)).toBe(true);
    expect(isFresh(entry, 2000)).toBe(false);
    expect(isServableStale(entry, 4999)).toBe(true);
    expect(isServableStale(entry, 5000)).toBe(false);
  });
});
