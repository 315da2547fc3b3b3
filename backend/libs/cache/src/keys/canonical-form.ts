import { types } from 'node:util';
import {
  classChainHiddenState,
  hasHiddenProperties,
  isNativeFunction,
  isPlainObject,
  typeNameOf,
  type HiddenState,
  type HiddenStateReason,
} from './visible-state.js';

/** How deep a value is read; anything deeper is hidden state (`too-deep`). */
export const MAX_CANONICAL_DEPTH = 64;

/**
 * The canonical text of a value, or the part of it whose state cannot be seen.
 * `argumentIndex` is the index, in the top-level array, of the element that holds the hidden
 * part (for messages such as "argument 0 holds…"); it is absent when the top level is hidden.
 */
export type CanonicalForm =
  { readonly text: string } | { readonly hidden: HiddenState; readonly argumentIndex?: number };

/**
 * The canonical text of `value`: two values get the same text exactly when they are equal in
 * the sense below, so a hash of the text can key a cache.
 *
 * Equal means: same type tag and same visible state, compared recursively.
 * - Primitives are compared with `Object.is`: `NaN` equals `NaN`, `0` and `-0` differ, `1`,
 *   `'1'` and `1n` differ, `undefined` and `null` differ.
 * - Arrays by length and elements (a hole differs from `undefined`), plus any own enumerable
 *   non-index properties. Plain objects by their own enumerable string-keyed properties, in any
 *   order (`{a:1,b:2}` equals `{b:2,a:1}`; `{a:undefined}` differs from `{}`).
 * - `Date` by time value, `RegExp` by source and flags (`lastIndex` is ignored), `URL` by `href`,
 *   `URLSearchParams` by its text, `Buffer`, typed arrays, `DataView` and `ArrayBuffer` by type
 *   and bytes, `Map` and `Set` by content in any order, boxed primitives by their primitive.
 * - An object with a `toJSON()` method (not one of the above) by its constructor name and what
 *   `toJSON('')` returns: `toJSON` states what identifies it, even when it has private fields.
 * - Any other class instance by its constructor name and own enumerable properties, when those
 *   are its whole state ("visible state"): its classes declare no `#private` member, none is an
 *   engine class, it has at least one own enumerable property, and no non-enumerable or
 *   symbol-keyed own one. A class-validator DTO qualifies.
 * - Cycles are encoded by the depth of the ancestor they point to.
 *
 * Everything else (functions, symbols, instances whose state is hidden, see
 * {@link HiddenStateReason}) has no canonical text: the result names the first such part.
 * State kept outside the object where no check can see it (a WeakMap of down-levelled private
 * fields, a closure assigned to no property) is not detected: give such a class a `toJSON()`.
 */
export function canonicalForm(value: unknown): CanonicalForm {
  const encoder = new CanonicalEncoder();
  try {
    return { text: encoder.encode(value) };
  } catch (error) {
    if (!(error instanceof HiddenStateFound)) throw error;
    return error.argumentIndex === undefined
      ? { hidden: error.hidden }
      : { hidden: error.hidden, argumentIndex: error.argumentIndex };
  }
}

/** Unwinds the encoder at the first hidden part; never leaves this file. */
class HiddenStateFound extends Error {
  constructor(
    readonly hidden: HiddenState,
    readonly argumentIndex: number | undefined,
  ) {
    super('hidden state');
  }
}

/**
 * Writes a self-delimiting text per value, so the text of a sequence is the concatenation of
 * its elements' texts and no two different values share one:
 * `u` undefined, `n` null, `t`/`f`, `d<number>;`, `b<digits>;`, `s<JSON string>`,
 * `D<ms>;`, `R<JSON source>/<flags>;`, `U<JSON href>`, `P<JSON text>`, `X<type>:<base64>;`,
 * `O(<primitive>)`, `[<elements>]`, `A[<elements>]{<extra properties>}`, `{<"key"value>…}`,
 * `C<JSON name>{…}`, `J<JSON name>(<toJSON result>)`, `M{<key value>…}`, `S{<element>…}`,
 * `_` an array hole, `^<depth>;` a reference to an ancestor.
 */
