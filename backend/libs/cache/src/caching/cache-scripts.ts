import { LATE_WRITE_REPLY } from '../connection/late-write.script.js';
import type { RedisClient } from '../connection/redis-client.factory.js';

/**
 * Lua helper: the key version at the head of an entry-namespace value (the whole value for the
 * marker of a pending load, the text before the first tab or newline for an entry).
 */
const HEAD_TOKEN_LUA = `
local function head_token(text)
  local stop = string.find(text, '[\\t\\n]')
  if stop then return string.sub(text, 1, stop - 1) end
  return text
end
`;

/**
 * Begins a load: returns the key's current version and its current text, creating a pending
 * marker (the new token, for `pendingTtlMs`) when the key does not exist, and the current
 * version of each tag, creating those that do not exist. A load stores its value only if these
 * versions are unchanged when it writes.
 *
 * KEYS[1]: entry; KEYS[2..]: tag versions (on the entry's node; none on a Cluster).
 * ARGV: newToken, pendingTtlMs, tagVersionTtlMs.
 * Returns { keyToken, currentTextOrNil, tagToken... }.
 */
const BEGIN_LOAD_LUA = `${HEAD_TOKEN_LUA}
local current = redis.call('GET', KEYS[1])
local token
if current then
  token = head_token(current)
else
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  token = ARGV[1]
  current = false
end
local out = { token, current }
for i = 2, #KEYS do
  local version = redis.call('GET', KEYS[i])
  if not version then
    redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[3])
    version = ARGV[1]
  end
  out[i + 1] = version
end
return out
`;

/** The current version of one tag, created when missing. KEYS[1]: tag version. ARGV: newToken, ttlMs. */
const TAG_VERSION_LUA = `
local version = redis.call('GET', KEYS[1])
if version then return version end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]
`;

/**
 * Writes an entry: header line (new key version, then one version per tag) and body.
 *
 * KEYS[1]: entry; KEYS[2..m+1]: tag sets; KEYS[m+2..2m+1]: tag versions (m = 0 on a Cluster,
 * where tags live on other nodes).
 * ARGV[1] body, ARGV[2] ttlMs, ARGV[3] maxTagMembers, ARGV[4] deadlineMs (0: no deadline),
 * ARGV[5] new key version, ARGV[6] expected key version ('' for an unconditional write),
 * ARGV[7] tag version life in ms, ARGV[8..7+m] expected versions of the m tags ('' to take the
 * current one), ARGV[8+m..] versions to record for tags checked elsewhere (Cluster).
 * Returns 1 when written, 0 when refused because a version moved.
 */
const ENTRY_WRITE_LUA = `${HEAD_TOKEN_LUA}
local m = (#KEYS - 1) / 2
local deadline = tonumber(ARGV[4])
if deadline > 0 then
  local now = redis.call('TIME')
  if tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) > deadline then
    return redis.error_reply('${LATE_WRITE_REPLY} write arrived after its caller gave up')
  end
end
if ARGV[6] ~= '' then
  local current = redis.call('GET', KEYS[1])
  if not current or head_token(current) ~= ARGV[6] then return 0 end
end
local ttl = tonumber(ARGV[2])
local header = { ARGV[5] }
for i = 1, m do
  local versionKey = KEYS[m + 1 + i]
  local version = redis.call('GET', versionKey)
  local expected = ARGV[7 + i]
  if expected ~= '' then
    if version ~= expected then return 0 end
  elseif not version then
    version = ARGV[5]
    redis.call('SET', versionKey, version, 'PX', ARGV[7])
  end
  header[#header + 1] = version
end
for i = 8 + m, #ARGV do header[#header + 1] = ARGV[i] end
redis.call('SET', KEYS[1], table.concat(header, '\\t') .. '\\n' .. ARGV[1], 'PX', ttl)
for i = 1, m do
  local tagKey = KEYS[1 + i]
  redis.call('SADD', tagKey, KEYS[1])
  if redis.call('PTTL', tagKey) < ttl then redis.call('PEXPIRE', tagKey, ttl) end
  if redis.call('SCARD', tagKey) > tonumber(ARGV[3]) then
    for _, member in ipairs(redis.call('SRANDMEMBER', tagKey, 200)) do
      if redis.call('EXISTS', member) == 0 then redis.call('SREM', tagKey, member) end
    end
  end
  local versionKey = KEYS[m + 1 + i]
  if redis.call('PTTL', versionKey) < ttl then redis.call('PEXPIRE', versionKey, ttl) end
end
return 1
`;

