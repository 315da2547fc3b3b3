import { stableHash, stableStringify } from './stable-hash.js';

describe('stableHash', () => {
  it('ignores object key order and tells different values apart', () => {
    expect(stableHash([{ a: 1, b: { c: 2, d: 3 } }])).toBe(
      stableHash([{ b: { d: 3, c: 2 }, a: 1 }]),
    );
    expect(stableHash([1, 2])).not.toBe(stableHash([2, 1]));
    expect(stableHash(['1'])).not.toBe(stableHash([1]));
  });

  it('handles dates, maps, sets, bigints, shared and circular references', () => {
    const shared = { x: 1 };
    const circular: Record<string, unknown> = { name: 'c' };
    circular.self = circular;
    expect(stableStringify([shared, shared])).toBe('[{"x":1},{"x":1}]');
    expect(stableStringify(circular)).toBe('{"name":"c","self":"[circular]"}');
    expect(stableStringify([new Date(0), new Map([['k', 1]]), new Set([2]), 3n])).toBe(
      '["1970-01-01T00:00:00.000Z",{"k":1},[2],"3n"]',
    );
    expect(stableHash([])).toHaveLength(22);
  });
});