class CanonicalEncoder {
  /** The objects from the root to the value being encoded, for cycles. */
  private readonly path: object[] = [];
  private argumentIndex: number | undefined;

  encode(value: unknown): string {
    if (value === null) return 'n';
    switch (typeof value) {
      case 'undefined':
        return 'u';
      case 'boolean':
        return value ? 't' : 'f';
      case 'number':
        return `d${Object.is(value, -0) ? '-0' : String(value)};`;
      case 'bigint':
        return `b${value.toString()};`;
      case 'string':
        return `s${JSON.stringify(value)}`;
      case 'symbol':
        return this.hide('symbol', 'symbol');
      case 'function':
        return this.hide('function', 'function');
      default:
        return this.encodeObject(value);
    }
  }

  private encodeObject(value: object): string {
    const ancestor = this.path.indexOf(value);
    if (ancestor !== -1) return `^${ancestor};`;
    if (this.path.length >= MAX_CANONICAL_DEPTH) return this.hide('too-deep', typeNameOf(value));
    this.path.push(value);
    try {
      return this.encodeByType(value);
    } catch (error) {
      if (error instanceof HiddenStateFound) throw error;
      return this.hide('unreadable', typeNameOf(value));
    } finally {
      this.path.pop();
    }
  }

  private encodeByType(value: object): string {
    const builtIn = this.encodeBuiltIn(value);
    if (builtIn !== undefined) return builtIn;
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      const shown: unknown = toJSON.call(value, '');
      return `J${JSON.stringify(typeNameOf(value))}(${this.child(shown)})`;
    }
    if (isPlainObject(value)) return this.encodeProperties(value, Object.keys(value));
    return this.encodeInstance(value);
  }

  /** The built-ins read by their content; `undefined` for anything else. */
  private encodeBuiltIn(value: object): string | undefined {
    const prototype = Object.getPrototypeOf(value) as object | null;
    // Only the exact classes: a subclass may hold state its content does not show.
    if (prototype === Buffer.prototype)
      return this.sealed(value, `XBuffer:${(value as Buffer).toString('base64')};`);
    if (prototype === URL.prototype)
      return this.sealed(value, `U${JSON.stringify((value as URL).href)}`);
    if (prototype === URLSearchParams.prototype) {
      return this.sealed(value, `P${JSON.stringify((value as URLSearchParams).toString())}`);
    }
    if (value instanceof URL || value instanceof URLSearchParams || Buffer.isBuffer(value)) {
      return this.hide('native-state', typeNameOf(value));
    }
    if (!hasEngineClass(value)) return undefined;
    if (Array.isArray(value)) return this.encodeArray(value);
    const content = this.encodeContent(value);
    // A Date, Map, Set… is read by its content: own properties would not be in it.
    return content === undefined ? undefined : this.sealed(value, content);
  }

  /** The content of an engine built-in other than an array; `undefined` for anything else. */
  private encodeContent(value: object): string | undefined {
    if (types.isArrayBufferView(value)) {
      const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      return `X${tagOf(value)}:${bytes.toString('base64')};`;
    }
    if (types.isAnyArrayBuffer(value)) {
      return `X${tagOf(value)}:${Buffer.from(value).toString('base64')};`;
    }
    if (types.isDate(value)) return `D${value.getTime()};`;
    if (types.isRegExp(value)) return `R${JSON.stringify(value.source)}/${value.flags};`;
    if (types.isBoxedPrimitive(value)) {
      return `O(${this.encode((value as { valueOf(): unknown }).valueOf())})`;
    }
    if (types.isMap(value)) {
      const entries = [...value].map(([k, v]) => this.child(k) + this.child(v));
      return `M{${entries.sort().join('')}}`;
    }
    if (types.isSet(value)) {
      return `S{${[...value]
        .map((item) => this.child(item))
        .sort()
        .join('')}}`;
    }
    return undefined;
  }

  private encodeArray(value: readonly unknown[]): string {
    let elements = '';
    for (let i = 0; i < value.length; i += 1) {
      elements += i in value ? this.child(value[i], i) : '_';
    }
    const extra = Object.keys(value).filter((k) => !isArrayIndex(k, value.length));
    return extra.length === 0
      ? `[${elements}]`
      : `A[${elements}]${this.encodeProperties(value, extra)}`;
  }

  /** A built-in read by its content, when it has no own properties besides it. */
  private sealed(value: object, text: string): string {
    const length =
      types.isTypedArray(value) || types.isStringObject(value)
        ? (value as { length: number }).length
        : 0;
    const extra = Object.keys(value).filter((k) => !isArrayIndex(k, length));
    return extra.length > 0 ? this.hide('hidden-properties', typeNameOf(value)) : text;
  }

  /** A class instance: its own enumerable properties, when they are all its state. */
  private encodeInstance(value: object): string {
    const typeName = typeNameOf(value);
    const prototype = Object.getPrototypeOf(value) as object | null;
    const chain = classChainHiddenState(prototype);
    if (chain !== null) return this.hide(chain, typeName);
    if (inheritsData(prototype)) return this.hide('hidden-properties', typeName);
    const keys = Object.keys(value);
    if (keys.length === 0) return this.hide('no-own-state', typeName);
    return `C${JSON.stringify(typeName)}${this.encodeProperties(value, keys)}`;
  }

  /** `{"a"<text>"b"<text>}` over `keys` in sorted order; refuses hidden properties. */
  private encodeProperties(value: object, keys: string[]): string {
    if (!Array.isArray(value) && hasHiddenProperties(value, keys)) {
      return this.hide('hidden-properties', typeNameOf(value));
    }
    const record = value as Record<string, unknown>;
    const parts = keys.sort().map((k) => `${JSON.stringify(k)}${this.child(record[k])}`);
    return `{${parts.join('')}}`;
  }

  /** Encodes a nested value; `index` is its index in an array. */
  private child(value: unknown, index?: number): string {
    if (this.path.length === 1 && index !== undefined) this.argumentIndex = index;
    return this.encode(value);
  }

  private hide(reason: HiddenStateReason, typeName: string): never {
    throw new HiddenStateFound({ reason, typeName }, this.argumentIndex);
  }
}

