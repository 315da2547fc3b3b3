import { LuaScript } from './lua-script.js';

/**
 * Reads a session and slides its expiry in one step. KEYS[1]: the session; ARGV[1]: TTL in ms.
 * Returns the stored value, or nil when it does not exist.
 */
export const TOUCH_SESSION_SCRIPT = new LuaScript(`
local value = redis.call('GET', KEYS[1])
if value then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return value
`);

/**
 * Adds a session id to its user's index and makes the index live at least as long as the
 * session. KEYS[1]: the index set; ARGV[1]: session id; ARGV[2]: TTL in ms.
 */
export const INDEX_SESSION_SCRIPT = new LuaScript(`
redis.call('SADD', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 1
`);
