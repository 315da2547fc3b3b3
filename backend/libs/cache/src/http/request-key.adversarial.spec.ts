/**
 * Adversarial (issue 12, "Key builders cannot collide"): the `varyHeaders` part of an HTTP key is
 * `name=value` pairs joined with `&`, values unencoded, so two requests that send different
 * values for the route's vary headers can share one key (and one stored response). An absent
 * header and an empty one also read alike.
 */
import { buildRequestKey, type MatchedRoute } from './request-key.js';

const route: MatchedRoute = { pattern: '/reports', params: {} };

function keyFor(varyHeaders: Record<string, string | undefined>): string {
  return buildRequestKey({ url: '/reports', route, allowedQuery: [], varyHeaders });
}

describe('HTTP keys: vary header values', () => {
  it('gives different keys to different values of the vary headers', () => {
    const a = keyFor({ 'x-tenant': 'acme&x-zone=eu', 'x-zone': 'us' });
    const b = keyFor({ 'x-tenant': 'acme', 'x-zone': 'eu&x-zone=us' });
    expect(a).not.toBe(b);
  });

  it('gives different keys to an absent header and an empty one', () => {
    expect(keyFor({ 'x-tenant': undefined })).not.toBe(keyFor({ 'x-tenant': '' }));
  });
});
