/** The HTTP platforms `CacheInterceptor` knows how to send a stored body through. */
export type HttpPlatform = 'express' | 'fastify';