/**
 * Whether the class of `value` is the engine's own (`Array`, `Map`, `Date`…) rather than a user
 * subclass, whose extra state the content of the built-in would not show.
 */
function hasEngineClass(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as { constructor?: unknown } | null;
  return prototype !== null && isNativeFunction(prototype.constructor);
}

/**
 * Whether the prototype chain (below `Object.prototype`) holds data an instance reads as its own:
 * a prototype that is not a class's (`Object.create(defaults)`), or a class prototype with data
 * properties (`Foo.prototype.tenant = 'a'`).
 */
function inheritsData(prototype: object | null): boolean {
  for (
    let current = prototype;
    current !== null && Object.getPrototypeOf(current) !== null;
    current = Object.getPrototypeOf(current) as object | null
  ) {
    if (typeof Object.getOwnPropertyDescriptor(current, 'constructor')?.value !== 'function') {
      return true;
    }
    for (const name of Object.getOwnPropertyNames(current)) {
      const descriptor = Object.getOwnPropertyDescriptor(current, name);
      if (descriptor && 'value' in descriptor && typeof descriptor.value !== 'function')
        return true;
    }
  }
  return false;
}

function tagOf(value: object): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

function isArrayIndex(key: string, length: number): boolean {
  const index = Number(key);
  return Number.isInteger(index) && index >= 0 && index < length && String(index) === key;
}
