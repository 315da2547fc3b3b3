import { ifNoneMatchMatches, strongEntityTag } from './entity-tag.js';

describe('entity tags', () => {
  it('tags the same bytes alike, text or buffer, and different bytes apart', () => {
    const tag = strongEntityTag('{"a":1}');
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(strongEntityTag(Buffer.from('{"a":1}'))).toBe(tag);
    expect(strongEntityTag('{"a":2}')).not.toBe(tag);
  });

  it('matches If-None-Match with the weak comparison, lists and *', () => {
    expect(ifNoneMatchMatches('"a"', '"a"')).toBe(true);
    expect(ifNoneMatchMatches('W/"a"', '"a"')).toBe(true);
    expect(ifNoneMatchMatches('"b", "a"', '"a"')).toBe(true);
    expect(ifNoneMatchMatches('*', '"a"')).toBe(true);
    expect(ifNoneMatchMatches('"b"', '"a"')).toBe(false);
    expect(ifNoneMatchMatches(undefined, '"a"')).toBe(false);
  });
});
