import { readFileSync } from 'node:fs';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { RedisCallTracer } from './redis-call.tracer.js';
import { exceptionType } from './span.attributes.js';
import {
  INSTRUMENTATION_NAME,
  INSTRUMENTATION_VERSION,
  isTracingRegistered,
} from './tracing.scope.js';

describe('tracing scope', () => {
  afterEach(() => {
    trace.disable();
    context.disable();
  });

  it("names the tracer after the package's name and version", () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      name: string;
      version: string;
    };
    expect([INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION]).toEqual([pkg.name, pkg.version]);
  });

  it('tells whether an SDK is registered, following registration and removal', () => {
    expect(isTracingRegistered()).toBe(false);
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    expect(isTracingRegistered()).toBe(true);
    trace.disable();
    expect(isTracingRegistered()).toBe(false);
  });

  it('makes a Redis span only inside a recording span', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    trace.setGlobalTracerProvider(provider);
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const redis = new RedisCallTracer();
    expect(redis.start('get')).toBeUndefined();
    const parent = provider.getTracer('t').startSpan('parent');
    const span = context.with(trace.setSpan(context.active(), parent), () => redis.start('get'));
    expect(span).toBeDefined();
    if (span) redis.end(span, 'timeout', new Error('value inside'));
    parent.end();
    const [redisSpan] = exporter.getFinishedSpans();
    expect(redisSpan?.name).toBe('redis get');
    expect(redisSpan?.attributes).toEqual({
      'db.system': 'redis',
      'db.operation.name': 'get',
      'cache.redis.outcome': 'timeout',
    });
    expect(JSON.stringify(redisSpan?.events)).not.toContain('value inside');
  });
});

describe('exceptionType', () => {
  it('is the class name of an error, never its message', () => {
    class OrderMissing extends Error {}
    expect(exceptionType(new OrderMissing('order 42 of bob@example.com'))).toBe('OrderMissing');
    expect(exceptionType(new TypeError('x'))).toBe('TypeError');
  });

  it('is a fixed word for a thrown non-error or an odd class name', () => {
    expect(exceptionType('secret')).toBe('thrown string');
    expect(exceptionType({ password: 'p' })).toBe('thrown object');
    const odd = new Error('m');
    Object.defineProperty(odd, 'constructor', { value: { name: 'has spaces and @' } });
    expect(exceptionType(odd)).toBe('Error');
  });
});
