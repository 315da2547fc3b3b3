import { hashSlot } from './hash-slot.js';
import { hasHashTag, queueNameFor, withHashTag } from './hash-tag.js';

describe('hash tags for queue names', () => {
  it('tags a name in Cluster mode so that all its keys share one slot', () => {
    const name = queueNameFor('emails', 'cluster');
    expect(name).toBe('{emails}');
    expect(hashSlot(`bull:${name}:wait`)).toBe(hashSlot(`bull:${name}:meta`));
    expect(hashSlot(`bull:${name}:1`)).toBe(hashSlot(`bull:${name}:events`));
  });

  it('leaves names alone outside Cluster mode', () => {
    expect(queueNameFor('emails', 'standalone')).toBe('emails');
    expect(queueNameFor('emails', 'sentinel')).toBe('emails');
  });

  it('keeps a name that already carries a tag', () => {
    expect(hasHashTag('{shop}:emails')).toBe(true);
    expect(withHashTag('{shop}:emails')).toBe('{shop}:emails');
    expect(hasHashTag('emails{}')).toBe(false);
    expect(withHashTag('emails{}')).toBe('{emails{}}');
    expect(() => withHashTag('')).toThrow(TypeError);
  });
});
