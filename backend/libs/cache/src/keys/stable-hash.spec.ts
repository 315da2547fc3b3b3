import { InvalidKeyError } from '../errors/index.js';
import { canonicalForm } from './canonical-form.js';
import { stableHash, tryStableHash } from './stable-hash.js';

class PrivateUser {
  readonly #id: string;
  constructor(id: string) {
    this.#id = id;
  }
  get id(): string {
    return this.#id;
  }
}

class ShownUser extends PrivateUser {
  toJSON() {
    return { id: this.id };
  }
}

/** A class-validator style DTO: public fields only. */
class FilterDto {
  colour?: string;
  size?: number;
}

class OtherDto {
  colour?: string;
  size?: number;
}

/** A class without fields: whatever it stands for is not on the instance. */
class Stateless {
  describe(): string {
    return 'stateless';
  }
}

/** State in a closure: no own enumerable property. */
class Counter {
  constructor() {
    let count = 0;
    Object.defineProperty(this, 'next', { value: () => (count += 1), enumerable: false });
  }
}

const dto = <T extends object>(type: new () => T, fields: Partial<T>): T =>
  Object.assign(new type(), fields);

const hidden = (value: unknown) => {
  const result = tryStableHash([value]);
  return 'hidden' in result ? result.hidden : undefined;
};

describe('stableHash', () => {
  it('ignores object key order and tells different values apart', () => {
    expect(stableHash([{ a: 1, b: { c: 2, d: 3 } }])).toBe(
      stableHash([{ b: { d: 3, c: 2 }, a: 1 }]),
    );
    expect(stableHash([1, 2])).not.toBe(stableHash([2, 1]));
    expect(stableHash(['1'])).not.toBe(stableHash([1]));
    expect(stableHash([])).toHaveLength(22);
  });

  it('tags every type, so values that print alike hash apart (issue 12, finding 1)', () => {
    const values: unknown[] = [
      1n,
      '1n',
      1,
      '1',
      true,
      'true',
      undefined,
      null,
      0,
      -0,
      Number.NaN,
      'NaN',
      new Set([1, 2]),
      [1, 2],
      new Map([['a', 1]]),
      { a: 1 },
      [['a', 1]],
      new Date(0),
      '1970-01-01T00:00:00.000Z',
      new Date(Number.NaN),
      /a/,
      /a/g,
      /b/,
      '/a/',
      new URL('https://a.example/x'),
      new URL('https://b.example/y'),
      'https://a.example/x',
      new URLSearchParams('a=1'),
      Buffer.from('a'),
      new Uint8Array([97]),
      new Uint16Array([97]),
      Buffer.from('b'),
      new Uint8Array([97]).buffer,
      Object(1),
      Object('1'),
      [undefined],
      // A hole: not the same array as [undefined].
      // eslint-disable-next-line no-sparse-arrays
      [,],
      {},
      { a: undefined },
      dto(FilterDto, { colour: 'red' }),
      dto(OtherDto, { colour: 'red' }),
      { colour: 'red' },
      new ShownUser('alice'),
      new ShownUser('bob'),
      { id: 'alice' },
      Object.assign([1], { extra: true }),
    ];
    const texts = values.map((value) => canonicalForm([value]));
    const hashes = values.map((value) => stableHash([value]));
    expect(new Set(hashes).size).toBe(values.length);
    expect(texts.every((form) => 'text' in form)).toBe(true);
  });

  it('hashes equal values alike: fresh copies, any insertion order, NaN, null prototypes', () => {
    const pairs: Array<[unknown, unknown]> = [
      [new Set([1, 2]), new Set([2, 1])],
      [
        new Map<unknown, number>([
          ['a', 1],
          [{ k: 1 }, 2],
        ]),
        new Map<unknown, number>([
          [{ k: 1 }, 2],
          ['a', 1],
        ]),
      ],
      [new URL('https://a.example/x'), new URL('https://a.example/x')],
      [/a/g, new RegExp('a', 'g')],
      [Number.NaN, Number.NaN],
      [dto(FilterDto, { colour: 'red', size: 1 }), dto(FilterDto, { size: 1, colour: 'red' })],
      [new ShownUser('alice'), new ShownUser('alice')],
      // Plain objects are plain whatever their prototype: a method reads them alike.
      [{ a: 1 }, Object.assign(Object.create(null) as object, { a: 1 })],
    ];
    for (const [a, b] of pairs) expect(stableHash([a])).toBe(stableHash([b]));
  });

  it('encodes cycles instead of recursing for ever', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    const b: Record<string, unknown> = { name: 'b' };
    b.self = b;
    expect(stableHash([a])).toBe(stableHash([a]));
    expect(stableHash([a])).not.toBe(stableHash([b]));
  });

  it('finds state a hash cannot see, and names its type', () => {
    expect(hidden(new PrivateUser('alice'))).toEqual({
      reason: 'private-fields',
      typeName: 'PrivateUser',
    });
    expect(hidden(() => 1)).toEqual({ reason: 'function', typeName: 'function' });
    expect(hidden(Symbol('s'))).toEqual({ reason: 'symbol', typeName: 'symbol' });
    expect(hidden(Promise.resolve(1))).toEqual({ reason: 'native-state', typeName: 'Promise' });
    expect(hidden(new WeakMap())).toEqual({ reason: 'native-state', typeName: 'WeakMap' });
    expect(hidden(new Error('x'))).toEqual({ reason: 'native-state', typeName: 'Error' });
    expect(hidden(new Counter())).toEqual({ reason: 'no-own-state', typeName: 'Counter' });
    expect(hidden(new Stateless())).toEqual({ reason: 'no-own-state', typeName: 'Stateless' });
    // Declared fields exist (as undefined) from construction on: an empty DTO is visible state.
    expect(hidden(new FilterDto())).toBeUndefined();
    expect(hidden({ [Symbol('s')]: 1 })).toEqual({
      reason: 'hidden-properties',
      typeName: 'Object',
    });
    expect(hidden({ nested: [{ deeper: new PrivateUser('x') }] })).toMatchObject({
      reason: 'private-fields',
    });
    expect(hidden(new (class extends Map {})())).toMatchObject({ reason: 'native-state' });
    const unreadable = {
      get boom(): never {
        throw new Error('secret');
      },
    };
    expect(hidden(unreadable)).toEqual({ reason: 'unreadable', typeName: 'Object' });
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    expect(hidden(revocable.proxy)).toEqual({ reason: 'unreadable', typeName: 'Object' });
    let deep: unknown = 1;
    for (let i = 0; i < 100; i += 1) deep = [deep];
    expect(hidden(deep)).toMatchObject({ reason: 'too-deep' });
  });

  it('says which argument hides its state', () => {
    expect(tryStableHash([1, { a: 2 }, new PrivateUser('x')])).toMatchObject({
      argumentIndex: 2,
    });
    expect(tryStableHash(() => 1)).toEqual({
      hidden: { reason: 'function', typeName: 'function' },
    });
  });

  it('throws InvalidKeyError for hidden state, without the value in the message', () => {
    expect(() => stableHash([new PrivateUser('alice-secret')])).toThrow(InvalidKeyError);
    expect(() => stableHash([new PrivateUser('alice-secret')])).toThrow(/PrivateUser/);
    expect(() => stableHash([new PrivateUser('alice-secret')])).not.toThrow(/alice-secret/);
  });
});
