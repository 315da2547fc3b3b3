import { LATE_WRITE_REPLY } from '../connection/late-write.script.js';
import type { RedisClient } from '../connection/redis-client.factory.js';

/**
 * Adds a member to a tag set and keeps the set bounded: its expiry is pushed out to cover the
 * member's, and past a size limit a sample of members whose key has expired is removed.
 *
 * KEYS[1]: the tag set. ARGV: member (a Redis key), ttlMs, maxMembers, prune (1 or 0).
 */
const TAG_ADD_LUA = `
redis.call('SADD', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
if ARGV[4] == '1' and redis.call('SCARD', KEYS[1]) > tonumber(ARGV[3]) then
  for _, member in ipairs(redis.call('SRANDMEMBER', KEYS[1], 200)) do
    if redis.call('EXISTS', member) == 0 then redis.call('SREM', KEYS[1], member) end
  end
end
return 1
`;

/**
 * Writes an entry with its tags in one step, unless a tag was invalidated since the load began
 * (its version moved) or the write arrived after its caller gave up.
 *
 * KEYS[1]: entry; KEYS[2..n+1]: tag sets; KEYS[n+2..2n+1]: tag versions.
 * ARGV: text, ttlMs, maxMembers, deadlineMs, then the n versions read when the load began
 * (`*` skips the check of that tag). Returns 1 when written, 0 when refused.
 */
const TAGGED_WRITE_LUA = `
local n = (#KEYS - 1) / 2
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
if nowMs > tonumber(ARGV[4]) then
  return redis.error_reply('${LATE_WRITE_REPLY} write arrived after its caller gave up')
end
for i = 1, n do
  local expected = ARGV[4 + i]
  if expected ~= '*' and (redis.call('GET', KEYS[n + 1 + i]) or '0') ~= expected then return 0 end
end
local ttl = tonumber(ARGV[2])
for i = 1, n do
  local tagKey = KEYS[1 + i]
  redis.call('SADD', tagKey, KEYS[1])
  if redis.call('PTTL', tagKey) < ttl then redis.call('PEXPIRE', tagKey, ttl) end
  if redis.call('SCARD', tagKey) > tonumber(ARGV[3]) then
    for _, member in ipairs(redis.call('SRANDMEMBER', tagKey, 200)) do
      if redis.call('EXISTS', member) == 0 then redis.call('SREM', tagKey, member) end
    end
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
return 1
`;

/**
 * Moves a tag's version (so that loads begun before now do not store) and deletes the tag's
 * entries and set. KEYS[1]: tag set; KEYS[2]: tag version. ARGV[1]: version life in ms.
 * Returns how many entries were deleted.
 */
const TAG_INVALIDATE_LUA = `
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[1]))
local members = redis.call('SMEMBERS', KEYS[1])
local deleted = 0
for i = 1, #members, 500 do
  deleted = deleted + redis.call('UNLINK', unpack(members, i, math.min(i + 499, #members)))
end
redis.call('UNLINK', KEYS[1])
return deleted
`;

/** Deletes a lock only if it still holds the caller's token. KEYS[1]: lock; ARGV[1]: token. */
const LOCK_RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

interface CacheScriptClient {
  cacheTagAdd(
    tagKey: string,
    member: string,
    ttlMs: number,
    maxMembers: number,
    prune: 0 | 1,
  ): Promise<number>;
  cacheLockRelease(lockKey: string, token: string): Promise<number>;
  cacheTaggedWrite(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<number>;
  cacheTagInvalidate(tagKey: string, versionKey: string, versionTtlMs: number): Promise<number>;
}

/** Registers the caching scripts on a client (sent as EVALSHA, loaded on first use). */
export function defineCacheScripts(client: RedisClient): void {
  client.defineCommand('cacheTagAdd', { numberOfKeys: 1, lua: TAG_ADD_LUA });
  client.defineCommand('cacheLockRelease', { numberOfKeys: 1, lua: LOCK_RELEASE_LUA });
  client.defineCommand('cacheTaggedWrite', { lua: TAGGED_WRITE_LUA });
  client.defineCommand('cacheTagInvalidate', { numberOfKeys: 2, lua: TAG_INVALIDATE_LUA });
}

/** The client seen through the registered scripts. */
export function scripts(client: RedisClient): CacheScriptClient {
  return client as unknown as CacheScriptClient;
}
