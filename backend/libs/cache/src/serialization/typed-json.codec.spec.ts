import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { TypedJsonCodec } from './typed-json.codec.js';

const codec = new TypedJsonCodec();

/** Encodes and decodes `value`; fails the test when the codec refuses it. */
function roundTrip(value: unknown): unknown {
  const encoded = codec.encode(value);
  if (!encoded.ok) throw new Error(`refused: ${encoded.reason}`);
  return codec.decode(encoded.text);
}

function refusal(value: unknown): string {
  const encoded = codec.encode(value);
  if (encoded.ok) throw new Error(`stored: ${encoded.text}`);
  return encoded.reason;
}

/**
 * Equal in type and value, stricter than `toStrictEqual`: same prototype at every level,
 * `Object.is` for numbers (`-0`, `NaN`), holes apart from `undefined` items, own key order,
 * invalid dates equal to each other, typed arrays by constructor and bytes.
 */
function sameValue(a: unknown, b: unknown, seen = new Map<object, object>()): boolean {
  if (typeof a !== typeof b) return false;
  if (typeof a !== 'object' || a === null || b === null) return Object.is(a, b);
  const x = a;
  const y = b as object;
  if (seen.get(x) === y) return true;
  seen.set(x, y);
  if (Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) return false;
  if (x instanceof Date) return Object.is(x.getTime(), (y as Date).getTime());
  if (x instanceof Map) {
    const left = [...x];
    const right = [...(y as Map<unknown, unknown>)];
    return left.length === right.length && left.every((e, i) => sameValue(e, right[i], seen));
  }
  if (x instanceof Set) return sameValue([...x], [...(y as Set<unknown>)], seen);
  if (ArrayBuffer.isView(x)) {
    const view = y as ArrayBufferView;
    return Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(
      Buffer.from(view.buffer, view.byteOffset, view.byteLength),
    );
  }
  if (Array.isArray(x)) {
    const other = y as unknown[];
    if (x.length !== other.length) return false;
    for (let i = 0; i < x.length; i += 1) {
      if (i in x !== i in other || !sameValue(x[i], other[i], seen)) return false;
    }
    return true;
  }
  const keys = Object.keys(x);
  const otherKeys = Object.keys(y);
  if (keys.join('\u0001') !== otherKeys.join('\u0001')) return false;
  const left = x as Record<string, unknown>;
  const right = y as Record<string, unknown>;
  return keys.every((k) => sameValue(left[k], right[k], seen));
}

/** Strings and keys that look like the format's tags, or like its layouts. */
const TAG_LIKE = ['\u0000u', '\u0000d', '\u0000o', '\u0000N', '\u0000', '~', '{"\\u0000u":0}'];
const keys = fc.oneof(
  fc.string(),
  fc.constantFrom('__proto__', 'constructor', 'toJSON', 'v', 'c', ...TAG_LIKE),
);
const leaves = [
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.constantFrom(null, undefined, Number.NaN, -0, Infinity, -Infinity, ...TAG_LIKE),
  fc.bigInt(),
  fc.date({ noInvalidDate: false }),
  fc.uint8Array().map((bytes) => Buffer.from(bytes)),
  fc.uint8Array(),
  fc.bigInt64Array(),
];
/** `fc.anything`, with the types service methods return in practice. */
const values = fc.anything({
  key: keys,
  values: leaves,
  maxDepth: 4,
  withMap: true,
  withSet: true,
  withBigInt: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
});

