import type { RedisConnectionMode } from '../connection/redis-connection.options.js';
import { hashedPart } from './hash-slot.js';

/** Whether `name` already carries a hash tag (a non-empty `{…}`), which decides its slot. */
export function hasHashTag(name: string): boolean {
  return hashedPart(name) !== name;
}

/**
 * Wraps `name` in a hash tag (`orders` → `{orders}`) so that every Redis key built from it lands
 * in one Cluster slot. A name that already carries a tag is returned unchanged.
 */
export function withHashTag(name: string): string {
  if (name.length === 0) throw new TypeError('a name to tag must not be empty');
  return hasHashTag(name) ? name : `{${name}}`;
}

/**
 * The queue name to give BullMQ. BullMQ runs multi-key scripts over the keys of one queue; in a
 * Redis Cluster those keys must share a slot or Redis answers CROSSSLOT, so in Cluster mode the
 * name is hash-tagged (`emails` → `{emails}`). Other modes keep the name as it is, so existing
 * queues keep their keys.
 *
 * @param mode the connection mode (`RedisService.mode`).
 */
export function queueNameFor(name: string, mode: RedisConnectionMode): string {
  return mode === 'cluster' ? withHashTag(name) : name;
}