/**
 * Adds a member to a tag set and keeps the set bounded (Cluster, where the set lives on another
 * node than the entry). KEYS[1]: tag set. ARGV: member (a Redis key), ttlMs, maxMembers.
 */
const TAG_ADD_LUA = `
redis.call('SADD', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
if redis.call('SCARD', KEYS[1]) > tonumber(ARGV[3]) then
  for _, member in ipairs(redis.call('SRANDMEMBER', KEYS[1], 200)) do
    if redis.call('EXISTS', member) == 0 then redis.call('SREM', KEYS[1], member) end
  end
end
return 1
`;

/**
 * Invalidates a tag: gives it a new version (entries written under the old one become misses,
 * even if the tag set was evicted) and deletes the entries its set lists, then the set.
 * KEYS[1]: tag set; KEYS[2]: tag version. ARGV: new version, version life in ms.
 * Returns how many entries were deleted.
 */
const TAG_INVALIDATE_LUA = `
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
local members = redis.call('SMEMBERS', KEYS[1])
local deleted = 0
for i = 1, #members, 500 do
  deleted = deleted + redis.call('UNLINK', unpack(members, i, math.min(i + 499, #members)))
end
redis.call('UNLINK', KEYS[1])
return deleted
`;

/**
 * Takes a per-key lock, or tells who holds it. KEYS[1]: lock. ARGV: token, ttlMs.
 * Returns nil when taken, else the holder's value (a token, or the pass marker).
 */
const LOCK_ACQUIRE_LUA = `
local holder = redis.call('GET', KEYS[1])
if holder then return holder end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
`;

/** Deletes a lock only if it still holds the caller's token. KEYS[1]: lock; ARGV[1]: token. */
const LOCK_RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Replaces the caller's lock with the pass marker for `passMs`: the holder's result was not
 * stored, so the waiters load at once instead of one after another.
 * KEYS[1]: lock; ARGV: token, marker, passMs.
 */
const LOCK_PASS_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
`;

/** Deletes the marker of a load that stored nothing, if it is still that load's. KEYS[1]: entry; ARGV[1]: token. */
const ABANDON_LOAD_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

interface CacheScriptClient {
  cacheAbandonLoad(entryKey: string, token: string): Promise<number>;
  cacheBeginLoad(
    numberOfKeys: number,
    ...keysAndArgs: (string | number)[]
  ): Promise<(string | null)[]>;
  cacheTagVersion(versionKey: string, newToken: string, ttlMs: number): Promise<string>;
  cacheEntryWrite(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<number>;
  cacheTagAdd(tagKey: string, member: string, ttlMs: number, maxMembers: number): Promise<number>;
  cacheTagInvalidate(
    tagKey: string,
    versionKey: string,
    newToken: string,
    versionTtlMs: number,
  ): Promise<number>;
  cacheLockAcquire(lockKey: string, token: string, ttlMs: number): Promise<string | null>;
  cacheLockRelease(lockKey: string, token: string): Promise<number>;
  cacheLockPass(lockKey: string, token: string, marker: string, passMs: number): Promise<number>;
}

/** Registers the caching scripts on a client (sent as EVALSHA, loaded on first use). */
export function defineCacheScripts(client: RedisClient): void {
  client.defineCommand('cacheBeginLoad', { lua: BEGIN_LOAD_LUA });
  client.defineCommand('cacheAbandonLoad', { numberOfKeys: 1, lua: ABANDON_LOAD_LUA });
  client.defineCommand('cacheTagVersion', { numberOfKeys: 1, lua: TAG_VERSION_LUA });
  client.defineCommand('cacheEntryWrite', { lua: ENTRY_WRITE_LUA });
  client.defineCommand('cacheTagAdd', { numberOfKeys: 1, lua: TAG_ADD_LUA });
  client.defineCommand('cacheTagInvalidate', { numberOfKeys: 2, lua: TAG_INVALIDATE_LUA });
  client.defineCommand('cacheLockAcquire', { numberOfKeys: 1, lua: LOCK_ACQUIRE_LUA });
  client.defineCommand('cacheLockRelease', { numberOfKeys: 1, lua: LOCK_RELEASE_LUA });
  client.defineCommand('cacheLockPass', { numberOfKeys: 1, lua: LOCK_PASS_LUA });
}

/** The client seen through the registered scripts. */
export function scripts(client: RedisClient): CacheScriptClient {
  return client as unknown as CacheScriptClient;
}
