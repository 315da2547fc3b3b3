/**
 * The least-privilege run (`TEST_REDIS_ACL=1`, `npm run test:acl`): every `redis-server` the
 * harness starts turns its default user off and keeps an `admin` user for the harness itself
 * (`redis-cli`, replication, Sentinel); every product connection made by a fixture (test app,
 * backend process, `RedisService`/`CacheService` module) logs in as a user of its own that may
 * touch only its key prefix and BullMQ's, with every dangerous command refused. The rules are the
 * README's ACL line.
 */
export const aclMode = process.env.TEST_REDIS_ACL === '1';

/** The harness's own user on every server of an ACL run. */
export const ADMIN_USER = 'admin';
export const ADMIN_PASSWORD = 'harness-admin-3f6c1e0a9b2d';

/** The password of every product user of an ACL run (one user per key prefix). */
export const PRODUCT_PASSWORD = 'product-user-8d2a5c7e41f9';

/** Credentials of the product for one key prefix. */
export interface ProductCredentials {
  username: string;
  password: string;
}

/**
 * The product's ACL rules for key prefix `prefix`, as the README documents them: its own keys
 * (BullMQ's included: `<prefix>:bull:` standalone and Sentinel) and, in a Cluster, BullMQ's
 * hash-tagged `{<prefix>:bull}:`; its own pub/sub channels; every command but the dangerous
 * ones. Nothing outside the prefix: not another deployment's queues under BullMQ's default
 * `bull:`.
 */
export function productAclRules(prefix: string): string[] {
  return [
    'resetkeys',
    `~${prefix}:*`,
    `~{${prefix}:bull}:*`,
    'resetchannels',
    `&${prefix}:*`,
    '&__redis__:invalidate',
    '+@all',
    '-@dangerous',
    // INFO (in @dangerous): the run_id check after reconnections, the eviction-policy warning.
    '+info',
  ];
}

/** The product user of `prefix` (ACL user names may not contain spaces). */
export function productCredentials(prefix: string): ProductCredentials {
  return { username: `app-${prefix.replace(/\s/g, '_')}`, password: PRODUCT_PASSWORD };
}

/** `redis-server` arguments of an ACL run: default user off, the harness's admin user. */
export const ACL_SERVER_ARGS = [
  ...['--user', 'default', 'off'],
  ...['--user', ADMIN_USER, 'on', `>${ADMIN_PASSWORD}`, '~*', '&*', '+@all'],
  // A replica logs in to its master as the admin.
  ...['--masteruser', ADMIN_USER, '--masterauth', ADMIN_PASSWORD],
];

/** `redis-cli` arguments that log in as the admin. */
export const ADMIN_CLI_ARGS = ['--user', ADMIN_USER, '--pass', ADMIN_PASSWORD, '--no-auth-warning'];
