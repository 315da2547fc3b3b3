import { z } from 'zod';

const cacheKey = z.string().min(1).max(1024);

/** The body of `POST /cache/invalidate`: any of keys, tags, prefix; at least one. */
export const invalidateSchema = z
  .strictObject({
    keys: z.array(cacheKey).max(1000).optional(),
    tags: z.array(cacheKey).max(1000).optional(),
    prefix: cacheKey.optional(),
  })
  .refine((b) => (b.keys?.length ?? 0) + (b.tags?.length ?? 0) > 0 || b.prefix !== undefined, {
    error: 'give keys, tags or prefix',
  });

export type InvalidateRequest = z.infer<typeof invalidateSchema>;
