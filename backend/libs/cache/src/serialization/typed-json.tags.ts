/**
 * The tags of the typed JSON format. A value JSON cannot carry is written as an object with one
 * key, a tag (a NUL character and a letter), whose value is the payload:
 *
 * | tag   | value                        | payload                                        |
 * | ----- | ---------------------------- | ---------------------------------------------- |
 * | `\0u` | `undefined`                  | `0`                                            |
 * | `\0h` | a hole of a sparse array     | `0` (only as an array item)                    |
 * | `\0n` | `NaN`, `±Infinity`, `-0`     | `"NaN"`, `"Infinity"`, `"-Infinity"`, `"-0"`   |
 * | `\0b` | a `bigint`                   | its decimal digits, e.g. `"-12"`               |
 * | `\0d` | a `Date`                     | epoch milliseconds; `null` for an invalid date |
 * | `\0m` | a `Map`                      | `[[key, value], …]`, each encoded              |
 * | `\0s` | a `Set`                      | `[item, …]`, each encoded                      |
 * | `\0B` | a `Buffer`                   | base64                                         |
 * | `\0t` | a typed array (`Uint8Array`) | `[constructor name, base64 of its bytes]`      |
 * | `\0o` | a plain object whose keys    | `[[key, value], …]`: its own keys that start   |
 * |       | collide with tags            | with NUL, or `__proto__`, are data, not tags   |
 * | `\0N` | an object without prototype | `[[key, value], …]`                             |
 *
 * Any other plain object is written as it is: no key of it starts with NUL (those are escaped
 * with `\0o`), so an object whose first key starts with NUL is always a tag. Strings are never
 * read as tags, whatever they contain.
 */
export const TAGS = {
  undefined: '\u0000u',
  hole: '\u0000h',
  number: '\u0000n',
  bigint: '\u0000b',
  date: '\u0000d',
  map: '\u0000m',
  set: '\u0000s',
  buffer: '\u0000B',
  typedArray: '\u0000t',
  object: '\u0000o',
  nullPrototype: '\u0000N',
} as const;

/** The first character of every tag; keys of user objects that start with it are escaped. */
export const TAG_MARK = 0;

/** The numbers JSON has no form for, by their payload. */
export const SPECIAL_NUMBERS: ReadonlyMap<string, number> = new Map([
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['-0', -0],
]);

/** The typed arrays the format carries, by constructor name (their bytes, in this platform's order). */
export const TYPED_ARRAYS = {
  Uint8Array,
  Uint8ClampedArray,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
  BigUint64Array,
  BigInt64Array,
} as const;

export type TypedArrayName = keyof typeof TYPED_ARRAYS;
