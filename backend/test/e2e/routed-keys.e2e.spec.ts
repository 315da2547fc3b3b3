/**
 * Keys come from the path the router matched (issue 12, finding 4): `//`, `/\`, dot segments and
 * encoded slashes never reach another path's entry.
 */
import fc from 'fast-check';
import type { HttpAdapterName } from '../../src/config/index.js';
import { storedResponseKeys } from '../support/http-entries.js';
import { startCacheTestApp, type CacheTestApp } from '../support/cache-test-app.js';
import { waitFor } from '../support/wait-for.js';
import { rawRequest, type RawResponse } from '../support/raw-request.js';
import { RoutedPathsController, type RoutedAnswer } from './fixtures/routed-paths.controller.js';

const adapters: HttpAdapterName[] = ['express', 'fastify'];

/** Path segments that routers, URL parsers and normalisers each read their own way. */
const HOSTILE_SEGMENTS = [
  'files',
  'new',
  'docs',
  'x',
  'evil.example',
  '',
  '.',
  '..',
  '%2e',
  '%2E%2e',
  '%2F',
  '%2f',
  '%5C',
  '\\',
  'a%2Fb',
  '%41',
  'A',
  'n%65w',
  'N%65W',
  'FILES',
  'x;y',
  '%252F',
  '@evil.example',
];

/** How a target may start: one slash, two, a backslash, dot segments. */
const HOSTILE_STARTS = ['/', '//', '/\\', '/./', '/../', '/%2F', '///'];

const hostilePath = fc
  .tuple(
    fc.constantFrom(...HOSTILE_STARTS),
    fc.array(fc.constantFrom(...HOSTILE_SEGMENTS), { minLength: 1, maxLength: 5 }),
  )
  .map(([start, segments]) => `${start}${segments.join('/')}`);

/** Which handler answered, with which router parameters: what must decide sharing. */
function routing(response: RawResponse): string {
  if (response.status !== 200) return `status ${response.status}`;
  const answer = response.json<RoutedAnswer>();
  return JSON.stringify({ handler: answer.handler, params: answer.params });
}

describe.each(adapters)('Keys from the routed path on %s', (adapter) => {
  let t: CacheTestApp;

  beforeAll(async () => {
    t = await startCacheTestApp({ adapter, controllers: [RoutedPathsController] });
  });

  afterAll(async () => {
    await t.close();
  });

  /** The answer the router gives `path`, from the handler itself (credentials bypass the cache). */
  const truth = (path: string) =>
    rawRequest(t.baseUrl, path, { headers: { authorization: 'Bearer routing-truth' } });

  it('does not store //evil.example/docs/x under the key of /docs/x', async () => {
    const attack = await rawRequest(t.baseUrl, '//evil.example/docs/x');
    // The entry is written after the response: give it time to land before the victim asks.
    await waitFor(async () => (await storedResponseKeys(t.cache)).length > 0, {
      timeoutMs: 2_000,
    }).catch(() => undefined);
    const victim = await rawRequest(t.baseUrl, '/docs/x');
    process.stdout.write(
      `[${adapter}] //evil.example/docs/x answered ${routing(attack)} (${attack.header('x-cache') ?? 'no X-Cache'}); then /docs/x answered ` +
        `${routing(victim)} (${victim.header('x-cache') ?? 'no X-Cache'})\n`,
    );
    expect(routing(victim)).toBe(routing(await truth('/docs/x')));
  });

  it('property: a request is answered from an entry only if the router routed it the same way', async () => {
    let requests = 0;
    let hits = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(hostilePath, { minLength: 1, maxLength: 6 }), async (paths) => {
        for (const path of paths) {
          const cached = await rawRequest(t.baseUrl, path);
          requests += 1;
          if (cached.header('x-cache') === 'HIT') hits += 1;
          const expected = routing(await truth(path));
          if (routing(cached) !== expected) {
            throw new Error(`${path}: served ${routing(cached)}, routed ${expected}`);
          }
        }
      }),
      { numRuns: 150 },
    );
    process.stdout.write(
      `[${adapter}] hostile paths: ${requests} requests, ${hits} answered from an entry, 0 answered with another route's or parameters' entry\n`,
    );
    expect(hits).toBeGreaterThan(0);
  });
});
