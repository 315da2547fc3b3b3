import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './redis-client.factory.js';

/** The reply prefix Redis gives to a guarded write that arrived after its deadline. */
export const LATE_WRITE_REPLY = 'DEADLINE';

/**
 * The start of every guarded script: refuses the call when Redis's clock (`TIME`) is past
 * ARGV[1], the deadline in ms of the server's clock.
 */
export const DEADLINE_CHECK_LUA = `
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
if nowMs > tonumber(ARGV[1]) then
  return redis.error_reply('${LATE_WRITE_REPLY} write arrived after its caller gave up')
end`;

/**
 * Runs a write only if Redis receives it before the caller's deadline. A caller that timed out
 * during a pause or network stall has given up; without this guard its write would still be
 * applied when Redis resumes reading the socket.
 *
 * KEYS: the keys the command touches (for Cluster routing). ARGV[1]: deadline in ms of the
 * server's clock; ARGV[2]: the command; ARGV[3..]: its arguments.
 */
const GUARDED_WRITE_LUA = `${DEADLINE_CHECK_LUA}
return redis.call(ARGV[2], unpack(ARGV, 3))
`;

interface GuardedWriteClient {
  guardedWrite(...args: (string | number)[]): Promise<unknown>;
}

interface GuardedWritePipeline {
  guardedWrite(...args: (string | number)[]): unknown;
}

/** Registers the guarded-write script on a client (sent as EVALSHA, loaded on first use). */
export function defineGuardedWrite(client: RedisClient): void {
  client.defineCommand('guardedWrite', { lua: GUARDED_WRITE_LUA });
}

/**
 * Sends `command args…` through the guard.
 *
 * @param deadlineMs the server-clock time after which the write must not be applied.
 */
export function guardedWrite(
  client: RedisClient,
  keys: readonly string[],
  deadlineMs: number,
  command: string,
  args: readonly (string | number)[],
): Promise<unknown> {
  const guarded = client as unknown as GuardedWriteClient;
  return guarded.guardedWrite(keys.length, ...keys, deadlineMs, command, ...args);
}

/** Queues a guarded write on a pipeline (same arguments as {@link guardedWrite}). */
export function guardedWriteInPipeline(
  pipeline: ChainableCommander,
  keys: readonly string[],
  deadlineMs: number,
  command: string,
  args: readonly (string | number)[],
): void {
  const guarded = pipeline as unknown as GuardedWritePipeline;
  guarded.guardedWrite(keys.length, ...keys, deadlineMs, command, ...args);
}
