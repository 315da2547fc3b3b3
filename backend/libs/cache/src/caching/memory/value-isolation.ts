/**
 * Keeps a value held by the memory tier from being changed through what a caller got.
 *
 * Plain objects and arrays are deep-frozen once, on insert: a hit then returns the held value
 * itself, at no cost. A `Map`, `Set`, `Date` or typed array cannot be frozen (their contents
 * stay writable), so a value that holds one anywhere is copied on every hit instead.
 */
export type IsolatedValue = { kind: 'frozen'; value: unknown } | { kind: 'copied'; value: unknown };

/** Prepares `value` to be held: frozen when `mode` is `'freeze'` and freezing protects it. */
export function isolate(value: unknown, mode: 'freeze' | 'copy'): IsolatedValue {
  if (mode === 'freeze' && freezable(value)) return { kind: 'frozen', value: deepFreeze(value) };
  return { kind: 'copied', value: deepCopy(value) };
}

/** What a caller gets from a held value: the value itself when frozen, else its own copy. */
export function release(held: IsolatedValue): unknown {
  return held.kind === 'frozen' ? held.value : deepCopy(held.value);
}

/** Whether deep-freezing `value` makes it read-only (no Map, Set, Date or typed array inside). */
function freezable(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (value instanceof Map || value instanceof Set || value instanceof Date) return false;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return false;
  for (const key of Object.keys(value)) {
    if (!freezable((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return Object.freeze(value);
}

/**
 * A deep copy of a decoded value (what the codecs produce: plain objects and arrays, `Map`,
 * `Set`, `Date`, `Buffer` and typed arrays, primitives). Prototypes of plain objects are kept.
 */
export function deepCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => deepCopy(item)) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (value instanceof Map) {
    return new Map([...value].map(([k, v]: [unknown, unknown]) => [deepCopy(k), deepCopy(v)])) as T;
  }
  if (value instanceof Set) return new Set([...value].map((v: unknown) => deepCopy(v))) as T;
  if (Buffer.isBuffer(value)) return Buffer.from(value) as T;
  if (value instanceof DataView) {
    const end = value.byteOffset + value.byteLength;
    return new DataView(value.buffer.slice(value.byteOffset, end)) as T;
  }
  if (ArrayBuffer.isView(value)) {
    const view = value as unknown as { slice(): unknown };
    return view.slice() as T;
  }
  if (value instanceof ArrayBuffer) return value.slice(0) as T;
  const copy = Object.create(Object.getPrototypeOf(value) as object | null) as Record<
    string,
    unknown
  >;
  for (const key of Object.keys(value)) {
    // Defined, not assigned: an own `__proto__` key (JSON allows it) stays data, never a prototype.
    Object.defineProperty(copy, key, {
      value: deepCopy((value as Record<string, unknown>)[key]),
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return copy as T;
}
