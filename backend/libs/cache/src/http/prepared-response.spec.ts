import { toCachedResponse } from './cached-response.js';
import { bodyToSend, prepareResponse, prepareStoredResponse } from './prepared-response.js';

describe('prepared responses', () => {
  const text = toCachedResponse(
    200,
    { kind: 'bytes', bytes: '{"a":1}', contentType: 'application/json' },
    { link: ['</p?page=2>; rel="next"'], vary: ['Accept', 'Origin'] },
  );

  it('is worked out once per entry and found again for the same entry', () => {
    const first = prepareStoredResponse(Object.freeze(text));
    expect(first).toBeDefined();
    expect(prepareStoredResponse(text)).toBe(first);
    expect(prepareResponse(text)).toBe(first);
    expect(prepareResponse({ ...text })).not.toBe(first);
  });

  it('keeps status, entity tag, content type and headers: one value as text, several as a list', () => {
    const prepared = prepareResponse(text);
    expect(prepared.status).toBe(200);
    expect(prepared.etag).toBe(text.etag);
    expect(prepared.contentType).toBe('application/json');
    expect(prepared.headers).toEqual([
      ['link', '</p?page=2>; rel="next"'],
      ['vary', ['Accept', 'Origin']],
    ]);
    expect(bodyToSend(prepared)).toBe('{"a":1}');
  });

  it('decodes bytes once, and hands each response a copy of its own', () => {
    const bytes = Buffer.from([0, 1, 254, 255]);
    const entry = toCachedResponse(
      200,
      { kind: 'bytes', bytes, contentType: 'application/octet-stream' },
      {},
    );
    const prepared = prepareResponse(entry);
    const sent = bodyToSend(prepared) as Buffer;
    expect(sent.equals(bytes)).toBe(true);
    sent.fill(7);
    expect((bodyToSend(prepared) as Buffer).equals(bytes)).toBe(true);
  });

  it('sends no body for an entry stored without one', () => {
    const none = prepareResponse(toCachedResponse(200, { kind: 'none' }, {}));
    expect(bodyToSend(none)).toBeUndefined();
    expect(none.contentType).toBeUndefined();
  });

  it('refuses what is not a stored response of this format', () => {
    for (const value of [null, undefined, 'text', 42, { status: 200 }, { ...text, body: 1 }]) {
      expect(prepareStoredResponse(value)).toBeUndefined();
    }
  });
});
