import { ProxyTracerProvider, trace, type Tracer } from '@opentelemetry/api';

/** The instrumentation scope of every span this module makes: the package's name. */
export const INSTRUMENTATION_NAME = 'nest-redis-cache';

/** The instrumentation scope's version: the package's version. */
export const INSTRUMENTATION_VERSION = '0.1.0';

/** The delegate a `ProxyTracerProvider` answers while no SDK is registered (the API's no-op). */
const NOOP_DELEGATE = new ProxyTracerProvider().getDelegate();

/**
 * Whether an OpenTelemetry SDK is registered as the global tracer provider. Without one every
 * span is a no-op, and the cache skips building spans and attributes altogether (the memory-tier
 * hit is the hot path). Read on each call, so that an SDK registered after the cache was built
 * is picked up: a few property reads.
 */
export function isTracingRegistered(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider && provider.getDelegate() === NOOP_DELEGATE);
}

/**
 * The tracer of this module, from the global API: `trace.getTracer(name, version)`. A tracer
 * obtained before an SDK is registered delegates to it once it is.
 */
export function cacheTracer(): Tracer {
  return trace.getTracer(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION);
}
