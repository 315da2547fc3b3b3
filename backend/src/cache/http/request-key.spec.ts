import { buildRequestKey, normalisePath, normaliseQuery, routeKeyPath } from './request-key.js';

describe('request key', () => {
  it('normalises the path: dot segments, repeated and trailing slashes, needless escapes', () => {
    expect(normalisePath('/a//b/./c/')).toBe('/a/b/c');
    expect(normalisePath('/a/x/../b')).toBe('/a/b');
    expect(normalisePath('/products/%34%32')).toBe('/products/42');
    expect(normalisePath('/')).toBe('/');
    expect(normalisePath('/a%2Fb')).toBe('/a%2Fb');
  });

  it('sorts query parameters and keeps only allowed ones', () => {
    expect(normaliseQuery('/p?b=2&a=1&a=0')).toBe('a=0&a=1&b=2');
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

  it('rebuilds the path from a plain route pattern and its params', () => {
    expect(routeKeyPath('/products/:id', { id: '1' })).toBe('/products/1');
    expect(routeKeyPath('/products/:id/', { id: 'a/b c' })).toBe('/products/a%2Fb%20c');
    expect(routeKeyPath('/products/:id', {})).toBeUndefined();
    expect(routeKeyPath('/files/*', {})).toBeUndefined();
    expect(routeKeyPath('/a{/:b}', { b: 'x' })).toBeUndefined();
    expect(routeKeyPath(undefined, {})).toBeUndefined();
    expect(buildRequestKey({ url: '/PRODUCTS/%31?x=1', routePath: '/products/1' })).toBe(
      buildRequestKey({ url: '/products/1?x=1' }),
    );
  });
});
