import { RequestCredentials } from './request-credentials.js';

describe('RequestCredentials', () => {
  const found = (headers: Record<string, string>, keyed: string[] = [], extra: string[] = []) =>
    new RequestCredentials(extra).found(Object.keys(headers), (n) => headers[n], new Set(keyed));

  it('finds nothing in what browsers, proxies and tracers send', () => {
    expect(
      found({
        host: 'a',
        accept: '*/*',
        'accept-encoding': 'gzip',
        'user-agent': 'x',
        'sec-fetch-site': 'none',
        'sec-ch-ua-platform': '"Linux"',
        'x-forwarded-for': '1.2.3.4',
        traceparent: '00-1-2-01',
        'x-b3-traceid': '1',
        'if-none-match': '"x"',
        'content-length': '0',
      }),
    ).toEqual([]);
  });

  it('finds credential headers always, and unknown headers unless keyed or listed', () => {
    expect(found({ authorization: 'Bearer x' }, ['authorization'])).toEqual(['authorization']);
    expect(found({ cookie: 'a=1', 'proxy-authorization': 'x' })).toEqual([
      'cookie',
      'proxy-authorization',
    ]);
    expect(found({ 'x-session': 'alice.1', 'x-api-key': 'k' })).toEqual(['x-session', 'x-api-key']);
    expect(found({ 'x-tenant': 't' }, ['x-tenant'])).toEqual([]);
    expect(found({ 'x-device': 't' }, [], ['X-Device'])).toEqual([]);
  });

  it('finds a request body, which no key includes', () => {
    expect(found({ 'content-length': '5' })).toEqual(['content-length']);
    expect(found({ 'transfer-encoding': 'chunked' })).toEqual(['transfer-encoding']);
  });

  it('tells whether it finds anything, as found does, without listing', () => {
    const credentials = new RequestCredentials(['x-device']);
    const requests: Record<string, string | string[]>[] = [
      {},
      { host: 'a', accept: '*/*', 'sec-fetch-mode': 'cors', 'content-length': '0' },
      { host: 'a', 'content-length': ' 0 ' },
      { host: 'a', 'content-length': '5' },
      { host: 'a', 'content-length': ['0', '0'] },
      { authorization: 'Bearer x' },
      { 'x-tenant': 't' },
      { 'x-device': 'd', 'x-forwarded-for': ['1.2.3.4', '5.6.7.8'] },
      { 'transfer-encoding': 'chunked' },
    ];
    for (const keyed of [new Set<string>(), new Set(['x-tenant', 'authorization'])]) {
      for (const headers of requests) {
        const valueOf = (n: string) => {
          const v = headers[n];
          return Array.isArray(v) ? v.join(', ') : v;
        };
        const listed = credentials.found(Object.keys(headers), valueOf, keyed);
        expect(credentials.anyIn(headers, keyed)).toBe(listed.length > 0);
      }
    }
  });
});