describe('TypedJsonCodec', () => {
  it('round-trips every generated value, equal in type and value', () => {
    fc.assert(
      fc.property(values, (value) => {
        expect(sameValue(roundTrip(value), value)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('encodes the decoded value to the same text (nothing drifts over rewrites)', () => {
    fc.assert(
      fc.property(values, (value) => {
        const first = codec.encode(value);
        const second = codec.encode(roundTrip(value));
        expect(second).toEqual(first);
      }),
      { numRuns: 500 },
    );
  });

  it('writes plain JSON values as JSON.stringify does, marked plain (the fast path)', () => {
    const plain = fc.jsonValue().filter((v) => !JSON.stringify(v).includes('\\u0000'));
    fc.assert(
      fc.property(plain, (value) => {
        const reparsed: unknown = JSON.parse(JSON.stringify(value));
        fc.pre(!JSON.stringify(value).includes('"__proto__"'));
        expect(codec.encode(reparsed)).toEqual({
          ok: true,
          text: JSON.stringify(reparsed),
          plainJson: true,
        });
      }),
      { numRuns: 500 },
    );
  });

  it('keeps what service methods return (finding 10)', () => {
    const value = {
      at: new Date(0),
      tags: new Set([1]),
      big: 10n,
      buf: Buffer.from('x'),
      m: new Map<unknown, unknown>([
        [1, 'a'],
        [{ k: 1 }, [undefined]],
      ]),
      u: undefined,
      nested: [{ when: new Date(Number.NaN), bytes: new Uint8Array([1, 2]) }, undefined],
      numbers: [Number.NaN, Infinity, -Infinity, -0],
    };
    const back = roundTrip(value) as typeof value;
    expect(sameValue(back, value)).toBe(true);
    expect(back.at).toBeInstanceOf(Date);
    expect(Buffer.isBuffer(back.buf)).toBe(true);
    expect(Buffer.isBuffer(back.nested[0]?.bytes)).toBe(false);
    expect('u' in back).toBe(true);
    expect(codec.encode(value)).toMatchObject({ ok: true, plainJson: false });
  });

  it('never reads data as tags: escaped keys, tag-like strings, __proto__', () => {
    const tricky: Record<string, unknown> = JSON.parse(
      '{"\\u0000d":5,"__proto__":{"polluted":true},"s":"\\u0000u","o":{"\\u0000u":0}}',
    ) as Record<string, unknown>;
    const back = roundTrip(tricky) as Record<string, unknown>;
    expect(sameValue(back, tricky)).toBe(true);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.hasOwn(back, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(roundTrip('\u0000u')).toBe('\u0000u');
    expect(roundTrip(['~', '{"\\u0000u":0}'])).toEqual(['~', '{"\\u0000u":0}']);
  });

  it('reads values made in another realm (a vm context) as this realm’s types', () => {
    const foreign: unknown = runInNewContext(
      '({ at: new Date(5), m: new Map([[1, [2]]]), s: new Set(["a"]), u8: new Uint8Array([7]), o: {} })',
    );
    const back = roundTrip(foreign) as Record<string, unknown>;
    expect(back.at).toEqual(new Date(5));
    expect(back.m).toEqual(new Map([[1, [2]]]));
    expect(back.s).toEqual(new Set(['a']));
    expect(back.u8).toEqual(new Uint8Array([7]));
    expect(roundTrip(runInNewContext('new (class Point { x = 1 })()'))).toEqual({ x: 1 });
    expect(refusal(runInNewContext('new (class Point { x = 1; norm() { return 1; } })()'))).toBe(
      'an instance of Point',
    );
  });

  it('carries a data-only class instance (a DTO, an entity) as its fields', () => {
    class ProductDto {
      id = 1;
      at = new Date(3);
      tags = new Set(['a']);
    }
    class Discounted extends ProductDto {
      pct = 10;
    }
    const back = roundTrip([new ProductDto(), new Discounted()]);
    expect(back).toStrictEqual([
      { id: 1, at: new Date(3), tags: new Set(['a']) },
      { id: 1, at: new Date(3), tags: new Set(['a']), pct: 10 },
    ]);
  });

  it('keeps a value reached twice, as two equal copies', () => {
    const shared = { id: 1 };
    const back = roundTrip({ a: shared, b: shared }) as { a: object; b: object };
    expect(back).toEqual({ a: { id: 1 }, b: { id: 1 } });
  });

  describe('refuses what it cannot represent, naming what, never the value', () => {
    class Account {
      constructor(readonly secret = 's3cret') {}
      greet(): string {
        return this.secret;
      }
    }
    class Catalogue extends Map<string, number> {}
    const circular: Record<string, unknown> = { secret: 's3cret' };
    circular.self = circular;
    const viaMap = new Map<string, unknown>();
    viaMap.set('again', [viaMap]);
    const dated = Object.assign(new Date(0), { note: 's3cret' });
    const deep: Record<string, unknown> = {};
    let cursor = deep;
    for (let i = 0; i < 100_000; i += 1) cursor = cursor.next = {};

    it.each<[string, unknown, string]>([
      ['a class instance with behaviour', { a: new Account() }, 'an instance of Account'],
      ['a subclass of Map', new Catalogue(), 'an instance of Catalogue'],
      ['a function', { f: () => 's3cret' }, 'a function'],
      ['a symbol', [Symbol('s3cret')], 'a symbol'],
      ['a symbol key', { [Symbol('k')]: 's3cret' }, 'a symbol-keyed property'],
      ['a WeakMap', new WeakMap(), 'an instance of WeakMap'],
      ['a Promise', { p: Promise.resolve('s3cret') }, 'an instance of Promise'],
      ['a RegExp', /s3cret/, 'an instance of RegExp'],
      ['a URL', new URL('https://example.com/s3cret'), 'an instance of URL'],
      ['an Error', new Error('s3cret'), 'an instance of Error'],
      ['a boxed number', Object(1) as unknown, 'an instance of Number'],
      ['a circular object', circular, 'a circular reference'],
      ['a cycle through a Map', viaMap, 'a circular reference'],
      ['a Date with extra properties', dated, 'a Date with properties of its own'],
      ['a structure nested too deeply', deep, 'a structure nested too deeply'],
    ])('%s', (_, value, reason) => {
      expect(refusal(value)).toBe(reason);
    });

    it('a getter that throws', () => {
      const value = {
        get secret(): string {
          throw new Error('s3cret');
        },
      };
      expect(refusal(value)).toBe('a property whose getter throws');
    });
  });

  it('refuses malformed typed text when decoding', () => {
    for (const text of [
      '{"\\u0000q":1}',
      '{"\\u0000u":0,"x":1}',
      '{"a":{"\\u0000h":0}}',
      '{"\\u0000b":"1.5"}',
      '{"\\u0000n":"5"}',
      '{"\\u0000t":["Nope","AA=="]}',
      '{"\\u0000t":["Uint16Array","AA=="]}',
      '{"\\u0000m":[[1]]}',
      '{"\\u0000o":[[1,2]]}',
    ]) {
      expect(() => codec.decode(text)).toThrow();
    }
  });
});
