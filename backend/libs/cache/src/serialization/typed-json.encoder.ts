import { types } from 'node:util';
import { classChainHiddenState, hasHiddenProperties } from '../keys/visible-state.js';
import { TAGS, TAG_MARK, TYPED_ARRAYS } from './typed-json.tags.js';

/** Raised inside the encoder for a value the format cannot carry; names what, never the value. */
export class UnrepresentableValueError extends Error {
  constructor(readonly what: string) {
    super(`cannot represent ${what}`);
  }
}

const UNDEFINED = { [TAGS.undefined]: 0 };
const HOLE = { [TAGS.hole]: 0 };

/** The kinds of object the format carries, by their prototype in this realm. */
const PROTOTYPES = new Map<object, string>([
  [Object.prototype, 'Object'],
  [Array.prototype, 'Array'],
  [Date.prototype, 'Date'],
  [Map.prototype, 'Map'],
  [Set.prototype, 'Set'],
  [Buffer.prototype, 'Buffer'],
  ...Object.entries(TYPED_ARRAYS).map(([name, type]): [object, string] => [type.prototype, name]),
]);

/**
 * How an object of another realm (a `vm` context, a test sandbox) proves to be one of these
 * kinds: its prototype's constructor has the name, the prototype sits as deep as ours (so it is
 * no subclass), and the object has the internal slots of the kind.
 */
const OTHER_REALM_BRANDS = new Map<string, { depth: number; brand: (value: object) => boolean }>(
  [...PROTOTYPES].map(([prototype, name]) => [
    name,
    { depth: chainLength(prototype), brand: brandCheck(name) },
  ]),
);

/**
 * The JSON-ready form of `value` in the typed JSON format (see `typed-json.tags.ts`). Returns
 * `value` itself, untouched, when JSON carries it as it is: the caller can tell a plain JSON
 * value by identity, without a second walk.
 *
 * An instance of a class that holds only data (own enumerable fields; no methods, accessors or
 * `#private` members anywhere in its class chain; not a built-in) is carried as its fields and
 * read back as a plain object with the same fields: structurally equal, so its TypeScript type
 * holds, but not `instanceof` its class.
 *
 * @throws UnrepresentableValueError for a function, a symbol, an instance of a class with
 *   behaviour (or of a built-in other than `Date`, `Map`, `Set`, `Buffer` and the typed arrays), a subclass of
 *   those, a `Map`, `Set` or `Date` with properties of its own, an object with enumerable
 *   symbol keys, or a circular structure
 */
export function toTypedWire(value: unknown): unknown {
  return encode(value, new Set());
}

function encode(value: unknown, ancestors: Set<object>): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value) && !Object.is(value, -0)) return value;
      return { [TAGS.number]: Object.is(value, -0) ? '-0' : String(value) };
    case 'undefined':
      return UNDEFINED;
    case 'bigint':
      return { [TAGS.bigint]: value.toString() };
    case 'object':
      return value === null ? null : encodeObject(value, ancestors);
    default:
      throw new UnrepresentableValueError(`a ${typeof value}`);
  }
}

function encodeObject(value: object, ancestors: Set<object>): unknown {
  if (ancestors.has(value)) throw new UnrepresentableValueError('a circular reference');
  ancestors.add(value);
  try {
    const prototype = Object.getPrototypeOf(value) as object | null;
    if (prototype === null) return encodeRecord(value, ancestors, TAGS.nullPrototype);
    const kind = kindOf(value, prototype);
    switch (kind) {
      case 'Object':
        return encodeRecord(value, ancestors, null);
      case 'Array':
        return encodeArray(value as readonly unknown[], ancestors);
      case 'Date':
        refuseOwnProperties(value, 'a Date');
        return { [TAGS.date]: finiteOrNull(Date.prototype.getTime.call(value)) };
      case 'Map':
        refuseOwnProperties(value, 'a Map');
        return {
          [TAGS.map]: Array.from(
            Map.prototype.entries.call(value) as Iterable<[unknown, unknown]>,
            ([k, v]) => [encode(k, ancestors), encode(v, ancestors)],
          ),
        };
      case 'Set':
        refuseOwnProperties(value, 'a Set');
        return {
          [TAGS.set]: Array.from(Set.prototype.values.call(value) as Iterable<unknown>, (v) =>
            encode(v, ancestors),
          ),
        };
      case 'Buffer':
        return { [TAGS.buffer]: (value as Buffer).toString('base64') };
      case undefined:
        // A data-only class instance (a DTO, an ORM entity without methods) is its fields.
        if (isDataOnlyInstance(value, prototype)) return encodeRecord(value, ancestors, null);
        throw new UnrepresentableValueError(describeInstance(prototype));
      default: {
        const view = value as ArrayBufferView;
        const bytes = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
        return { [TAGS.typedArray]: [kind, bytes.toString('base64')] };
      }
    }
  } finally {
    ancestors.delete(value);
  }
}

