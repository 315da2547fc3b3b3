import type { HttpPlatform } from './http-platform.js';

/** A handler's result as the platform puts it on the wire. */
export type SentBody =
  | {
      kind: 'bytes';
      /** UTF-8 text, or raw bytes (Fastify sends buffers and typed arrays as they are). */
      bytes: string | Buffer;
      /** The content type to give the platform with it. */
      contentType: string;
    }
  /** No body and no content type (Express, for `null`). */
  | { kind: 'none' };

/** Express's JSON settings (`app.set('json spaces', 2)`…), which `res.json` applies. */
export interface JsonSettings {
  replacer?: unknown;
  spaces?: unknown;
  escape?: unknown;
}

/**
 * Serialises a handler's result exactly as Nest's adapter and the platform would, so that the
 * cache can store the bytes and send them itself, on the miss and on every hit:
 *
 * | result                  | Express                                  | Fastify                                   |
 * | ----------------------- | ---------------------------------------- | ----------------------------------------- |
 * | object, array, Buffer   | `JSON.stringify` (app settings), JSON    | `JSON.stringify`, JSON (Buffer: raw bytes, octet-stream) |
 * | string                  | as is, `text/html`                       | as is, `text/plain; charset=utf-8`        |
 * | number, boolean         | `String()`, `text/html`                  | `JSON.stringify`, JSON                    |
 * | `null`                  | no body, no content type                 | `null`, JSON                              |
 *
 * A content type the handler set is kept (the platform adds the charset itself, the same way on
 * the miss and the hit). `undefined` when the result is not sent as one body (`undefined`, a
 * stream), or it cannot be serialised or the platform would fail on it: the cache then stands
 * aside and the platform handles the result as it always does.
 */
export function sentBody(
  body: unknown,
  platform: HttpPlatform,
  presetContentType: string | undefined,
  json: JsonSettings = {},
): SentBody | undefined {
  if (body === undefined || isStreamLike(body)) return undefined;
  try {
    return platform === 'express'
      ? expressBody(body, presetContentType, json)
      : fastifyBody(body, presetContentType);
  } catch {
    // A toJSON or a bigint that throws: the platform reports it, not the cache.
    return undefined;
  }
}

function expressBody(
  body: unknown,
  preset: string | undefined,
  json: JsonSettings,
): SentBody | undefined {
  if (body === null) return preset === undefined ? { kind: 'none' } : undefined;
  if (typeof body === 'object') {
    const text = expressStringify(body, json);
    if (text === undefined) return undefined;
    return { kind: 'bytes', bytes: text, contentType: preset ?? 'application/json' };
  }
  const text = primitiveText(body);
  if (text === undefined) return undefined;
  return { kind: 'bytes', bytes: text, contentType: preset ?? 'text/html' };
}

/** `String()` of a string, number, boolean or bigint; functions and symbols are left to Nest. */
function primitiveText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    default:
      return undefined;
  }
}

/** `res.json`'s own stringify: replacer and spaces when set, `<`, `>`, `&` escaped when asked. */
function expressStringify(value: unknown, json: JsonSettings): string | undefined {
  const replacer = typeof json.replacer === 'function' ? json.replacer : undefined;
  const spaces =
    typeof json.spaces === 'number' || typeof json.spaces === 'string' ? json.spaces : undefined;
  const text =
    replacer !== undefined || spaces !== undefined
      ? JSON.stringify(value, replacer as (key: string, value: unknown) => unknown, spaces)
      : JSON.stringify(value);
  if (json.escape !== true || typeof text !== 'string') return text;
  return text.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

function fastifyBody(body: unknown, preset: string | undefined): SentBody | undefined {
  if (body !== null && typeof body === 'object' && ArrayBuffer.isView(body)) {
    const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    return { kind: 'bytes', bytes, contentType: preset ?? 'application/octet-stream' };
  }
  if (typeof body === 'string') {
    return { kind: 'bytes', bytes: body, contentType: preset ?? 'text/plain; charset=utf-8' };
  }
  // Fastify serialises anything else only under a JSON content type (else it fails the reply).
  if (preset !== undefined && !preset.toLowerCase().includes('json')) return undefined;
  const text = JSON.stringify(body);
  if (typeof text !== 'string') return undefined;
  return { kind: 'bytes', bytes: text, contentType: preset ?? 'application/json; charset=utf-8' };
}

/** Streams, files and web streams are sent as they come, never as one stored body. */
export function isStreamLike(body: unknown): boolean {
  if (body === null || typeof body !== 'object') return false;
  const candidate = body as { pipe?: unknown; getStream?: unknown; getReader?: unknown };
  return (
    typeof candidate.pipe === 'function' ||
    typeof candidate.getStream === 'function' ||
    typeof candidate.getReader === 'function' ||
    Symbol.asyncIterator in body ||
    Object.prototype.toString.call(body) === '[object Response]'
  );
}
