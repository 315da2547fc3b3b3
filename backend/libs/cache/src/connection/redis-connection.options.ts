import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';

/** A Redis host and port. */
export interface RedisNode {
  host: string;
  port: number;
}

/** Credentials and database shared by every connection mode. */
export interface RedisAuthOptions {
  /** ACL user name; omit for the `default` user. */
  username?: string;
  /** Password (ACL or `requirepass`). Never logged. */
  password?: string;
  /** TLS options; present means `rediss://`. `ca` holds the CA certificate(s) to trust. */
  tls?: TlsConnectionOptions;
}

/** One Redis server. */
export interface StandaloneConnection extends RedisAuthOptions {
  mode: 'standalone';
  host: string;
  port: number;
  /** Database index, 0 by default. */
  db?: number;
}

/** A master found through Sentinel. */
export interface SentinelConnection extends RedisAuthOptions {
  mode: 'sentinel';
  sentinels: RedisNode[];
  /** The master group name the Sentinels monitor. */
  name: string;
  db?: number;
  /** Password of the Sentinels themselves, when they have one. */
  sentinelPassword?: string;
}

/** A Redis Cluster, reached through any of its seed nodes. */
export interface ClusterConnection extends RedisAuthOptions {
  mode: 'cluster';
  nodes: RedisNode[];
}

/** How to reach Redis. */
export type RedisConnectionOptions = StandaloneConnection | SentinelConnection | ClusterConnection;

/** The connection mode, as reported by health and stats; `memory` when no Redis is configured. */
export type RedisConnectionMode = RedisConnectionOptions['mode'] | 'memory';

/**
 * Parses `redis://[user[:password]@]host[:port][/db]` or `rediss://…` (TLS).
 * Throws a `TypeError` that never contains the password.
 */
export function parseRedisUrl(url: string): StandaloneConnection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError('not a valid URL');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new TypeError('the scheme must be redis:// or rediss://');
  }
  if (!parsed.hostname) throw new TypeError('the URL has no host');
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw new TypeError('the database must be a whole number');
  const connection: StandaloneConnection = {
    mode: 'standalone',
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
  };
  if (parsed.username) connection.username = decodeURIComponent(parsed.username);
  if (parsed.password) connection.password = decodeURIComponent(parsed.password);
  if (parsed.protocol === 'rediss:') connection.tls = {};
  return connection;
}

/** Parses `host:port,host:port` into nodes. */
export function parseNodeList(text: string): RedisNode[] {
  const nodes = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0)
    .map((item) => {
      const at = item.lastIndexOf(':');
      const host = at > 0 ? item.slice(0, at) : item;
      const port = at > 0 ? Number(item.slice(at + 1)) : 6379;
      if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
        throw new TypeError(`"${item}" is not host:port`);
      }
      return { host: host.replace(/^\[|\]$/g, ''), port };
    });
  if (nodes.length === 0) throw new TypeError('the list is empty');
  return nodes;
}
