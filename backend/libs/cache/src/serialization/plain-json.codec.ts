import type { CacheValueCodec, EncodedValue } from './entry-codec.js';

/** The id entries of {@link PlainJsonCodec} record. */
export const PLAIN_JSON_CODEC_ID = 'json';

/**
 * Plain `JSON.stringify` / `JSON.parse` (`caching: { codec: 'json' }`): entries other programs
 * can read as they are (`{"v": <value>, "t": …}` after the header line, when not compressed).
 *
 * What it loses, silently: a `Date` comes back as its ISO string, a `Map` or `Set` as `{}`, a
 * `Buffer` as `{ type: 'Buffer', data: [...] }`, a class instance as a plain object of its
 * enumerable fields (or whatever its `toJSON` returns), `undefined` properties disappear,
 * `undefined`, `NaN` and `±Infinity` array items and a top-level `undefined` become `null`,
 * `-0` becomes `0`. Refuses what `JSON.stringify` refuses: a `bigint`, a circular structure, a
 * function or symbol at the top level.
 */
export class PlainJsonCodec implements CacheValueCodec {
  readonly id = PLAIN_JSON_CODEC_ID;

  encode(value: unknown): EncodedValue {
    let text: string | undefined;
    try {
      text = JSON.stringify(value === undefined ? null : value);
    } catch (error) {
      return { ok: false, reason: refusal(error) };
    }
    if (text === undefined) return { ok: false, reason: `a ${typeof value} (no JSON form)` };
    return { ok: true, text, plainJson: true };
  }

  decode(text: string): unknown {
    return JSON.parse(text);
  }
}

/** `JSON.stringify` throws a `TypeError` for a bigint or a cycle; its message holds no data. */
function refusal(error: unknown): string {
  if (!(error instanceof TypeError)) return 'a value JSON.stringify rejects';
  if (/bigint/i.test(error.message)) return 'a bigint (no JSON form)';
  if (/circular/i.test(error.message)) return 'a circular reference';
  return 'a value JSON.stringify rejects';
}
