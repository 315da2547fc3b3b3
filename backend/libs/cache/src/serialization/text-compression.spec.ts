import { randomBytes } from 'node:crypto';
import { compressText, decompressText } from './text-compression.js';

describe('text compression', () => {
  const text = JSON.stringify(
    Array.from({ length: 500 }, (_, i) => ({ id: i, name: `item ${i}`, note: 'é, ü, 東京' })),
  );
  const sizeBytes = Buffer.byteLength(text);

  it('packs text into shorter base64 and back, UTF-8 included', () => {
    const packed = compressText(text, sizeBytes);
    expect(packed).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(packed?.length).toBeLessThan(sizeBytes / 4);
    expect(decompressText(packed ?? '', sizeBytes)).toBe(text);
  });

  it('gives up (null) when packing does not make the text shorter', () => {
    const noise = randomBytes(10_000).toString('base64');
    expect(compressText(noise, noise.length)).toBeNull();
  });

  it('refuses data that would expand past the bound, or that is not brotli', () => {
    const packed = compressText(text, sizeBytes) ?? '';
    expect(() => decompressText(packed, sizeBytes - 1)).toThrow();
    expect(() => decompressText('bm90IGJyb3RsaQ==', sizeBytes)).toThrow();
  });
});
