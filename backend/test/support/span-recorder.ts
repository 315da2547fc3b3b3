import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

/** An OpenTelemetry SDK registered globally, its finished spans kept in memory. */
export class SpanRecorder {
  private readonly exporter = new InMemorySpanExporter();
  private readonly provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(this.exporter)],
  });
  private readonly contextManager = new AsyncLocalStorageContextManager();

  /** Registers the provider and an `AsyncLocalStorage` context manager as the global ones. */
  register(): this {
    context.setGlobalContextManager(this.contextManager.enable());
    trace.setGlobalTracerProvider(this.provider);
    return this;
  }

  /** Unregisters both (the API goes back to its no-op). */
  unregister(): void {
    trace.disable();
    context.disable();
  }

  /** The spans finished since the last `reset`. */
  async spans(): Promise<ReadableSpan[]> {
    await this.provider.forceFlush();
    return this.exporter.getFinishedSpans();
  }

  /** Forgets the spans finished so far. */
  reset(): void {
    this.exporter.reset();
  }

  /** Stops the provider. */
  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}

/** The one span named `name` among `spans` (fails the test when there is not exactly one). */
export function onlySpan(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((s) => s.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one span ${name}, found ${found.length}: ${names(spans).join(', ')}`);
  }
  return found[0]!;
}

/** The names of `spans`, in order. */
export function names(spans: readonly ReadableSpan[]): string[] {
  return spans.map((s) => s.name);
}

/** Whether `child`'s parent is `parent`. */
export function isChildOf(child: ReadableSpan, parent: ReadableSpan): boolean {
  return child.parentSpanContext?.spanId === parent.spanContext().spanId;
}

/**
 * Everything an exporter sends of `spans` that could carry data: names, attributes, status
 * messages, events and their attributes, links, as one string.
 */
export function exportedText(spans: readonly ReadableSpan[]): string {
  return JSON.stringify(
    spans.map((s) => ({
      name: s.name,
      attributes: s.attributes,
      status: s.status,
      events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })),
      links: s.links.map((l) => l.attributes),
    })),
  );
}
