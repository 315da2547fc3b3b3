/**
 * What a codec made of a value: its text, or why it cannot represent the value faithfully.
 *
 * `plainJson: true` promises that `JSON.parse(text)` gives back a value equal to the one
 * encoded (in type and value), with no help from `decode`. Such entries are stored in the plain
 * layout that any JSON reader understands and are read back with `JSON.parse` alone: the fast
 * path of hits.
 *
 * `reason` names what could not be represented (`'a function'`, `'an instance of Product'`),
 * never the value itself: it is logged.
 */
export type EncodedValue =
  { ok: true; text: string; plainJson: boolean } | { ok: false; reason: string };

/**
 * Turns the values of cache entries into text and back (`CacheModule.forRoot({ caching: { codec
 * } })`). A value read back from the cache must equal, in type and value, the value that was
 * written; a value the codec cannot represent so is refused by `encode` (`ok: false`), and the
 * cache then returns it to the caller without storing it.
 *
 * Each entry records the `id` of the codec that wrote it. An entry written by another codec
 * (other than the built-in `'typed'` and `'json'`, which every process reads) is a miss.
 */
export interface CacheValueCodec {
  /**
   * Recorded with every entry written: 1 to 32 characters of `A-Z a-z 0-9 . _ -`. `typed` and
   * `json` are the built-in codecs'. Change it when the text format changes incompatibly.
   */
  readonly id: string;
  /** The text of `value`, or why it cannot be represented. Should not throw (a throw refuses too). */
  encode(value: unknown): EncodedValue;
  /**
   * The value of a text `encode` made.
   *
   * @throws on text it cannot read (the entry is then a miss, and deleted)
   */
  decode(text: string): unknown;
}
