/**
 * Why a value's state cannot be seen by a hash:
 *
 * - `function`: a function (its behaviour and closure are not data);
 * - `symbol`: a symbol (its identity is not data);
 * - `private-fields`: an instance of a class whose source declares `#private` members (or
 *   contains a `#name`: the check reads the class source and errs on the side of hiding);
 * - `native-state`: an object whose state lives in engine slots (Promise, WeakMap, WeakSet,
 *   WeakRef, Error, a subclass of Map, Set, Date…), other than the built-ins a hash reads;
 * - `no-own-state`: a class instance without own enumerable properties (its state, if any,
 *   lives elsewhere: closures, WeakMaps, a service it wraps);
 * - `hidden-properties`: an object with own non-enumerable or symbol-keyed properties;
 * - `too-deep`: nested deeper than the hash reads;
 * - `unreadable`: a getter or `toJSON` threw while it was read.
 */
export type HiddenStateReason =
  | 'function'
  | 'symbol'
  | 'private-fields'
  | 'native-state'
  | 'no-own-state'
  | 'hidden-properties'
  | 'too-deep'
  | 'unreadable';

/** A part of a value whose state a hash cannot see; names types, never values. */
export interface HiddenState {
  readonly reason: HiddenStateReason;
  /** The constructor name of the value (`PrivateUser`, `Promise`), or `function`, `symbol`. */
  readonly typeName: string;
}

/** How a part with hidden state reads in a message: `a PrivateUser (its class may hold …)`. */
export function describeHiddenState(hidden: HiddenState): string {
  const what = `${/^[aeiou]/i.test(hidden.typeName) ? 'an' : 'a'} ${hidden.typeName}`;
  switch (hidden.reason) {
    case 'function':
    case 'symbol':
      return what;
    case 'private-fields':
      return `${what} (its class may hold #private fields)`;
    case 'native-state':
      return `${what} (its state lives inside the engine)`;
    case 'no-own-state':
      return `${what} (an instance without own enumerable properties)`;
    case 'hidden-properties':
      return `${what} (with non-enumerable or symbol-keyed own properties)`;
    case 'too-deep':
      return `${what} (nested too deeply)`;
    case 'unreadable':
      return `${what} (a getter or toJSON() threw when it was read)`;
  }
}

const sourceOf = (fn: unknown): string => Function.prototype.toString.call(fn);

const nativeVerdicts = new WeakMap<object, boolean>();

/** Whether `fn` is implemented by the engine (`function Map() { [native code] }`). Cached. */
export function isNativeFunction(fn: unknown): boolean {
  if (typeof fn !== 'function') return false;
  let native = nativeVerdicts.get(fn);
  if (native === undefined) {
    native = /\{\s*\[native code\]\s*\}\s*$/.test(sourceOf(fn));
    nativeVerdicts.set(fn, native);
  }
  return native;
}

/** A `#name` anywhere in a class source: a private field, method, accessor or brand check. */
const PRIVATE_NAME = /#[\p{ID_Start}$_]/u;

const classVerdicts = new WeakMap<object, HiddenStateReason | null>();

/** What one class's own source says about its instances (cached per class). */
function classVerdict(ctor: object): HiddenStateReason | null {
  const cached = classVerdicts.get(ctor);
  if (cached !== undefined) return cached;
  let verdict: HiddenStateReason | null = null;
  if (isNativeFunction(ctor)) verdict = 'native-state';
  else if (PRIVATE_NAME.test(sourceOf(ctor))) verdict = 'private-fields';
  classVerdicts.set(ctor, verdict);
  return verdict;
}

/**
 * Whether objects with the prototype `prototype` may keep state a hash cannot see, judged from
 * the classes of their prototype chain (up to, not including, `Object.prototype`):
 * `private-fields` when a class source names a `#private` member, `native-state` when a class
 * is an engine class (its state sits in internal slots), `null` otherwise.
 */
export function classChainHiddenState(prototype: object | null): HiddenStateReason | null {
  for (
    let current = prototype;
    current !== null && Object.getPrototypeOf(current) !== null;
    current = Object.getPrototypeOf(current) as object | null
  ) {
    const ctor: unknown = Object.hasOwn(current, 'constructor')
      ? (current as { constructor: unknown }).constructor
      : undefined;
    if (typeof ctor !== 'function') continue;
    const verdict = classVerdict(ctor);
    if (verdict !== null) return verdict;
  }
  return null;
}

/**
 * Whether `value` is a plain object: made by a literal, `Object.create(null)` or `JSON.parse`,
 * in any realm (its prototype, if any, has no prototype of its own).
 */
export function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as object | null;
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}

/** The constructor name of an object, as far as its prototype tells (`Object` when unknown). */
export function typeNameOf(value: object): string {
  try {
    const prototype = Object.getPrototypeOf(value) as { constructor?: unknown } | null;
    const ctor = prototype?.constructor;
    return typeof ctor === 'function' && ctor.name.length > 0 ? ctor.name : 'Object';
  } catch {
    // A revoked Proxy refuses even this.
    return 'Object';
  }
}

/**
 * Whether an object carries properties that its own enumerable string keys do not show
 * (non-enumerable ones, or symbol-keyed ones).
 */
export function hasHiddenProperties(value: object, enumerableKeys: readonly string[]): boolean {
  return (
    Object.getOwnPropertySymbols(value).length > 0 ||
    Object.getOwnPropertyNames(value).length !== enumerableKeys.length
  );
}
