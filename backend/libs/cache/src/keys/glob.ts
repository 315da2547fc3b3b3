/**
 * Escapes Redis glob characters (`* ? [ ] \`) so that a pattern matches the text literally.
 * Used for every SCAN MATCH built from caller input.
 */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (ch) => `\\${ch}`);
}
