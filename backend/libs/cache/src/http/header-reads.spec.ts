import { HeaderReads } from './header-reads.js';

describe('HeaderReads', () => {
  const request = () => ({
    headers: { host: 'a.example', 'x-forwarded-host': 'evil.example', accept: '*/*' } as Record<
      string,
      string | undefined
    >,
  });

  it('reports headers read while watching that are present and not keyed', () => {
    const req = request();
    const reads = HeaderReads.watch(req);
    void req.headers['x-forwarded-host'];
    void req.headers['x-absent'];
    void req.headers.accept;
    reads.stop();
    expect(reads.unkeyed(new Set(['accept']), {})).toEqual(['x-forwarded-host']);
  });

  it('puts the original header object back', () => {
    const req = request();
    const original = req.headers;
    HeaderReads.watch(req).stop();
    expect(req.headers).toBe(original);
  });

  it('counts a body holding the header object as reading every header', () => {
    const req = request();
    const reads = HeaderReads.watch(req);
    const body = { headers: req.headers };
    reads.stop();
    expect(reads.unkeyed(new Set(['host']), body).sort()).toEqual(['accept', 'x-forwarded-host']);
  });

  it('watches the raw request of a Fastify request', () => {
    const raw = request();
    const reads = HeaderReads.watch({ raw });
    void raw.headers.host;
    reads.stop();
    expect(reads.unkeyed(new Set(), {})).toEqual(['host']);
  });
});
