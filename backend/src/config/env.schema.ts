import { z } from 'zod';

const BOOLEAN_WORDS = ['true', 'false', '1', '0', 'yes', 'no'] as const;

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, { error: `a whole number from ${min} to ${max}` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: `a whole number from ${min} to ${max}` });

const flag = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => (BOOLEAN_WORDS as readonly string[]).includes(v), {
    error: 'true or false',
  })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const redisUrl = z
  .string()
  .trim()
  .regex(/^rediss?:\/\/[^\s]+$/, { error: 'a redis:// or rediss:// URL' });

const nodeList = z
  .string()
  .trim()
  // host:port items; an IPv6 host goes in brackets: [::1]:7000
  .regex(
    /^\s*(\[[0-9A-Fa-f:.]+\]|[^\s,:[\]]+):\d{1,5}\s*(,\s*(\[[0-9A-Fa-f:.]+\]|[^\s,:[\]]+):\d{1,5}\s*)*$/,
    {
      error: 'a comma-separated list of host:port',
    },
  );

/**
 * The environment variables the backend reads, each with what it accepts. Values arrive as
 * strings; empty strings count as unset.
 */
export const envSchema = z.object({
  PORT: wholeNumber(0, 65535).default(3000),
  NODE_ENV: z.string().trim().min(1).default('development'),
  APP_NAME: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'letters, digits, "_", "." or "-" (1 to 64)' })
    .default('nest-redis-cache'),
  HTTP_ADAPTER: z.enum(['express', 'fastify'], { error: 'express or fastify' }).default('express'),

  REDIS_URL: redisUrl.optional(),
  REDIS_HOST: z
    .string()
    .trim()
    .regex(/^[^\s/:@]+$|^\[[0-9a-fA-F:]+\]$/, { error: 'a host name or IP address' })
    .optional(),
  REDIS_PORT: wholeNumber(1, 65535).optional(),
  REDIS_USERNAME: z.string().min(1, { error: 'a non-empty ACL user name' }).optional(),
  REDIS_PASSWORD: z.string().min(1, { error: 'a non-empty password' }).optional(),
  REDIS_DB: wholeNumber(0, 15).optional(),
  REDIS_TLS: flag.optional(),
  REDIS_TLS_CA_FILE: z.string().trim().min(1, { error: 'a path to a PEM file' }).optional(),
  REDIS_SENTINELS: nodeList.optional(),
  REDIS_SENTINEL_NAME: z
    .string()
    .trim()
    .regex(/^\S+$/, { error: 'the master group name, without spaces' })
    .optional(),
  REDIS_CLUSTER_NODES: nodeList.optional(),
  REDIS_COMMAND_TIMEOUT_MS: wholeNumber(1, 60000).default(300),
  REDIS_REQUIRED: flag.default(false),

  CACHE_ENABLED: flag.default(true),
  CACHE_KEY_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, {
      error: 'letters, digits, "_", ".", ":" or "-" (1 to 64), without glob characters',
    })
    .optional(),
  CACHE_DEFAULT_TTL_SECONDS: wholeNumber(1, 31_536_000).default(300),
  CACHE_ADMIN_TOKEN: z.string().min(16, { error: 'a token of at least 16 characters' }).optional(),

  STATE_REDIS_URL: redisUrl.optional(),
  QUEUE_REDIS_URL: redisUrl.optional(),
  QUEUE_LOCK_DURATION_MS: wholeNumber(1000, 600000).default(30000),
  SHUTDOWN_GRACE_MS: wholeNumber(0, 120000).default(5000),
  DEMO_DB_LATENCY_MS: wholeNumber(0, 60000).default(50),
});

/** The environment after validation. */
export type Env = z.infer<typeof envSchema>;
