/** The outcome of decoding a stored value. */
export type DecodeResult<T> = { ok: true; value: T } | { ok: false };

/**
 * Turns values into the strings stored in Redis and back. The default is JSON; a value that
 * cannot be decoded is reported, not thrown, so that the caller treats it as a miss.
 */
export interface CacheSerializer {
  serialize(value: unknown): string;
  deserialize<T>(text: string): DecodeResult<T>;
}

/** JSON serializer. `undefined` is refused by `serialize` (it has no JSON form). */
export class JsonSerializer implements CacheSerializer {
  serialize(value: unknown): string {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError('value has no JSON representation');
    return text;
  }

  deserialize<T>(text: string): DecodeResult<T> {
    try {
      return { ok: true, value: JSON.parse(text) as T };
    } catch {
      return { ok: false };
    }
  }
}
