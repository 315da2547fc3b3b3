import { SetMetadata } from '@nestjs/common';
import { NO_CACHE_METADATA } from '../cache.constants.js';

/** Opts a route (or a whole controller) out of a globally applied `CacheInterceptor`. */
export const NoCache = (): MethodDecorator & ClassDecorator => SetMetadata(NO_CACHE_METADATA, true);
