/** What an invalidation removes: keys, every key under a prefix, every entry of some tags, or all. */
export type Invalidation =
  | { kind: 'keys'; keys: readonly string[] }
  | { kind: 'prefix'; prefix: string }
  | { kind: 'tags'; tags: readonly string[] }
  | { kind: 'all' };

/** Whether `invalidation` removes the entry of `key` written under `tags`. */
export function invalidationCovers(
  invalidation: Invalidation,
  key: string,
  tags: readonly string[] | undefined,
): boolean {
  switch (invalidation.kind) {
    case 'keys':
      return invalidation.keys.includes(key);
    case 'prefix':
      return key.startsWith(invalidation.prefix);
    case 'tags':
      return tags !== undefined && tags.some((t) => invalidation.tags.includes(t));
    case 'all':
      return true;
  }
}

/** A short description for logs and errors: names keys and tags, never values. */
export function describeInvalidation(invalidation: Invalidation): string {
  const list = (items: readonly string[]) =>
    items.length <= 3
      ? items.map((i) => JSON.stringify(i)).join(', ')
      : `${items
          .slice(0, 3)
          .map((i) => JSON.stringify(i))
          .join(', ')} and ${items.length - 3} more`;
  switch (invalidation.kind) {
    case 'keys':
      return `del(${list(invalidation.keys)})`;
    case 'prefix':
      return `deleteByPrefix(${JSON.stringify(invalidation.prefix)})`;
    case 'tags':
      return `invalidateTags(${list(invalidation.tags)})`;
    case 'all':
      return 'clear()';
  }
}
