import { isRawWrite, type InvalidationRecord, type ReadRecord } from './history.model.js';

/**
 * Which invalidations cover a read's key: a `del` or `set` of the key (by the cache or a raw
 * client), a tag its entries carry, a prefix of the key, or `clear`.
 */
export class Coverage {
  private readonly byKey = new Map<string, InvalidationRecord[]>();
  private readonly byTag = new Map<string, InvalidationRecord[]>();
  private readonly prefixes: InvalidationRecord[] = [];
  private readonly clears: InvalidationRecord[] = [];
  private readonly cache = new Map<string, InvalidationRecord[]>();

  constructor(invalidations: readonly InvalidationRecord[]) {
    for (const inv of invalidations) {
      if (inv.kind === 'del' || inv.kind === 'set' || isRawWrite(inv.kind)) {
        pushTo(this.byKey, inv.target, inv);
      } else if (inv.kind === 'tag' || inv.kind === 'groupTag') pushTo(this.byTag, inv.target, inv);
      else if (inv.kind === 'prefix') this.prefixes.push(inv);
      else this.clears.push(inv);
    }
  }

  /** Every invalidation (any outcome) that covers the read's key. */
  of(read: ReadRecord): InvalidationRecord[] {
    const cacheKey = `${read.key}|${read.tags.join(',')}`;
    const known = this.cache.get(cacheKey);
    if (known) return known;
    const found = [
      ...(this.byKey.get(read.key) ?? []),
      ...read.tags.flatMap((tag) => this.byTag.get(tag) ?? []),
      ...this.prefixes.filter((inv) => read.key.startsWith(inv.target)),
      ...this.clears,
    ];
    this.cache.set(cacheKey, found);
    return found;
  }
}

export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
