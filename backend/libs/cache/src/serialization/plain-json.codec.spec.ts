import { PlainJsonCodec } from './plain-json.codec.js';

const codec = new PlainJsonCodec();

describe('PlainJsonCodec', () => {
  it('writes JSON.stringify text, marked plain', () => {
    expect(codec.encode({ a: [1, 'x'] })).toEqual({
      ok: true,
      text: '{"a":[1,"x"]}',
      plainJson: true,
    });
    expect(codec.decode('{"a":[1,"x"]}')).toEqual({ a: [1, 'x'] });
  });

  it('loses what JSON loses (documented): dates, maps, undefined, -0', () => {
    const encoded = codec.encode({ at: new Date(0), m: new Map([[1, 2]]), u: undefined, z: -0 });
    expect(encoded.ok && codec.decode(encoded.text)).toEqual({
      at: '1970-01-01T00:00:00.000Z',
      m: {},
      z: 0,
    });
    expect(codec.encode(undefined)).toEqual({ ok: true, text: 'null', plainJson: true });
  });

  it('refuses what JSON.stringify refuses, without the value', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(codec.encode({ n: 1n })).toEqual({ ok: false, reason: 'a bigint (no JSON form)' });
    expect(codec.encode(circular)).toEqual({ ok: false, reason: 'a circular reference' });
    expect(codec.encode(() => 1)).toEqual({ ok: false, reason: 'a function (no JSON form)' });
  });
});
