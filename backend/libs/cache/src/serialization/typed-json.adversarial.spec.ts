/**
 * Adversarial (issue 12, "Types survive… a value it cannot represent is not stored… never
 * silently changed"; README: "A hit returns what the loader returned on the miss, in type and
 * value"): the typed codec stores an array with properties of its own (`Object.assign(rows,
 * { total })`, a paginated result) as plain JSON and the hit comes back without them, while it
 * refuses the same thing on a `Map`, `Set` or `Date`.
 */
import { TypedJsonCodec } from './typed-json.codec.js';

const codec = new TypedJsonCodec();

describe('typed codec: what a hit returns', () => {
  it('returns an array with its own properties, or refuses to store it', () => {
    const rows = Object.assign([{ id: 1 }, { id: 2 }], { total: 42 });
    const encoded = codec.encode(rows);
    if (!encoded.ok) return; // refusing is allowed
    const back = codec.decode(encoded.text) as typeof rows;
    expect(back).toEqual([{ id: 1 }, { id: 2 }]);
    expect(back.total).toBe(42);
  });
});
