import type { CacheValueCodec, EncodedValue } from './entry-codec.js';
import { fromTypedWire } from './typed-json.decoder.js';
import { toTypedWire, UnrepresentableValueError } from './typed-json.encoder.js';

/** The id entries of {@link TypedJsonCodec} record. */
export const TYPED_JSON_CODEC_ID = 'typed';

/**
 * The default codec: JSON that keeps the types a service method returns in practice, so that a
 * hit equals the miss in type and value. Carries, at any depth: `Date` (an invalid one too),
 * `Map`, `Set`, `bigint`, `Buffer` and typed arrays (`Uint8Array`…), `undefined` (as a property,
 * an array item or the value itself), holes of sparse arrays, `NaN`, `±Infinity` and `-0`,
 * objects without prototype, and plain objects whatever their keys (`__proto__`, keys that look
 * like the format's tags). Strings are never reinterpreted.
 *
 * Refuses, rather than change: a function, a symbol, an instance of a class or of another
 * built-in (`RegExp`, `URL`, `Error`, `Promise`, `WeakMap`, boxed primitives…), subclasses of
 * the kinds above, enumerable symbol keys, a `Map`, `Set` or `Date` with properties of its own,
 * and circular structures. Not kept (as in JSON): non-enumerable properties, extra properties of
 * arrays and buffers, getters (their value is stored), and shared references (an object reached
 * twice comes back as two equal copies).
 *
 * A value that needs none of this is written as plain JSON (`plainJson: true`), and a hit on it
 * costs one `JSON.parse`, as with the `'json'` codec. Otherwise see `typed-json.tags.ts`.
 */
export class TypedJsonCodec implements CacheValueCodec {
  readonly id = TYPED_JSON_CODEC_ID;

  encode(value: unknown): EncodedValue {
    let wire: unknown;
    try {
      wire = toTypedWire(value);
    } catch (error) {
      return { ok: false, reason: refusal(error) };
    }
    let text: string;
    try {
      text = JSON.stringify(wire);
    } catch (error) {
      return { ok: false, reason: refusal(error) };
    }
    return { ok: true, text, plainJson: wire === value };
  }

  decode(text: string): unknown {
    return fromTypedWire(JSON.parse(text));
  }
}

function refusal(error: unknown): string {
  if (error instanceof UnrepresentableValueError) return error.what;
  // Deep recursion overflows the stack (as JSON.stringify would); other errors come from getters.
  if (error instanceof RangeError) return 'a structure nested too deeply';
  return 'a property whose getter throws';
}
