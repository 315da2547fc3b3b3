import { key } from '../keys/cache-keys.js';
import { tryStableHash } from '../keys/stable-hash.js';
import { describeHiddenState, type HiddenState } from '../keys/visible-state.js';

/** Logical-key prefix of service-method entries: `method:<Class>:<method>:<hash>`. */
export const METHOD_KEY_PREFIX = 'method';

/** The default key of one call, or the argument whose state a hash cannot see. */
export type MethodKeyResult =
  { readonly key: string } | { readonly hidden: HiddenState; readonly argumentIndex?: number };

/**
 * The default key of a call of `className.methodName` with `args`: the class, the method and a
 * stable hash of the argument list. Argument lists that differ in arity, type or visible state
 * get different keys; equal ones (objects with keys in any order, see `canonicalForm`) the same.
 */
export function defaultMethodKey(
  className: string,
  methodName: string,
  args: readonly unknown[],
): MethodKeyResult {
  const hashed = tryStableHash(args);
  if ('hidden' in hashed) return hashed;
  return { key: key(METHOD_KEY_PREFIX, className, methodName, hashed.hash) };
}

/** The prefix of every default key of the methods of `className` (for `allEntries`). */
export function methodKeyPrefix(className: string): string {
  return `${key(METHOD_KEY_PREFIX, className)}:`;
}

/** The warning logged (once per method) when a call bypasses the cache; names types only. */
export function hiddenArgumentWarning(
  method: string,
  hidden: HiddenState,
  argumentIndex: number | undefined,
): string {
  const where = argumentIndex === undefined ? 'an argument' : `argument ${argumentIndex}`;
  return (
    `${method}: ${where} holds ${describeHiddenState(hidden)}, whose state the default key ` +
    'cannot see, so calls with such an argument bypass the cache. Give its class a toJSON() ' +
    'that returns what identifies it, or give @Cacheable a key function. (Logged once.)'
  );
}
