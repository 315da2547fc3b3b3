import { key, type KeyPart } from 'nestjs-coherent-cache';

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
