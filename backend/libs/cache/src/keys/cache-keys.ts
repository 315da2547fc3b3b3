import { joinKey, type KeyPart } from './key-encoding.js';

/**
 * Builds a logical key from parts, each encoded so that parts never run into each other.
 *
 * @example key('user', userId, 'credits') // 'user:42:credits'
 * @throws InvalidKeyError when there is no part, or a part is not a string or a finite number
 */
export function key(...parts: KeyPart[]): string {
  return joinKey(parts);
}
