import fc from 'fast-check';
import { key } from '../keys/index.js';
import {
  buildRequestKey,
  HTTP_KEY_PREFIX,
  normalisePath,
  normaliseQuery,
  routedPath,
  type MatchedRoute,
} from './request-key.js';

describe('request key', () => {
  it('normalises the path: dot segments, repeated and trailing slashes, needless escapes', () => {
    expect(normalisePath('/a//b/./c/')).toBe('/a/b/c');
    expect(normalisePath('/a/x/../b')).toBe('/a/b');
    expect(normalisePath('/products/%34%32')).toBe('/products/42');
    expect(normalisePath('/')).toBe('/');
    expect(normalisePath('/a%2Fb')).toBe('/a%2Fb');
  });

  it('reads a target as a path only: //host/x is never the path /x', () => {
    expect(normalisePath('//evil.example/docs/x')).toBe('/evil.example/docs/x');
    expect(normalisePath('/\\evil.example/docs/x')).toBe('/evil.example/docs/x');
    expect(() => normalisePath('/\\%2f')).not.toThrow();
    expect(normaliseQuery('//evil.example/docs/x?b=2&a=1')).toBe('a=1&b=2');
    expect(() => normaliseQuery('/\\%2f?a=1')).not.toThrow();
  });

  it('sorts query parameters and keeps only allowed ones', () => {
    // Names sorted; repeated values keep the order they were sent in (the handler sees it).
    expect(normaliseQuery('/p?b=2&a=1&a=0')).toBe('a=1&a=0&b=2');
    expect(normaliseQuery('/p?page=2&utm=x&size=5', ['page', 'size'])).toBe('page=2&size=5');
    expect(normaliseQuery('/p')).toBe('');
  });

  it('gives one key for equivalent requests and different keys for different ones', () => {
    const a = buildRequestKey({ url: '/p/?b=2&a=1' });
    expect(buildRequestKey({ url: '/p?a=1&b=2' })).toBe(a);
    expect(buildRequestKey({ url: '/p?a=1&b=3' })).not.toBe(a);
    expect(buildRequestKey({ url: '/p?a=1&b=2', userId: 'alice' })).not.toBe(a);
    expect(buildRequestKey({ url: '/p?a=1&b=2', userId: 'alice' })).not.toBe(
      buildRequestKey({ url: '/p?a=1&b=2', userId: 'bob' }),
    );
    expect(buildRequestKey({ url: '/p', varyHeaders: { 'Accept-Language': 'fr' } })).toBe(
      buildRequestKey({ url: '/p', varyHeaders: { 'accept-language': 'fr' } }),
    );
  });

  it('cannot be confused by separators inside parts', () => {
    expect(buildRequestKey({ url: '/p', userId: 'a:u:b' })).not.toBe(
      buildRequestKey({ url: '/p', userId: 'a' }),
    );
    expect(buildRequestKey({ url: '/p?x=1' })).toMatch(/^http:/);
  });

  it('fills a plain route with its parameters, and lists those of any other route', () => {
    expect(routedPath({ pattern: '/products/:id', params: { id: '1' } })).toBe('/products/1');
    expect(routedPath({ pattern: '/products/:id/', params: { id: 'a/b c' } })).toBe(
      '/products/a%2Fb%20c',
    );
    expect(routedPath({ pattern: '/docs/{*path}', params: { path: ['a', 'b'] } })).toBe(
      '/docs/{*path};path=[/a/b]',
    );
    expect(routedPath({ pattern: '/docs/{*path}', params: { path: ['a/b'] } })).toBe(
      '/docs/{*path};path=[/a%2Fb]',
    );
    expect(routedPath({ pattern: '/docs/*', params: { '*': 'a/b' } })).toBe('/docs/*;*=a%2Fb');
  });

  it('keys the route the router matched, not the URL as spelled', () => {
    const product = (url: string) =>
      buildRequestKey({ url, route: { pattern: '/products/:id', params: { id: '1' } } });
    expect(product('/PRODUCTS/%31?x=1')).toBe(product('/products/1?x=1'));
    const catchAll = buildRequestKey({
      url: '//evil.example/docs/x',
      route: { pattern: '/{*path}', params: { path: ['', 'evil.example', 'docs', 'x'] } },
    });
    const docs = buildRequestKey({
      url: '/docs/x',
      route: { pattern: '/docs/{*path}', params: { path: ['x'] } },
    });
    expect(catchAll).not.toBe(docs);
    // A literal route and a parameter route that fill in alike are two handlers.
    expect(
      buildRequestKey({ url: '/files/new', route: { pattern: '/files/new', params: {} } }),
    ).not.toBe(
      buildRequestKey({
        url: '/files/new',
        route: { pattern: '/files/:name', params: { name: 'new' } },
      }),
    );
    expect(
      buildRequestKey({ url: '/v', route: { pattern: '/v', params: {}, version: '1' } }),
    ).not.toBe(buildRequestKey({ url: '/v', route: { pattern: '/v', params: {}, version: '2' } }));
  });

  it('tells a wildcard with no segment from one with an empty segment', () => {
    const keyOf = (path: string[]) =>
      buildRequestKey({ url: '/a', route: { pattern: '/a{/:b}', params: { path } } });
    expect(keyOf([])).not.toBe(keyOf(['']));
    expect(keyOf(['', ''])).not.toBe(keyOf(['']));
    expect(keyOf(['a', 'b'])).not.toBe(keyOf(['a/b']));
  });

  describe('property: two requests share a key only if they matched one route with the same parameters', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'b', '/', '\\', '.', '%', ':', ';', '=', '&', '[', ']', '*', ' '),
      maxLength: 6,
    });
    const paramValue = fc.oneof(text, fc.array(text, { maxLength: 3 }));
    const names = fc.constantFrom('id', 'name', 'path', '*', '0');
    const route: fc.Arbitrary<MatchedRoute> = fc.record({
      pattern: fc.constantFrom(
        '/files/new',
        '/files/:name',
        '/:a/:b',
        '/a/:b',
        '/:a/b',
        '/docs/*',
        '/docs/{*path}',
        '/{*path}',
        '/*',
        '/:from-:to',
        '/a{/:b}',
      ),
      params: fc.dictionary(names, paramValue, { maxKeys: 3 }),
    });
    const request = fc.record({
      route,
      url: fc.constantFrom('/', '//x/y', '/a/../b', '/\\evil'),
      query: fc.constantFrom('', '?a=1', '?a=1&b=2', '?b=2&a=1'),
    });

    it('holds for generated routes, parameters and spellings', () => {
      fc.assert(
        fc.property(request, request, (x, y) => {
          const keyOf = (r: typeof x) =>
            buildRequestKey({ url: `${r.url}${r.query}`, route: r.route });
          const sameRouting =
            x.route.pattern === y.route.pattern &&
            JSON.stringify(sorted(x.route.params)) === JSON.stringify(sorted(y.route.params)) &&
            normaliseQuery(x.query) === normaliseQuery(y.query);
          return (keyOf(x) === keyOf(y)) === sameRouting;
        }),
        { numRuns: 5_000 },
      );
    });
  });

  it('is key(http, head, vary, route[, u, user]) with every part encoded', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ':', '%', '#', '/', '@', 'é') });
    fc.assert(
      fc.property(
        text,
        fc.oneof(text, fc.integer()),
        text,
        fc.option(text, { nil: undefined }),
        fc.option(text, { nil: undefined }),
        (customKey, userId, pattern, version, language) => {
          const varyHeaders = language === undefined ? {} : { 'Accept-Language': language };
          const vary =
            language === undefined ? '' : `accept-language=${encodeURIComponent(language)}`;
          expect(buildRequestKey({ url: '/x', customKey, userId, varyHeaders })).toBe(
            key(HTTP_KEY_PREFIX, customKey, vary, '', 'u', String(userId)),
          );
          const route: MatchedRoute = { pattern, params: {} };
          if (version !== undefined) route.version = version;
          expect(buildRequestKey({ url: '/x?a=1', route, allowedQuery: [] })).toBe(
            key(
              HTTP_KEY_PREFIX,
              `${routedPath(route)}?`,
              '',
              `${pattern}${version === undefined ? '' : `@${version}`}`,
            ),
          );
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

function sorted(params: Readonly<Record<string, unknown>>): [string, unknown][] {
  return Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
