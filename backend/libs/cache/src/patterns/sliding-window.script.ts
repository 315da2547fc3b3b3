import { LuaScript } from './lua-script.js';

/**
 * The window step both scripts share, as a Lua function `slide(key, limit, windowMs, nowMs,
 * member)`: drops the requests older than the window, admits `member` when it is given and the
 * window has room, and returns `allowed (0|1), count, resetAtMs` (`count`: requests the window
 * holds after this one; `resetAtMs`: when the oldest leaves it, or now + window when none).
 */
const SLIDE_FUNCTION = `
local function slide(key, limit, windowMs, nowMs, member)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', nowMs - windowMs)
  local count = redis.call('ZCARD', key)
  local allowed = 0
  if member and count < limit then
    redis.call('ZADD', key, nowMs, member)
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
  return allowed, count, resetAtMs
end
`;

/** Redis's clock in ms, as `nowMs`. */
const NOW_MS = `
local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

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
export const SLIDING_WINDOW_SCRIPT = new LuaScript(`${SLIDE_FUNCTION}${NOW_MS}
local limit = tonumber(ARGV[1])
if nowMs > tonumber(ARGV[4]) then
  return {-1, 0, 0, nowMs}
end
local allowed, count, resetAtMs = slide(KEYS[1], limit, tonumber(ARGV[2]), nowMs, ARGV[3])
local remaining = limit - count
if remaining < 0 then remaining = 0 end
return {allowed, remaining, resetAtMs, nowMs}
`);

/**
 * The same sliding window with a block: a request refused by the window blocks the key for
 * `blockMs`, during which every request is refused and none is counted (the behaviour of
 * `@nestjs/throttler`'s `blockDuration`). With `blockMs` 0 it decides as the plain window does.
 *
 * The block key holds the server-clock time the block ends, and that value decides (its expiry,
 * a second later, only removes it), so a block ends exactly when Redis's `TIME` reaches it.
 *
 * KEYS[1]: the window's sorted set; KEYS[2]: the block (same hash slot).
 * ARGV[1]: limit; ARGV[2]: window in ms; ARGV[3]: a unique member for this request;
 * ARGV[4]: server-clock deadline in ms (as above); ARGV[5]: block in ms (0: none).
 *
 * Returns `{ allowed (0|1), remaining, resetAtMs, nowMs, count, blockedUntilMs }`: `count` is
 * the requests the window holds (this one included when admitted), `blockedUntilMs` when the
 * block that refused this request ends (0 when none did). -1 in place of `allowed`: too late.
 */
export const BLOCKING_SLIDING_WINDOW_SCRIPT = new LuaScript(`${SLIDE_FUNCTION}${NOW_MS}
local limit = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local blockMs = tonumber(ARGV[5])
if nowMs > tonumber(ARGV[4]) then
  return {-1, 0, 0, nowMs, 0, 0}
end
local blockedUntilMs = tonumber(redis.call('GET', KEYS[2]) or '0') or 0
local member = ARGV[3]
if nowMs < blockedUntilMs then
  member = nil
end
local allowed, count, resetAtMs = slide(KEYS[1], limit, windowMs, nowMs, member)
if member and allowed == 0 and blockMs > 0 then
  blockedUntilMs = nowMs + blockMs
  redis.call('SET', KEYS[2], blockedUntilMs, 'PX', blockMs + 1000)
end
if nowMs >= blockedUntilMs then
  blockedUntilMs = 0
end
local remaining = limit - count
if remaining < 0 then remaining = 0 end
return {allowed, remaining, resetAtMs, nowMs, count, blockedUntilMs}
`);
