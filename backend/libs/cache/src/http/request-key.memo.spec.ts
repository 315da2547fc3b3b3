import fc from 'fast-check';
import { buildRequestKey, type MatchedRoute } from './request-key.js';
import { MAX_MEMO_KEYS_PER_PATTERN, RequestKeyMemo } from './request-key.memo.js';

describe('RequestKeyMemo', () => {
  const patterns = ['/products/:id', '/a/:x/b', '/files/new', '/docs/{*path}', '/a/:x/:y', '/:x'];
  const arbitraryRoute = fc.record({
    pattern: fc.constantFrom(...patterns),
    params: fc.oneof(
      fc.record({ id: fc.string() }),
      fc.record({ x: fc.string() }),
      fc.record({ x: fc.string(), y: fc.string() }),
      fc.record({ path: fc.array(fc.string(), { maxLength: 3 }) }),
      fc.record({ id: fc.string(), extra: fc.string() }),
      fc.constant({}),
    ),
  });
  const arbitraryUrl = fc.constantFrom('/x', '/x?b=2&a=1', '/x?page=3', '/x?', '/x#f?a=1');
  const arbitraryQuery = fc.constantFrom(undefined, [], ['page'], ['a', 'b']);

  it('gives the key buildRequestKey gives, on first use and when remembered', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(arbitraryUrl, arbitraryRoute, arbitraryQuery), { maxLength: 20 }),
        fc.constantFrom(undefined, '2'),
        (requests, version) => {
          const memo = new RequestKeyMemo();
          for (const [url, given, allowedQuery] of [...requests, ...requests]) {
            const route: MatchedRoute = { ...given };
            if (version !== undefined) route.version = version;
            expect(memo.keyOf({ url }, route, allowedQuery)).toBe(
              buildRequestKey({ url, route, allowedQuery }),
            );
          }
        },
      ),
    );
  });

  it('keeps a bounded number of keys per pattern and stays right past the bound', () => {
    const memo = new RequestKeyMemo();
    const route = (id: string): MatchedRoute => ({ pattern: '/products/:id', params: { id } });
    for (let i = 0; i < MAX_MEMO_KEYS_PER_PATTERN * 2 + 5; i += 1) {
      expect(memo.keyOf({ url: '/products/x' }, route(String(i)), [])).toBe(
        buildRequestKey({ url: '/products/x', route: route(String(i)), allowedQuery: [] }),
      );
    }
    expect(memo.keyOf({ url: '/p' }, route('7'), [])).toBe(
      buildRequestKey({ url: '/p', route: route('7'), allowedQuery: [] }),
    );
  });
});
