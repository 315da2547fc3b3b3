import { LuaScript } from './lua-script.js';

/**
 * Sliding-window log in one sorted set per key: members are the admitted requests, scored by
 * the server's time in ms. Exact (no burst at a window edge, unlike fixed windows, and no
 * estimate, unlike the two-window weighted counter), atomic (one script), and bounded in memory:
 * only admitted requests are stored, so a key never holds more than `limit` members. The clock
 * is Redis's own `TIME`, so every process sees one clock.
 *
 * KEYS[1]: the window's sorted set.
 * ARGV[1]: limit; ARGV[2]: window in ms; ARGV[3]: a unique member for this request;
 * ARGV[4]: server-clock deadline in ms after which the request is not counted (the caller gave up).
 *
 * Returns `{ allowed (0|1), remaining, resetAtMs, nowMs }`; `resetAtMs` is when the oldest
 * admitted request leaves the window (one more slot frees), or now + window when none is held.
 * Returns -1 in place of `allowed` when it arrived after the deadline.
 */
export const SLIDING_WINDOW_SCRIPT = new LuaScript(`
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if nowMs > tonumber(ARGV[4]) then
  return {-1, 0, 0, nowMs}
end
redis.call('ZREMRANGEBYSCORE', key, '-inf', nowMs - windowMs)
local count = redis.call('ZCARD', key)
local allowed = 0
if count < limit then
  redis.call('ZADD', key, nowMs, ARGV[3])
  count = count + 1
  allowed = 1
end
if count > 0 then
  redis.call('PEXPIRE', key, windowMs)
end
local resetAtMs = nowMs + windowMs
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
if oldest[2] then
  resetAtMs = tonumber(oldest[2]) + windowMs
end
local remaining = limit - count
if remaining < 0 then remaining = 0 end
return {allowed, remaining, resetAtMs, nowMs}
`);
