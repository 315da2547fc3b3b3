import { joinKey, type KeyPart } from './key-encoding.js';

/**
 * Builds a logical key from parts, each encoded so that parts never run into each other.
 * Keys built by hand share the key space of the builders below: prefer a builder.
 *
 * @example key('user', userId, 'credits') // 'user:42:credits'
 * @throws InvalidKeyError when there is no part, or a part is not a string or a finite number
 */
export function key(...parts: KeyPart[]): string {
  return joinKey(parts);
}

/**
 * The typed key builders the application uses instead of hand-written strings. Each returns a
 * logical key (the module adds its namespace).
 *
 * No two calls share a key unless they name the same thing: an id is encoded (so it never
 * contains a separator), and builders of one family (same first segment) differ in their number
 * of segments or in a literal segment at the same place (`video:list` against
 * `video:<id>:detail` and `video:<id>:stats`), so no id can turn one builder's key into
 * another's. Ids are text: `42` and `'42'` name the same entity and the same key.
 * A family's per-entity keys start with `<family>:<id>:`, so one prefix clears one entity.
 */
export const cacheKeys = {
  user: (userId: KeyPart) => key('user', userId, 'profile'),
  userCredits: (userId: KeyPart) => key('user', userId, 'credits'),
  session: (userId: KeyPart, sessionId: string) => key('session', userId, sessionId),
  rateLimit: (subject: KeyPart, endpoint: string) => key('ratelimit', endpoint, subject),
  workflow: (workflowId: KeyPart) => key('workflow', workflowId, 'state'),
  workflowDefinition: (workflowId: KeyPart) => key('workflow', workflowId, 'definition'),
  featureFlag: (flag: string) => key('feature', flag),
  videoList: () => key('video', 'list'),
  video: (videoId: KeyPart) => key('video', videoId, 'detail'),
  videoStats: (videoId: KeyPart) => key('video', videoId, 'stats'),
  presignedUrl: (videoId: KeyPart) => key('upload', 'presigned', videoId),
  product: (productId: KeyPart) => key('product', productId),
} as const;

/** Prefixes for deletion by prefix, matching the builders above. */
export const cachePrefixes = {
  /** Every key of one user (`user`, `userCredits`). */
  userAll: (userId: KeyPart) => `${key('user', userId)}:`,
  /** Every workflow key. */
  allWorkflows: () => 'workflow:',
  /** Every video key (`videoList`, `video`, `videoStats`; presigned upload URLs are apart). */
  allVideos: () => 'video:',
} as const;
