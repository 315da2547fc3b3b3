import { randomBytes } from 'node:crypto';

/** A random identity of this process, so that tokens from two processes never collide. */
const PROCESS_PART = randomBytes(9).toString('base64url');
let counter = 0;

/**
 * A new version token: unique across processes and restarts (random process part, counter),
 * URL-safe, never containing a tab or a newline. Versions are compared for equality only, so a
 * version that Redis evicted and that is then created again never equals one seen before it.
 */
export function newVersionToken(): string {
  counter += 1;
  return `${PROCESS_PART}${counter.toString(36)}`;
}