/**
 * A plain object: itself when no property changes, a copy with the changed properties, or
 * (`tag` given, or a key that collides with a tag or with `__proto__`) its entries under a tag.
 */
function encodeRecord(record: object, ancestors: Set<object>, tag: string | null): unknown {
  const source = record as Record<string, unknown>;
  const keys = Object.keys(source);
  if (Object.getOwnPropertySymbols(source).some((s) => isEnumerable(source, s))) {
    throw new UnrepresentableValueError('a symbol-keyed property');
  }
  let escaped = tag;
  for (let i = 0; escaped === null && i < keys.length; i += 1) {
    const key = keys[i] as string;
    if (key.charCodeAt(0) === TAG_MARK || key === '__proto__') escaped = TAGS.object;
  }
  if (escaped !== null) {
    return { [escaped]: keys.map((key) => [key, encode(source[key], ancestors)]) };
  }
  let copy: Record<string, unknown> | null = null;
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i] as string;
    const item = source[key];
    const wire = encode(item, ancestors);
    if (copy === null && wire !== item) {
      copy = {};
      for (let j = 0; j < i; j += 1) copy[keys[j] as string] = source[keys[j] as string];
    }
    if (copy !== null) copy[key] = wire;
  }
  return copy ?? record;
}

/** An array: itself when no item changes, else a copy (`undefined` items and holes tagged). */
function encodeArray(array: readonly unknown[], ancestors: Set<object>): unknown {
  // Own keys list indices first: a last key that is not an index is an extra property
  // (`Object.assign([], { total: 42 })`), which JSON would drop.
  const keys = Object.keys(array);
  const last = keys[keys.length - 1];
  if (last !== undefined && String(Number(last) >>> 0) !== last) {
    throw new UnrepresentableValueError('an array with properties of its own');
  }
  let copy: unknown[] | null = null;
  for (let i = 0; i < array.length; i += 1) {
    const item = array[i];
    const wire = item === undefined && !(i in array) ? HOLE : encode(item, ancestors);
    if (copy === null && wire !== item) copy = array.slice(0, i);
    if (copy !== null) copy.push(wire);
  }
  return copy ?? array;
}

/**
 * Whether `value` is an instance of a class that holds only data: nothing on its class chain but
 * constructors (no methods, accessors or symbol-keyed members), no `#private` members or engine
 * state, and no hidden own properties.
 */
function isDataOnlyInstance(value: object, prototype: object): boolean {
  if (classChainHiddenState(prototype) !== null) return false;
  if (hasHiddenProperties(value, Object.keys(value))) return false;
  for (
    let current: object | null = prototype;
    current !== null && Object.getPrototypeOf(current) !== null;
    current = Object.getPrototypeOf(current) as object | null
  ) {
    const members = Object.getOwnPropertyNames(current).filter((name) => name !== 'constructor');
    if (members.length > 0 || Object.getOwnPropertySymbols(current).length > 0) return false;
  }
  return true;
}

/** The kind name of `value` (`'Object'`, `'Map'`, `'Uint8Array'`…), `undefined` for any other. */
function kindOf(value: object, prototype: object): string | undefined {
  const local = PROTOTYPES.get(prototype);
  if (local !== undefined) return local;
  const name = constructorName(prototype);
  const foreign = name === undefined ? undefined : OTHER_REALM_BRANDS.get(name);
  if (foreign === undefined || name === 'Buffer') return undefined;
  return chainLength(prototype) === foreign.depth && foreign.brand(value) ? name : undefined;
}

function brandCheck(name: string): (value: object) => boolean {
  switch (name) {
    case 'Object':
      return () => true;
    case 'Array':
      return (value) => Array.isArray(value);
    case 'Date':
      return (value) => types.isDate(value);
    case 'Map':
      return (value) => types.isMap(value);
    case 'Set':
      return (value) => types.isSet(value);
    default:
      return (value) =>
        types.isTypedArray(value) && Object.prototype.toString.call(value) === `[object ${name}]`;
  }
}

function chainLength(prototype: object): number {
  let length = 0;
  for (
    let p: object | null = prototype;
    p !== null;
    p = Object.getPrototypeOf(p) as object | null
  ) {
    length += 1;
  }
  return length;
}

function constructorName(prototype: object): string | undefined {
  const ctor: unknown = Object.getOwnPropertyDescriptor(prototype, 'constructor')?.value;
  return typeof ctor === 'function' && ctor.name !== '' ? ctor.name : undefined;
}

function describeInstance(prototype: object): string {
  const name = constructorName(prototype);
  return name === undefined ? 'an instance of an anonymous class' : `an instance of ${name}`;
}

function refuseOwnProperties(value: object, what: string): void {
  if (Object.keys(value).length > 0) {
    throw new UnrepresentableValueError(`${what} with properties of its own`);
  }
}

function isEnumerable(record: object, key: symbol): boolean {
  return Object.prototype.propertyIsEnumerable.call(record, key);
}

function finiteOrNull(ms: number): number | null {
  return Number.isNaN(ms) ? null : ms;
}
