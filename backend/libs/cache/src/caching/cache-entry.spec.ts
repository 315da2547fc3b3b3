import { randomBytes } from 'node:crypto';
import type { CacheValueCodec } from '../serialization/entry-codec.js';
import { PlainJsonCodec } from '../serialization/plain-json.codec.js';
import { TypedJsonCodec } from '../serialization/typed-json.codec.js';
import {
  decodeEntryText,
  encodeEntryBody,
  isFresh,
  isServableStale,
  type CacheEntry,
  type EntryFormat,
} from './cache-entry.js';

/** The text the write script stores: header line (key version, tag versions), then the body. */
const stored = (body: string, ...versions: string[]) => `${versions.join('\t')}\n${body}`;

const typed: EntryFormat = {
  codec: new TypedJsonCodec(),
  compressAboveBytes: 8_192,
  maxValueBytes: 1_048_576,
};
const json: EntryFormat = { ...typed, codec: new PlainJsonCodec(), compressAboveBytes: 0 };

function bodyOf(entry: CacheEntry, format: EntryFormat = typed): string {
  const encoded = encodeEntryBody(entry, format);
  if (!encoded.ok) throw new Error(`not encoded: ${encoded.detail}`);
  return encoded.body;
}

function valueOf(text: string, format: EntryFormat = typed): unknown {
  const decoded = decodeEntryText(text, format);
  if (decoded.kind !== 'entry') throw new Error(`not an entry: ${decoded.kind}`);
  return decoded.stored.entry.value;
}

describe('cache entry envelope', () => {
  const entry = {
    value: { a: [1, 'x'] },
    storedAtMs: 1000,
    freshUntilMs: 2000,
    staleUntilMs: 5000,
  };

  it('round-trips with its versions', () => {
    const text = stored(bodyOf(entry), 'k1');
    const decoded = decodeEntryText(text, typed);
    expect(decoded).toEqual({
      kind: 'entry',
      stored: { entry, token: 'k1', tagTokens: [], textLength: text.length },
    });
  });

  it('keeps undefined with the typed codec, and stores it as null with plain JSON', () => {
    const none = { ...entry, value: undefined };
    expect(valueOf(stored(bodyOf(none), 'k2'))).toBeUndefined();
    expect(valueOf(stored(bodyOf(none, json), 'k2'), json)).toBeNull();
  });

  it('keeps the tags with the version each had when the entry was written', () => {
    const body = bodyOf({ ...entry, tags: ['a', 'b'] });
    const decoded = decodeEntryText(stored(body, 'k1', 'va', 'vb'), typed);
    expect(decoded.kind === 'entry' && decoded.stored.tagTokens).toEqual(['va', 'vb']);
    expect(decoded.kind === 'entry' && decoded.stored.entry.tags).toEqual(['a', 'b']);
    // A header that does not match the tags is not an entry.
    expect(decodeEntryText(stored(body, 'k1', 'va'), typed).kind).toBe('corrupt');
  });

  it('tells the marker of a load in progress from an entry', () => {
    expect(decodeEntryText('Ab3_-x', typed)).toEqual({ kind: 'pending', token: 'Ab3_-x' });
  });

  it('refuses text that is not an entry', () => {
    expect(decodeEntryText('not json', typed).kind).toBe('corrupt');
    expect(decodeEntryText('{"a":1}', typed).kind).toBe('corrupt');
    expect(decodeEntryText('k\n{"a":1}', typed).kind).toBe('corrupt');
    expect(decodeEntryText('k\n"plain string"', typed).kind).toBe('corrupt');
    expect(decodeEntryText('k\n{"v":1,"t":"x","f":1,"s":1}', typed).kind).toBe('corrupt');
    expect(decodeEntryText('k\n~{"c":"typed","t":1,"f":1,"s":1}', typed).kind).toBe('corrupt');
    expect(decodeEntryText('k\n~{"t":1,"f":1,"s":1}\n1', typed).kind).toBe('corrupt');
    expect(decodeEntryText('k\n~{"c":"typed","t":1,"f":1,"s":1}\n{"\\u0000?":1}', typed).kind).toBe(
      'corrupt',
    );
  });

  it('tells fresh from stale from gone', () => {
    expect(isFresh(entry, 1999)).toBe(true);
    expect(isFresh(entry, 2000)).toBe(false);
    expect(isServableStale(entry, 4999)).toBe(true);
    expect(isServableStale(entry, 5000)).toBe(false);
  });
});

