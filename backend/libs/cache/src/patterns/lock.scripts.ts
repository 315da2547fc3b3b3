import { LuaScript } from './lua-script.js';

/**
 * Takes the lock and draws a fencing token in one step.
 *
 * KEYS[1]: the lock; KEYS[2]: its fencing counter (same hash slot).
 * ARGV[1]: the holder's random token; ARGV[2]: TTL in ms; ARGV[3]: server-clock deadline in ms.
 *
 * The counter is INCR'd, so tokens only grow while it lives. When it is missing (first use, or a
 * restart lost it) it is first seeded with the server time in microseconds, which is above every
 * token drawn before as long as fewer than one token per microsecond was drawn since the last
 * seed: a restart of Redis never hands out a token below one a protected resource has seen.
 * For the same reason the counter may expire (a day after the last acquisition).
 *
 * Returns the fencing token, 0 when the lock is held by someone else, -1 when the request
 * arrived after its deadline (nothing was taken).
 */
export const ACQUIRE_LOCK_SCRIPT = new LuaScript(`
local t = redis.call('TIME')
if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[3]) then
  return -1
end
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 0
end
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SET', KEYS[2], t[1] .. string.format('%06d', tonumber(t[2])))
end
local fencingToken = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], 86400000)
return fencingToken
`);

/** Deletes the lock only if ARGV[1] is the holder's token. Returns 1 when deleted, else 0. */
export const RELEASE_LOCK_SCRIPT = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

/** Sets the lock's TTL to ARGV[2] ms only if ARGV[1] is the holder's token. Returns 1 or 0. */
export const EXTEND_LOCK_SCRIPT = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`);
