import { Readable } from 'node:stream';
import { StreamableFile } from '@nestjs/common';
import { ResponseStoragePolicy, type ResponseFacts } from './response-storage.policy.js';

const facts = (overrides: Partial<ResponseFacts> = {}): ResponseFacts => ({
  status: 200,
  setCookie: [],
  cacheControl: [],
  vary: [],
  keyedHeaders: [],
  scope: 'shared',
  body: { ok: true },
  ...overrides,
});

describe('ResponseStoragePolicy', () => {
  const policy = new ResponseStoragePolicy();

  it('stores a plain 2xx response', () => {
    expect(policy.decide(facts())).toEqual({ store: true });
    expect(policy.decide(facts({ status: 204, body: '' }))).toEqual({ store: true });
    expect(policy.decide(facts({ body: Buffer.from('bytes') }))).toEqual({ store: true });
  });

  it.each([
    ['a 404', { status: 404 }, 'status'],
    ['a 301', { status: 301 }, 'status'],
    ['a 500', { status: 500 }, 'status'],
    ['a Set-Cookie', { setCookie: ['sid=1'] }, 'set-cookie'],
    ['no-store', { cacheControl: ['public, no-store'] }, 'no-store'],
    ['private on a shared route', { cacheControl: ['private'] }, 'private'],
    ['Vary: *', { vary: ['*'] }, 'vary-star'],
    ['a Vary the key ignores', { vary: ['Accept-Language'] }, 'vary-unkeyed'],
    [
      'a request header read but not keyed',
      { unkeyedHeadersRead: ['x-forwarded-host'] },
      'header-unkeyed',
    ],
    ['a stream', { body: Readable.from(['x']) }, 'stream'],
    ['a StreamableFile', { body: new StreamableFile(Buffer.from('x')) }, 'stream'],
    ['an Observable that emitted more than once', { emissions: 3 }, 'stream'],
    ['a response the handler wrote itself', { responseStarted: true, body: undefined }, 'written'],
    ['no body', { body: undefined }, 'empty'],
    [
      'a header the handler set that a hit would not send',
      { unreplayedHeaders: ['x-request-cost'] },
      'unreplayed-header',
    ],
    ['a body the platform could not serialise', { serialisable: false }, 'unserialisable'],
  ] as const)('refuses %s', (_label, overrides, reason) => {
    expect(policy.decide(facts(overrides as Partial<ResponseFacts>))).toEqual({
      store: false,
      reason,
    });
  });

  it('stores private responses on user routes, and Vary on keyed headers', () => {
    expect(policy.decide(facts({ scope: 'user', cacheControl: ['private'] }))).toEqual({
      store: true,
    });
    expect(
      policy.decide(
        facts({ vary: ['accept-language, Accept-Encoding'], keyedHeaders: ['accept-language'] }),
      ),
    ).toEqual({ store: true });
  });
});
