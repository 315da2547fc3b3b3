/**
 * Adversarial (issue 12, finding 1 and "Keys that never collide… never guess"): default method
 * keys must tell apart every pair of argument lists that differ, and bypass the cache for an
 * argument whose state the hash cannot see. Three kinds of argument still hash alike while the
 * method can read the difference, so `@Cacheable` serves one caller's result to the other:
 *
 * - an object whose data is inherited from its prototype (`Object.create(defaults)`): only own
 *   properties are read, and the prototype is not checked for data;
 * - a subclass of `URL` with fields of its own: read as its `href` alone (`instanceof URL` wins
 *   before the class check that refuses subclasses of other built-ins);
 * - a `Date` or `Map` with properties of its own: read by time value or entries alone (the typed
 *   codec refuses exactly these values, "a Date with properties of its own").
 */
import { defaultMethodKey } from '../decorators/method-key.js';
import { tryStableHash } from './stable-hash.js';

/** A URL that also says whose it is. */
class TenantUrl extends URL {
  constructor(
    href: string,
    readonly tenant: string,
  ) {
    super(href);
  }
}

function keyOf(args: unknown[]): string {
  const result = defaultMethodKey('ReportsService', 'report', args);
  return 'key' in result ? result.key : `bypass (${result.hidden.reason})`;
}

/** Both lists hash apart, or at least one of them bypasses the cache. */
function expectApart(a: unknown[], b: unknown[]): void {
  const ka = keyOf(a);
  const kb = keyOf(b);
  if (ka.startsWith('bypass') || kb.startsWith('bypass')) return;
  expect(ka).not.toBe(kb);
}

describe('default method keys: arguments that differ where the method can read it', () => {
  it('tells apart two objects whose tenant is inherited from different prototypes', () => {
    const forA = Object.create({ tenant: 'a' }) as { tenant: string; page: number };
    forA.page = 1;
    const forB = Object.create({ tenant: 'b' }) as { tenant: string; page: number };
    forB.page = 1;
    expect(forA.tenant).not.toBe(forB.tenant);
    expectApart([forA], [forB]);
  });

  it('tells apart two URL subclass instances with the same href and different fields', () => {
    const a = new TenantUrl('https://api.example.test/items', 'a');
    const b = new TenantUrl('https://api.example.test/items', 'b');
    expect(Object.keys(a)).toEqual(['tenant']);
    expectApart([a], [b]);
  });

  it('tells apart two Dates with the same time and different own properties', () => {
    const utc = Object.assign(new Date(0), { timeZone: 'UTC' });
    const tokyo = Object.assign(new Date(0), { timeZone: 'Asia/Tokyo' });
    expectApart([utc], [tokyo]);
  });

  it('tells apart two Maps with the same entries and different own properties', () => {
    const a = Object.assign(new Map([['k', 1]]), { owner: 'alice' });
    const b = Object.assign(new Map([['k', 1]]), { owner: 'bob' });
    expectApart([a], [b]);
  });

  it('(control) plain objects that differ hash apart', () => {
    expect(tryStableHash([{ tenant: 'a' }])).not.toEqual(tryStableHash([{ tenant: 'b' }]));
  });
});
