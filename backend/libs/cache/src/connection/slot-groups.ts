import { Cluster } from 'ioredis';
import { hashSlot } from '../keys/hash-slot.js';
import type { RedisClient } from './redis-client.factory.js';

/**
 * What a group of keys must share to travel together in a Cluster: `slot` for one multi-key
 * command (MGET, UNLINK), `node` for one pipeline (ioredis sends a pipeline to one node, so
 * every key's slot must be served by the same node).
 */
export type SlotGroupScope = 'slot' | 'node';

/**
 * Splits items by the Cluster slot (or serving node) of their key, keeping their order within
 * each group. On a single server (standalone or Sentinel) everything is one group.
 */
export function groupByKeySlot<T>(
  client: RedisClient | null,
  items: readonly T[],
  keyOf: (item: T) => string,
  scope: SlotGroupScope,
): T[][] {
  if (!(client instanceof Cluster)) return items.length === 0 ? [] : [[...items]];
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const slot = hashSlot(keyOf(item));
    // Unknown slot owners (slots not loaded yet) fall back to one group per slot.
    const owner = scope === 'node' ? client.slots[slot]?.join(';') : undefined;
    const id = owner ?? `slot:${slot}`;
    const group = groups.get(id);
    if (group) group.push(item);
    else groups.set(id, [item]);
  }
  return [...groups.values()];
}
