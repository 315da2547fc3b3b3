import { createHash } from 'node:crypto';

/**
 * A short, stable hash of any JSON-like value: object keys are sorted, so `{a:1,b:2}` and
 * `{b:2,a:1}` hash alike. `undefined`, functions and symbols hash as `null`; bigints as text.
 */
export function stableHash(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('base64url').slice(0, 22);
}

/** JSON with sorted object keys. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(normalise(value, new WeakSet<object>()));
}

function normalise(value: unknown, seen: WeakSet<object>): unknown {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return null;
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => normalise(item, seen));
    if (value instanceof Map) return normalise(Object.fromEntries(value), seen);
    if (value instanceof Set) return normalise([...value], seen);
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((k) => [k, normalise(record[k], seen)]),
    );
  } finally {
    seen.delete(value);
  }
}
