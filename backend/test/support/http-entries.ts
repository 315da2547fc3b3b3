import type { CacheService } from 'nestjs-coherent-cache';

/** The logical keys of the cached HTTP responses whose text contains `fragment`. */
export async function storedResponseKeys(cache: CacheService, fragment = ''): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of cache.keys('http:')) if (key.includes(fragment)) keys.push(key);
  return keys;
}
