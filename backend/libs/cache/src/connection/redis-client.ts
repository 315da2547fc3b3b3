import type { Cluster, Redis } from 'ioredis';

/** The raw client: one server (standalone or through Sentinel) or a Cluster. */
export type RedisClient = Redis | Cluster;
