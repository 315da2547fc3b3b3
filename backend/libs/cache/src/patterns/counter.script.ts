import { LuaScript } from './lua-script.js';

/**
 * Adds to a counter and, when it has no expiry yet, gives it one, in one step.
 * KEYS[1]: the counter; ARGV[1]: the amount (may be negative); ARGV[2]: TTL in ms, or 0 for none.
 * Returns the new value.
 */
export const COUNTER_SCRIPT = new LuaScript(`
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttlMs = tonumber(ARGV[2])
if ttlMs > 0 and redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('PEXPIRE', KEYS[1], ttlMs)
end
return value
`);
