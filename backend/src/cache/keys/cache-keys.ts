import { joinKey, type KeyPart } from './key-encoding.js';

/**
 * Builds a logical key from parts, each encoded so that parts never run into each other.
 *
 * @example key('user', userId, 'credits') // 'user:42:credits'
 */
export function key(...parts: KeyPart[]): string {
  return joinKey(parts);
}

/**
 * The typed key builders the application uses instead of hand-written strings. Each returns a
 * logical key (the module adds its namespace).
 */
export const cacheKeys = {
  user: (userId: KeyPart) => key('user', userId),
  userCredits: (userId: KeyPart) => key('user', userId, 'credits'),
  session: (userId: KeyPart, sessionId: string) => key('session', userId, sessionId),
  rateLimit: (subject: KeyPart, endpoint: string) => key('ratelimit', endpoint, subject),
  workflow: (workflowId: KeyPart) => key('workflow', workflowId),
  workflowDefinition: (workflowId: KeyPart) => key('workflow', workflowId, 'definition'),
  featureFlag: (flag: string) => key('feature', flag),
  videoList: () => key('video', 'list'),
  video: (videoId: KeyPart) => key('video', videoId),
  videoStats: (videoId: KeyPart) => key('video', 'stats', videoId),
  presignedUrl: (videoId: KeyPart) => key('upload', 'presigned', videoId),
  product: (productId: KeyPart) => key('product', productId),
} as const;

/** Prefixes for deletion by prefix, matching the builders above. */
export const cachePrefixes = {
  userAll: (userId: KeyPart) => `${key('user', userId)}:`,
  allWorkflows: () => 'workflow:',
  allVideos: () => 'video:',
} as const;
