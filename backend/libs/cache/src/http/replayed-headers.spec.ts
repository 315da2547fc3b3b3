import { handlerHeaders, replayableHeaders } from './replayed-headers.js';

describe('handlerHeaders', () => {
  const before = { 'x-powered-by': ['Express'], 'cache-control': ['public, max-age=60'] };

  it('sorts what the handler set into replayed and lost, ignoring what was set before it', () => {
    const after = {
      ...before,
      link: ['</p?page=2>; rel="next"'],
      'x-total-count': ['42'],
      'x-request-cost': ['7'],
      'content-type': ['text/csv'],
      etag: ['"v1"'],
    };
    expect(handlerHeaders(before, after, replayableHeaders())).toEqual({
      replayed: { link: ['</p?page=2>; rel="next"'], 'x-total-count': ['42'] },
      etag: '"v1"',
      lost: ['x-request-cost'],
    });
  });

  it('replays what the route declares, and counts a removed header as lost', () => {
    const after = { 'cache-control': ['public, max-age=60'], 'x-request-cost': ['7'] };
    expect(handlerHeaders(before, after, replayableHeaders(['X-Request-Cost']))).toEqual({
      replayed: { 'x-request-cost': ['7'] },
      lost: ['x-powered-by'],
    });
  });
});
