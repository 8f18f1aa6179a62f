// Text given to agents comes from files and standard input as bytes: it must be UTF-8, or refused.
// Decoding with replacement would change what the person wrote without a word.
import { usageError } from '../errors.js';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The continuation-byte ranges after each lead byte (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF). */
function sequence(lead: number): Array<[number, number]> | null {
  const tail: [number, number] = [0x80, 0xbf];
  if (lead <= 0x7f) return [];
  if (lead >= 0xc2 && lead <= 0xdf) return [tail];
  if (lead === 0xe0) return [[0xa0, 0xbf], tail];
  if (lead === 0xed) return [[0x80, 0x9f], tail];
  if (lead >= 0xe1 && lead <= 0xef) return [tail, tail];
  if (lead === 0xf0) return [[0x90, 0xbf], tail, tail];
  if (lead >= 0xf1 && lead <= 0xf3) return [tail, tail, tail];
  if (lead === 0xf4) return [[0x80, 0x8f], tail, tail];
  return null;
}

/** The byte offset where the first invalid UTF-8 sequence starts, or null when bytes are valid UTF-8. */
export function invalidUtf8At(bytes: Uint8Array): number | null {
  try {
    strict.decode(bytes);
    return null;
  } catch { /* find where, for the message */ }
  for (let i = 0; i < bytes.length;) {
    const rest = sequence(bytes[i]!);
    if (!rest) return i;
    for (const [k, [lo, hi]] of rest.entries()) {
      const b = bytes[i + 1 + k];
      if (b === undefined || b < lo || b > hi) return i;
    }
    i += 1 + rest.length;
  }
  return null;
}

/** bytes as text (a BOM kept); a usage error (exit 2) naming what and where when they are not UTF-8. */
export function decodeUtf8(bytes: Buffer, what: string): string {
  const at = invalidUtf8At(bytes);
  if (at !== null) throw usageError('NOT_UTF8', `${what} is not valid UTF-8 (byte ${at}); agents take text, and nothing was sent.`, 'Convert it to UTF-8 (for example `iconv -f latin1 -t utf-8`), or remove the stray bytes.');
  return bytes.toString('utf8');
}
