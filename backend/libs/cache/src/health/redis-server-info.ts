/** What the health indicator reports about the server, read from `INFO`. */
export interface RedisServerFacts {
  /** `redis_version`, e.g. `7.2.11`; `undefined` when INFO did not say. */
  version: string | undefined;
  /** `maxmemory_policy`, e.g. `allkeys-lru` or `noeviction`. */
  maxmemoryPolicy: string | undefined;
}

/** Parses the text of `INFO` (any sections) into the fields the indicator reports. */
export function parseRedisInfo(text: string): RedisServerFacts {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) fields.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  return { version: fields.get('redis_version'), maxmemoryPolicy: fields.get('maxmemory_policy') };
}

/**
 * First releases of each line that carry the fixes for the Lua CVEs (CVE-2025-49844 and
 * others). Lines not listed and older than the newest fixed line are affected.
 */
const LUA_CVE_FIXED_IN: readonly (readonly [number, number, number])[] = [
  [7, 2, 11],
  [7, 4, 6],
  [8, 2, 2],
];

function parseVersion(version: string): [number, number, number] | null {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) return null;
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i += 1) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * A warning when `version` carries the Lua CVEs (below 7.2.11, 7.4.6 or 8.2.2 on their
 * lines), else `null`. Scripting cannot be turned off (locks, rate limits and BullMQ use it),
 * so the practical guard is to upgrade.
 */
export function luaCveWarning(version: string | undefined): string | null {
  if (version === undefined) return null;
  const parsed = parseVersion(version);
  if (!parsed) return null;
  const sameLine = LUA_CVE_FIXED_IN.find(
    ([major, minor]) => major === parsed[0] && minor === parsed[1],
  );
  const newest = LUA_CVE_FIXED_IN[LUA_CVE_FIXED_IN.length - 1] as readonly number[];
  const affected = sameLine ? compare(parsed, sameLine) < 0 : compare(parsed, newest) < 0;
  if (!affected) return null;
  return (
    `Redis ${version} carries the Lua scripting CVEs (CVE-2025-49844 and others): ` +
    'upgrade to 7.2.11, 7.4.6, 8.2.2 or later'
  );
}
