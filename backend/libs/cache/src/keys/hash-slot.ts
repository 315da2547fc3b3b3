/** Number of hash slots in a Redis Cluster. */
export const CLUSTER_SLOT_COUNT = 16_384;

const CRC16_TABLE = buildCrc16Table();

/** CRC16-CCITT (XMODEM), the checksum Redis Cluster uses to place keys. */
function buildCrc16Table(): Uint16Array {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte += 1) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit += 1) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
    table[byte] = crc;
  }
  return table;
}

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc = ((crc << 8) & 0xffff) ^ (CRC16_TABLE[((crc >> 8) ^ byte) & 0xff] as number);
  }
  return crc;
}

/**
 * The part of a key that Redis Cluster hashes: the text between the first `{` and the next `}`
 * when it is non-empty, otherwise the whole key.
 */
export function hashedPart(redisKey: string): string {
  const open = redisKey.indexOf('{');
  if (open === -1) return redisKey;
  const close = redisKey.indexOf('}', open + 1);
  if (close === -1 || close === open + 1) return redisKey;
  return redisKey.slice(open + 1, close);
}

/** The Cluster hash slot (0 to 16,383) of a Redis key, as `CLUSTER KEYSLOT` computes it. */
export function hashSlot(redisKey: string): number {
  return crc16(Buffer.from(hashedPart(redisKey), 'utf8')) % CLUSTER_SLOT_COUNT;
}
