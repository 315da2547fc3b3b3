export { key } from './cache-keys.js';
export { CACHE_TTL, type CacheTtlSeconds } from './ttl.constants.js';
export { KeyNamespace } from './key-namespace.js';
export { escapeGlob } from './glob.js';
export { stableHash, tryStableHash, type StableHashResult } from './stable-hash.js';
export type { HiddenState, HiddenStateReason } from './visible-state.js';
export {
  encodeKeyPart,
  joinKey,
  shortenKey,
  KEY_SEPARATOR,
  MAX_KEY_BYTES,
  type KeyPart,
} from './key-encoding.js';
export { hashSlot, hashedPart, CLUSTER_SLOT_COUNT } from './hash-slot.js';
export { withHashTag, hasHashTag, queueNameFor } from './hash-tag.js';
