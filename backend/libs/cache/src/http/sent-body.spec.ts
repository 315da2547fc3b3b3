import { Readable } from 'node:stream';
import { StreamableFile } from '@nestjs/common';
import { sentBody } from './sent-body.js';

const bytes = (sent: ReturnType<typeof sentBody>) =>
  sent?.kind === 'bytes' ? { bytes: sent.bytes, contentType: sent.contentType } : sent;

describe('sentBody: a result as the platform sends it', () => {
  it.each([
    ['an object', { a: 1 }, '{"a":1}', 'application/json'],
    ['an array', [1, 'x'], '[1,"x"]', 'application/json'],
    ['a Date (a JSON string)', new Date(0), '"1970-01-01T00:00:00.000Z"', 'application/json'],
    ['a Buffer (its JSON)', Buffer.from([1]), '{"type":"Buffer","data":[1]}', 'application/json'],
    ['a string', 'hi', 'hi', 'text/html'],
    ['a number', 42, '42', 'text/html'],
    ['a boolean', false, 'false', 'text/html'],
  ])('Express: %s', (_label, body, text, contentType) => {
    expect(bytes(sentBody(body, 'express', undefined))).toEqual({ bytes: text, contentType });
  });

  it.each([
    ['an object', { a: 1 }, '{"a":1}', 'application/json; charset=utf-8'],
    [
      'a Date (a JSON string)',
      new Date(0),
      '"1970-01-01T00:00:00.000Z"',
      'application/json; charset=utf-8',
    ],
    ['a string', 'hi', 'hi', 'text/plain; charset=utf-8'],
    ['a number', 42, '42', 'application/json; charset=utf-8'],
    ['null', null, 'null', 'application/json; charset=utf-8'],
  ])('Fastify: %s', (_label, body, text, contentType) => {
    expect(bytes(sentBody(body, 'fastify', undefined))).toEqual({ bytes: text, contentType });
  });

  it('Fastify sends buffers and typed arrays as raw bytes', () => {
    const sent = sentBody(new Uint8Array([0, 255]), 'fastify', undefined);
    expect(sent?.kind === 'bytes' && Buffer.isBuffer(sent.bytes) && [...sent.bytes]).toEqual([
      0, 255,
    ]);
    expect(sent?.kind === 'bytes' && sent.contentType).toBe('application/octet-stream');
  });

  it('Express sends no body and no content type for null', () => {
    expect(sentBody(null, 'express', undefined)).toEqual({ kind: 'none' });
  });

  it('keeps the content type the handler set', () => {
    expect(bytes(sentBody('a,b', 'express', 'text/csv'))).toEqual({
      bytes: 'a,b',
      contentType: 'text/csv',
    });
    expect(bytes(sentBody({ a: 1 }, 'fastify', 'application/hal+json'))).toEqual({
      bytes: '{"a":1}',
      contentType: 'application/hal+json',
    });
  });

  it("applies Express's JSON settings", () => {
    const sent = sentBody({ a: '<&>' }, 'express', undefined, { spaces: 2, escape: true });
    expect(bytes(sent)).toEqual({
      bytes: '{\n  "a": "\\u003c\\u0026\\u003e"\n}',
      contentType: 'application/json',
    });
  });

  it.each([
    ['undefined', undefined, 'express'],
    ['a stream', Readable.from(['x']), 'fastify'],
    ['a StreamableFile', new StreamableFile(Buffer.from('x')), 'express'],
    ['a bigint in JSON', { n: 1n }, 'fastify'],
    ['an object under a non-JSON type (Fastify fails it)', { a: 1 }, 'fastify'],
    [
      'a toJSON that throws',
      {
        toJSON: () => {
          throw new Error('no');
        },
      },
      'express',
    ],
  ] as const)('leaves %s to the platform', (label, body, platform) => {
    const preset = label.startsWith('an object under') ? 'text/csv' : undefined;
    expect(sentBody(body, platform, preset)).toBeUndefined();
  });
});
