import { InvalidKeyError } from '../errors/index.js';
import { key } from './cache-keys.js';
import { escapeGlob } from './glob.js';
import { MAX_KEY_BYTES, shortenKey } from './key-encoding.js';
import { KeyNamespace } from './key-namespace.js';

describe('keys', () => {
  it('joins parts with ":" and keeps parts that contain ":" apart', () => {
    expect(key('user', 42, 'credits')).toBe('user:42:credits');
    expect(key('a:b', 'c')).not.toBe(key('a', 'b:c'));
    expect(key('50%', '#1')).toBe('50%25:%231');
  });

  it('refuses empty keys and non-finite numbers', () => {
    expect(() => key()).toThrow(InvalidKeyError);
    expect(() => key(Number.NaN)).toThrow(InvalidKeyError);
    expect(() => new KeyNamespace('ns').toRedisKey('')).toThrow(InvalidKeyError);
  });

  it('shortens long keys to at most 200 bytes, keeping a readable head and staying unique', () => {
    const a = shortenKey('ns:' + 'x'.repeat(500));
    const b = shortenKey('ns:' + 'x'.repeat(499) + 'y');
    expect(Buffer.byteLength(a)).toBeLessThanOrEqual(MAX_KEY_BYTES);
    expect(a.startsWith('ns:xxx')).toBe(true);
    expect(a).not.toBe(b);
    const multiByte = shortenKey('ns:' + '😀'.repeat(100));
    expect(Buffer.byteLength(multiByte)).toBeLessThanOrEqual(MAX_KEY_BYTES);
    expect(multiByte).not.toContain('\uFFFD');
    expect(shortenKey('ns:short')).toBe('ns:short');
  });

  it('escapes glob characters so a pattern matches them literally', () => {
    expect(escapeGlob('a*b?c[d]e\\f')).toBe('a\\*b\\?c\\[d\\]e\\\\f');
    expect(new KeyNamespace('app:test').matchPattern('user:[1]')).toBe('app:test:user:\\[1\\]*');
  });

  it('maps logical keys to the namespace and back', () => {
    const ns = new KeyNamespace('app:test');
    expect(ns.toRedisKey('user:1')).toBe('app:test:user:1');
    expect(ns.fromRedisKey('app:test:user:1')).toBe('user:1');
  });
});
