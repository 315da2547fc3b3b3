import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { stableHash, tryStableHash } from './stable-hash.js';

/** A class-validator style DTO: public fields only, so its state is visible. */
class QueryDto {
  term: unknown = undefined;
  page: unknown = undefined;
}

class PrivateUser {
  readonly #id: string;
  constructor(id: string) {
    this.#id = id;
  }
  get id(): string {
    return this.#id;
  }
}

/**
 * The one invalid date the generators use. `isDeepStrictEqual` compares dates with `===` on their
 * time values, so two invalid dates are unequal to it unless they are the same object; the hash
 * (rightly) treats every invalid date alike.
 */
const INVALID_DATE = new Date(Number.NaN);

/**
 * Argument values of every kind the key hash reads. Equality is `util.isDeepStrictEqual`
 * (types, prototypes and `Object.is` on primitives), which is what the hash promises.
 */
const valueArb: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(undefined, null, true, false, 0, -0, Number.NaN, '', '0', '1n', 'null'),
    fc.double(),
    fc.integer({ min: -3, max: 3 }),
    fc.string({ maxLength: 6 }),
    fc.bigInt({ min: -3n, max: 3n }),
    fc.date({ noInvalidDate: true }),
    fc.constant(INVALID_DATE),
    fc
      .constantFrom('a', 'a.b', '[/]', '\\d+')
      .chain((source) =>
        fc.constantFrom('', 'g', 'i', 'gi').map((flags) => new RegExp(source, flags)),
      ),
    fc.webUrl().map((href) => new URL(href)),
    fc.uint8Array({ maxLength: 4 }).map((bytes) => Buffer.from(bytes)),
    fc.uint8Array({ maxLength: 4 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 3 }), tie('value'), { maxKeys: 4, noNullPrototype: true }),
    fc.array(tie('value'), { maxLength: 3 }).map((items) => new Set(items)),
    fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 3 }).map((e) => new Map(e)),
    fc.tuple(tie('value'), tie('value')).map(([term, page]) => query(term, page)),
  ),
})).value;

const argsArb = fc.array(valueArb, { maxLength: 4 });

function query(term: unknown, page: unknown): QueryDto {
  const dto = new QueryDto();
  dto.term = term;
  dto.page = page;
  return dto;
}

/**
 * An equal copy of `value` built afresh, with object keys, Set elements and Map entries in the
 * reverse insertion order.
 */
function reshuffled(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (value instanceof Date) return value === INVALID_DATE ? value : new Date(value.getTime());
  if (value instanceof RegExp) return new RegExp(value.source, value.flags);
  if (value instanceof URL) return new URL(value.href);
  if (value instanceof Set) return new Set([...value].reverse().map(reshuffled));
  if (value instanceof Map) {
    return new Map([...value].reverse().map(([k, v]) => [reshuffled(k), reshuffled(v)]));
  }
  if (Array.isArray(value)) return value.map(reshuffled);
  if (value instanceof QueryDto) return query(reshuffled(value.term), reshuffled(value.page));
  const copy: Record<string, unknown> = {};
  for (const k of Object.keys(value).reverse()) {
    copy[k] = reshuffled((value as Record<string, unknown>)[k]);
  }
  return copy;
}

/** Values that a hash of printed or enumerable state confuses with `value`. */
function lookalikes(value: unknown): unknown[] {
  switch (typeof value) {
    case 'number':
      return [
        String(value),
        Object.is(value, 0) ? -0 : 0,
        ...(Number.isInteger(value) ? [BigInt(value)] : []),
      ];
    case 'bigint':
      return [`${value}n`, String(value), Number(value)];
    case 'string':
      return [`${value}n`, Number(value), [value]];
    case 'undefined':
      return [null, 'undefined'];
    case 'boolean':
      return [String(value), Number(value)];
    default:
      break;
  }
  if (value === null) return [undefined, 'null', {}];
  if (value instanceof Set) return [[...value], new Set([...value, 'extra'])];
  if (value instanceof Map) return [Object.fromEntries(value), [...value], new Set(value.keys())];
  if (value instanceof Date) return [value.getTime(), String(value.getTime()), {}];
  if (value instanceof RegExp)
    return [String(value), value.source, {}, new RegExp(value.source, 'm')];
  if (value instanceof URL) return [value.href, {}, new URL('https://other.example/')];
  if (Buffer.isBuffer(value)) return [new Uint8Array(value), [...value], value.toString()];
  if (value instanceof Uint8Array) return [Buffer.from(value), [...value]];
  if (value instanceof QueryDto) return [{ term: value.term, page: value.page }];
  if (Array.isArray(value)) {
    const items = value as unknown[];
    return [new Set(items), [...items, undefined], items.slice(1)];
  }
  const record = value as Record<string, unknown>;
  return [new Map(Object.entries(record)), [record], { ...record, extra: undefined }];
}

describe('stableHash (properties)', () => {
  it('gives equal argument lists equal hashes: fresh copies, keys in any order', () => {
    fc.assert(
      fc.property(argsArb, (args) => {
        const copy = reshuffled(args);
        expect(isDeepStrictEqual(args, copy)).toBe(true);
        expect(stableHash(copy)).toBe(stableHash(args));
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives distinct argument lists distinct hashes', () => {
    fc.assert(
      fc.property(argsArb, argsArb, (a, b) => {
        fc.pre(!isDeepStrictEqual(a, b));
        expect(stableHash(a)).not.toBe(stableHash(b));
      }),
      { numRuns: 5_000 },
    );
  });

  it('tells an argument from each of its lookalikes, at the top and nested', () => {
    const caseArb = argsArb
      .filter((args) => args.length > 0)
      .chain((args) =>
        fc.record({
          args: fc.constant(args),
          index: fc.nat({ max: args.length - 1 }),
          nested: fc.boolean(),
          pick: fc.nat(),
        }),
      );
    fc.assert(
      fc.property(caseArb, ({ args, index, nested, pick }) => {
        const options = lookalikes(args[index]);
        const lookalike = options[pick % options.length];
        const changed = [...args];
        changed[index] = lookalike;
        const [before, after] = nested ? [{ wrap: [args] }, { wrap: [changed] }] : [args, changed];
        fc.pre(!isDeepStrictEqual(before, after));
        expect(stableHash(after)).not.toBe(stableHash(before));
      }),
      { numRuns: 5_000 },
    );
  });

  it('has no hash for a list that holds hidden state anywhere', () => {
    const hiddenArb = fc.constantFrom<() => unknown>(
      () => new PrivateUser('alice'),
      () => () => 1,
      () => Symbol('s'),
      () => Promise.resolve(1),
      () => new WeakMap(),
    );
    fc.assert(
      fc.property(argsArb, fc.nat(), fc.boolean(), hiddenArb, (args, at, nested, make) => {
        const part = nested ? { inner: [make()] } : make();
        const withHidden = [...args];
        withHidden.splice(at % (args.length + 1), 0, part);
        expect('hidden' in tryStableHash(withHidden)).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });
});
