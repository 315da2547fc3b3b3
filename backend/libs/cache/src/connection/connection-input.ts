import { InvalidCacheOptionsError } from '../errors/index.js';
import {
  parseRedisUrl,
  type RedisConnectionOptions,
  type RedisNode,
} from './redis-connection.options.js';

/** What `connection` (and `stateConnection`) accept: a `redis://` or `rediss://` URL, or options. */
export type RedisConnectionInput = RedisConnectionOptions | string;

const URL_ACCEPTS =
  "a redis:// or rediss:// URL, or { mode: 'standalone' | 'sentinel' | 'cluster', … }";

/**
 * Checks a connection given to the module and returns it as options: a URL is parsed, an object
 * is checked field by field. Never echoes a value (a URL or an object may hold a password).
 *
 * @param field the option's name in error messages (`connection`, `stateConnection`)
 * @throws InvalidCacheOptionsError naming the first field that is wrong and what it accepts
 */
export function resolveConnectionInput(
  input: RedisConnectionInput,
  field: string,
): RedisConnectionOptions {
  if (typeof input === 'string') {
    try {
      return parseRedisUrl(input);
    } catch {
      throw new InvalidCacheOptionsError(field, URL_ACCEPTS);
    }
  }
  if (typeof input !== 'object' || input === null) {
    throw new InvalidCacheOptionsError(field, URL_ACCEPTS);
  }
  const record = input as unknown as Record<string, unknown>;
  switch (record.mode) {
    case 'standalone':
      requireHost(record.host, `${field}.host`);
      requirePort(record.port, `${field}.port`);
      optionalDb(record.db, `${field}.db`);
      break;
    case 'sentinel':
      requireNodes(record.sentinels, `${field}.sentinels`);
      if (typeof record.name !== 'string' || record.name.trim() === '') {
        throw new InvalidCacheOptionsError(`${field}.name`, 'the master group name');
      }
      optionalDb(record.db, `${field}.db`);
      break;
    case 'cluster':
      requireNodes(record.nodes, `${field}.nodes`);
      break;
    default:
      throw new InvalidCacheOptionsError(`${field}.mode`, `'standalone', 'sentinel' or 'cluster'`);
  }
  for (const credential of ['username', 'password'] as const) {
    const value = record[credential];
    if (value !== undefined && typeof value !== 'string') {
      throw new InvalidCacheOptionsError(`${field}.${credential}`, 'a string');
    }
  }
  return input;
}

function requireHost(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.trim() === '' || /\s/.test(value)) {
    throw new InvalidCacheOptionsError(field, 'a host name or IP address');
  }
}

function requirePort(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65_535) {
    throw new InvalidCacheOptionsError(field, 'a whole number from 1 to 65535');
  }
}

function optionalDb(value: unknown, field: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new InvalidCacheOptionsError(field, 'a database index, 0 or more');
  }
}

function requireNodes(value: unknown, field: string): asserts value is RedisNode[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidCacheOptionsError(field, 'a non-empty list of { host, port }');
  }
  value.forEach((node: unknown, i) => {
    const entry = (typeof node === 'object' && node !== null ? node : {}) as Record<
      string,
      unknown
    >;
    requireHost(entry.host, `${field}[${i}].host`);
    requirePort(entry.port, `${field}[${i}].port`);
  });
}