describe('entry body layouts', () => {
  const times = { storedAtMs: 1000, freshUntilMs: 2000, staleUntilMs: 5000 };

  it('writes a value that is plain JSON in the plain layout, the one older versions wrote', () => {
    const body = bodyOf({ ...times, value: { id: 1, name: 'x' }, tags: ['p'] });
    expect(body).toBe('{"v":{"id":1,"name":"x"},"t":1000,"f":2000,"s":5000,"g":["p"]}');
    // An entry of an older version (the same layout, written by JSON.stringify) still reads.
    const old = JSON.stringify({ v: { at: 'x' }, t: 1000, f: 2000, s: 5000 });
    expect(valueOf(stored(old, 'k1'))).toEqual({ at: 'x' });
  });

  it("records the loader's duration, and reads entries written before it was recorded", () => {
    const body = bodyOf({ ...times, value: 1, loadMs: 41.6 });
    expect(body).toBe('{"v":1,"t":1000,"f":2000,"s":5000,"d":42}');
    const decoded = decodeEntryText(stored(body, 'k1'), typed);
    expect(decoded.kind === 'entry' && decoded.stored.entry.loadMs).toBe(42);
    const extended = bodyOf({ ...times, value: new Set([1]), loadMs: 7 });
    expect(extended.startsWith('~{"c":"typed","t":1000,"f":2000,"s":5000,"d":7}\n')).toBe(true);
    const before = decodeEntryText(stored(bodyOf({ ...times, value: 1 }), 'k1'), typed);
    expect(before.kind === 'entry' && 'loadMs' in before.stored.entry).toBe(false);
    expect(decodeEntryText(stored('{"v":1,"t":1,"f":1,"s":1,"d":"x"}', 'k1'), typed).kind).toBe(
      'corrupt',
    );
  });

  it('writes typed values in the extended layout, with the codec that wrote them', () => {
    const body = bodyOf({ ...times, value: { at: new Date(0) } });
    expect(body.startsWith('~{"c":"typed","t":1000,"f":2000,"s":5000}\n')).toBe(true);
    expect(valueOf(stored(body, 'k1'))).toEqual({ at: new Date(0) });
  });

  it('reads entries of the built-in codecs whatever the configured one', () => {
    const typedBody = stored(bodyOf({ ...times, value: new Set([1]) }), 'k1');
    expect(valueOf(typedBody, json)).toEqual(new Set([1]));
    const jsonBody = stored(bodyOf({ ...times, value: { a: 1 } }, json), 'k1');
    expect(valueOf(jsonBody, typed)).toEqual({ a: 1 });
  });

  it('uses a custom codec, and reads an entry of another custom codec as corrupt', () => {
    const reversed: CacheValueCodec = {
      id: 'reversed',
      encode: (value) => ({
        ok: true,
        text: [...String(value)].reverse().join(''),
        plainJson: false,
      }),
      decode: (text) => [...text].reverse().join(''),
    };
    const format = { ...typed, codec: reversed };
    const body = stored(bodyOf({ ...times, value: 'abc' }, format), 'k1');
    expect(body).toContain('\ncba');
    expect(valueOf(body, format)).toBe('abc');
    expect(decodeEntryText(body, typed).kind).toBe('corrupt');
  });

  it('refuses what the codec refuses, naming what without the value', () => {
    class Account {
      constructor(readonly secret: string) {}
      greet(): string {
        return 'hi';
      }
    }
    const refused = encodeEntryBody({ ...times, value: { a: new Account('s3cret') } }, typed);
    expect(refused).toEqual({
      ok: false,
      reason: 'unserialisable',
      detail: 'it holds an instance of Account',
      sizeBytes: 0,
    });
    const throwing: CacheValueCodec = {
      id: 'throws',
      encode: () => {
        throw new Error('s3cret');
      },
      decode: () => null,
    };
    const thrown = encodeEntryBody({ ...times, value: 1 }, { ...typed, codec: throwing });
    expect(thrown.ok === false && thrown.detail).not.toContain('s3cret');
  });

  it('refuses a value larger than maxValueBytes', () => {
    const refused = encodeEntryBody(
      { ...times, value: 'x'.repeat(100) },
      {
        ...typed,
        maxValueBytes: 50,
      },
    );
    expect(refused).toMatchObject({ ok: false, reason: 'too-large', sizeBytes: 102 });
  });
});

describe('entry compression', () => {
  const times = { storedAtMs: 1000, freshUntilMs: 2000, staleUntilMs: 5000 };
  const rows = Array.from({ length: 400 }, (_, i) => ({
    id: i,
    name: `product ${i}`,
    description: 'a widget that does what widgets do, in blue and in red',
    createdAt: new Date(1_700_000_000_000 + i),
  }));

  it('compresses a value above the threshold into base64 after a marked metadata line', () => {
    const body = bodyOf({ ...times, value: rows });
    const [meta, payload] = body.split('\n');
    expect(meta).toBe('~{"c":"typed","z":"br","t":1000,"f":2000,"s":5000}');
    expect(payload).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(body.length).toBeLessThan(JSON.stringify(rows).length / 3);
    expect(valueOf(stored(body, 'k1'))).toEqual(rows);
  });

  it('compresses plain JSON as JSON (read without the typed codec)', () => {
    const plain = rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
    const body = bodyOf({ ...times, value: plain });
    expect(body.startsWith('~{"c":"json","z":"br"')).toBe(true);
    expect(valueOf(stored(body, 'k1'), json)).toEqual(plain);
  });

  it('stores small values, incompressible ones and everything with 0 uncompressed', () => {
    expect(bodyOf({ ...times, value: 'x'.repeat(8_000) }).startsWith('{"v":')).toBe(true);
    const noisy = bodyOf({ ...times, value: randomBytes(20_000).toString('base64') });
    expect(noisy.startsWith('{"v":')).toBe(true);
    const off = bodyOf({ ...times, value: rows }, { ...typed, compressAboveBytes: 0 });
    expect(off.startsWith('~{"c":"typed","t"')).toBe(true);
  });

  it('reads a compressed body that would expand past maxValueBytes as corrupt', () => {
    const body = stored(bodyOf({ ...times, value: rows }), 'k1');
    expect(decodeEntryText(body, { ...typed, maxValueBytes: 1_000 }).kind).toBe('corrupt');
  });
});
