export {
  INSTRUMENTATION_NAME,
  INSTRUMENTATION_VERSION,
  cacheTracer,
  isTracingRegistered,
} from './tracing.scope.js';
export {
  CacheAttributes,
  exceptionType,
  recordFailure,
  type GetOrSetOutcome,
} from './span.attributes.js';
export { GetOrSetTracer, type GetOrSetTrace } from './get-or-set.tracer.js';
export { InvalidationTracer, type InvalidationOperation } from './invalidation.tracer.js';
export { RedisCallTracer, type RedisSpanOutcome } from './redis-call.tracer.js';
