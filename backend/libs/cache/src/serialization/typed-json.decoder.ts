import { SPECIAL_NUMBERS, TAGS, TAG_MARK, TYPED_ARRAYS } from './typed-json.tags.js';

/** Raised for text that is not the typed JSON format (a tag misplaced, a payload malformed). */
export class MalformedTypedJsonError extends Error {
  constructor(what: string) {
    super(`not typed JSON: ${what}`);
  }
}

/** Stands for a hole while an array is revived. */
const HOLE: unique symbol = Symbol('hole');

/**
 * The value of a parsed typed JSON document (see `typed-json.tags.ts`). Revives in place: the
 * parsed tree is consumed.
 *
 * @throws MalformedTypedJsonError when a tag is unknown, misplaced or carries a malformed payload
 */
export function fromTypedWire(node: unknown): unknown {
  return reviveValue(node);
}

function reviveValue(node: unknown): unknown {
  const value = revive(node);
  if (value === HOLE) throw new MalformedTypedJsonError('a hole outside an array');
  return value;
}

function revive(node: unknown): unknown {
  if (typeof node !== 'object' || node === null) return node;
  if (Array.isArray(node)) return reviveArray(node);
  const record = node as Record<string, unknown>;
  const keys = Object.keys(record);
  const first = keys[0];
  if (first !== undefined && first.charCodeAt(0) === TAG_MARK) {
    if (keys.length !== 1) throw new MalformedTypedJsonError('a tag beside other keys');
    return reviveTag(first, record[first]);
  }
  for (const key of keys) {
    const item = record[key];
    if (typeof item !== 'object' || item === null) continue;
    const value = reviveValue(item);
    if (value !== item) record[key] = value;
  }
  return record;
}

function reviveArray(array: unknown[]): unknown[] {
  for (let i = 0; i < array.length; i += 1) {
    const item = array[i];
    if (typeof item !== 'object' || item === null) continue;
    const value = revive(item);
    // Deleting the index makes the hole back (`i in array` is false, as in the original).
    if (value === HOLE) Reflect.deleteProperty(array, i);
    else if (value !== item) array[i] = value;
  }
  return array;
}

function reviveTag(tag: string, payload: unknown): unknown {
  switch (tag) {
    case TAGS.undefined:
      return undefined;
    case TAGS.hole:
      return HOLE;
    case TAGS.number: {
      const number = typeof payload === 'string' ? SPECIAL_NUMBERS.get(payload) : undefined;
      if (number === undefined) throw new MalformedTypedJsonError('a special number');
      return number;
    }
    case TAGS.bigint:
      if (typeof payload !== 'string' || !/^-?\d+$/.test(payload)) {
        throw new MalformedTypedJsonError('a bigint');
      }
      return BigInt(payload);
    case TAGS.date:
      if (payload !== null && typeof payload !== 'number') {
        throw new MalformedTypedJsonError('a date');
      }
      return new Date(payload ?? Number.NaN);
    case TAGS.map:
      return new Map(pairs(payload).map(([k, v]) => [reviveValue(k), reviveValue(v)]));
    case TAGS.set:
      return new Set(list(payload).map(reviveValue));
    case TAGS.buffer:
      return Buffer.from(base64(payload), 'base64');
    case TAGS.typedArray:
      return typedArray(payload);
    case TAGS.object:
      return Object.fromEntries(fields(payload).map(([k, v]) => [k, reviveValue(v)]));
    case TAGS.nullPrototype: {
      const record = Object.create(null) as Record<string, unknown>;
      for (const [k, v] of fields(payload)) record[k] = reviveValue(v);
      return record;
    }
    default:
      throw new MalformedTypedJsonError('an unknown tag');
  }
}

function typedArray(payload: unknown): ArrayBufferView {
  const [name, data] = list(payload);
  if (typeof name !== 'string' || !Object.hasOwn(TYPED_ARRAYS, name)) {
    throw new MalformedTypedJsonError('a typed array');
  }
  const type = TYPED_ARRAYS[name as keyof typeof TYPED_ARRAYS];
  const bytes = Buffer.from(base64(data), 'base64');
  if (bytes.length % type.BYTES_PER_ELEMENT !== 0)
    throw new MalformedTypedJsonError('a typed array');
  // A copy into a fresh buffer: aligned for the element size, and owned by the value alone.
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  return Reflect.construct(type, [buffer]) as ArrayBufferView;
}

function list(payload: unknown): unknown[] {
  if (!Array.isArray(payload)) throw new MalformedTypedJsonError('a list');
  return payload;
}

function pairs(payload: unknown): [unknown, unknown][] {
  const items = list(payload);
  for (const item of items) {
    if (!Array.isArray(item) || item.length !== 2) throw new MalformedTypedJsonError('an entry');
  }
  return items as [unknown, unknown][];
}

function fields(payload: unknown): [string, unknown][] {
  const entries = pairs(payload);
  for (const [key] of entries) {
    if (typeof key !== 'string') throw new MalformedTypedJsonError('a property name');
  }
  return entries as [string, unknown][];
}

function base64(payload: unknown): string {
  if (typeof payload !== 'string') throw new MalformedTypedJsonError('base64 data');
  return payload;
}
