import fc from 'fast-check';
import type { KeyPart } from 'nestjs-coherent-cache';
import { METHOD_KEY_PREFIX } from '../../libs/cache/src/decorators/method-key.js';
import { HTTP_KEY_PREFIX } from '../../libs/cache/src/http/request-key.js';
import { cacheKeys, cachePrefixes } from '../../src/demo/cache-keys.js';

type Builders = typeof cacheKeys;
type BuilderName = keyof Builders;

/** Words the builders use as literal segments, so that generated ids hit them often. */
const LITERALS = [
  'list',
  'stats',
  'id',
  'profile',
  'credits',
  'definition',
  'presigned',
  'upload',
  'video',
  'user',
  'state',
];

/** An id: a literal segment, a text with separators and escapes in it, or a number. */
const idArb: fc.Arbitrary<KeyPart> = fc.oneof(
  fc.constantFrom(...LITERALS),
  fc.string({ unit: fc.constantFrom('a', ':', '%', '#', '3', 'A', 'list', 'stats') }),
  fc.string(),
  fc.integer({ min: -1000, max: 1000 }),
);

/** A call of one builder: its name and the arguments it takes. */
type Call = { [N in BuilderName]: { name: N; args: Parameters<Builders[N]> } }[BuilderName];

const callArb: fc.Arbitrary<Call> = fc.oneof(
  ...(Object.keys(cacheKeys) as BuilderName[]).map((name) =>
    fc
      .array(idArb, { minLength: cacheKeys[name].length, maxLength: cacheKeys[name].length })
      .map((args) => ({ name, args }) as Call),
  ),
);

function build(call: Call): string {
  const builder = cacheKeys[call.name] as (...args: KeyPart[]) => string;
  return builder(...call.args);
}

/** Ids are text: `42` and `'42'` name the same entity, so they compare as text. */
function sameCall(a: Call, b: Call): boolean {
  return (
    a.name === b.name &&
    a.args.length === b.args.length &&
    a.args.every((arg, i) => String(arg) === String(b.args[i]))
  );
}

describe('cacheKeys', () => {
  it("builds the seeds' typed keys", () => {
    expect(cacheKeys.videoList()).toBe('video:list');
    expect(cacheKeys.videoStats('v1')).toBe('video:v1:stats');
    expect(cacheKeys.video('v1')).toBe('video:v1:detail');
    expect(cacheKeys.presignedUrl('v1')).toBe('upload:presigned:v1');
    expect(cacheKeys.session('u1', 's:1')).toBe('session:u1:s%3A1');
  });

  it('keeps the id of one builder out of the key space of another (issue 12, finding 9)', () => {
    expect(cacheKeys.video('list')).not.toBe(cacheKeys.videoList());
    expect(cacheKeys.video('stats')).not.toBe(cacheKeys.videoStats('stats'));
    expect(cacheKeys.user('credits')).not.toBe(cacheKeys.userCredits('credits'));
  });

  it('never gives one key to two different calls (property)', () => {
    fc.assert(
      fc.property(callArb, callArb, (a, b) => {
        fc.pre(!sameCall(a, b));
        expect(build(a)).not.toBe(build(b));
      }),
      { numRuns: 20_000 },
    );
  });

  it('gives equal calls equal keys; a number and its text are one id (property)', () => {
    fc.assert(
      fc.property(callArb, (call) => {
        const asText = { ...call, args: call.args.map(String) } as Call;
        expect(build(asText)).toBe(build(call));
      }),
    );
  });

  it('stays out of the key spaces of HTTP responses and method results (property)', () => {
    fc.assert(
      fc.property(callArb, (call) => {
        const built = build(call);
        expect(built.startsWith(`${HTTP_KEY_PREFIX}:`)).toBe(false);
        expect(built.startsWith(`${METHOD_KEY_PREFIX}:`)).toBe(false);
      }),
    );
  });

  it('keeps each prefix over the keys of its own entity only', () => {
    fc.assert(
      fc.property(callArb, idArb, (call, userId) => {
        const built = build(call);
        const ownsUser =
          (call.name === 'user' || call.name === 'userCredits') &&
          String(call.args[0]) === String(userId);
        expect(built.startsWith(cachePrefixes.userAll(userId))).toBe(ownsUser);
        expect(built.startsWith(cachePrefixes.allVideos())).toBe(call.name.startsWith('video'));
        expect(built.startsWith(cachePrefixes.allWorkflows())).toBe(
          call.name.startsWith('workflow'),
        );
      }),
      { numRuns: 5_000 },
    );
  });
});
