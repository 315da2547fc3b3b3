import { createHash } from 'node:crypto';
import { InvalidKeyError } from '../errors/index.js';
import { canonicalForm } from './canonical-form.js';
import { describeHiddenState, type HiddenState } from './visible-state.js';

/** Length of a stable hash, in base64url characters (132 bits of SHA-256). */
export const STABLE_HASH_LENGTH = 22;

/** A stable hash, or the part of the value whose state a hash cannot see. */
export type StableHashResult =
  { readonly hash: string } | { readonly hidden: HiddenState; readonly argumentIndex?: number };

/**
 * A short, stable hash of `value` (SHA-256 of its canonical text, see {@link canonicalForm}):
 * equal values hash alike (object keys in any order), and values that differ in type or visible
 * state hash apart (`1n` and `'1n'`, a `Set` and an array, two `URL`s). When a part of `value`
 * hides its state (a function, a symbol, an instance with `#private` fields and no `toJSON`…),
 * there is no hash: the result names that part instead. Never throws for a value.
 */
export function tryStableHash(value: unknown): StableHashResult {
  const form = canonicalForm(value);
  if ('hidden' in form) return form;
  return {
    hash: createHash('sha256').update(form.text).digest('base64url').slice(0, STABLE_HASH_LENGTH),
  };
}

/**
 * Like {@link tryStableHash}, for values known to be data.
 *
 * @throws InvalidKeyError when a part of `value` hides its state (the message names its type,
 *   never its value)
 */
export function stableHash(value: unknown): string {
  const result = tryStableHash(value);
  if ('hash' in result) return result.hash;
  throw new InvalidKeyError(`a hash cannot see the state of ${describeHiddenState(result.hidden)}`);
}
