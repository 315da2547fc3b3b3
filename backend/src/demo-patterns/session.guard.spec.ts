import { parseSessionHandle } from './session.guard.js';

describe('parseSessionHandle', () => {
  it('splits <userId>.<sessionId> at the last dot', () => {
    expect(parseSessionHandle('alice.abc')).toEqual({ userId: 'alice', sessionId: 'abc' });
    expect(parseSessionHandle('a.b.c')).toEqual({ userId: 'a.b', sessionId: 'c' });
  });

  it('refuses anything else', () => {
    for (const value of [undefined, ['alice.abc'], '', 'alice', '.abc', 'alice.']) {
      expect(parseSessionHandle(value)).toBeNull();
    }
  });
});
