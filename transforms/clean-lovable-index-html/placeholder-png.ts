// A plain 1200×630 PNG (the size social sites want for og:image), written byte for byte the same
// on every machine: the deflate stream is built here (fixed Huffman codes, one repeated match)
// rather than by zlib, whose output differs between builds and CPUs.

/** The placeholder's one colour (slate-200: neutral on light and dark cards). */
const COLOUR = [0xe2, 0xe8, 0xf0] as const;
export const PLACEHOLDER_WIDTH = 1200;
export const PLACEHOLDER_HEIGHT = 630;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function adler32(length: number): number {
  // Every byte of the image data is zero: a stays 1, b grows by 1 per byte.
  const a = 1;
  const b = length % 65521;
  return ((b << 16) | a) >>> 0;
}

/** Deflate bits, least significant first; Huffman codes go in most significant bit first. */
class BitWriter {
  private bytes: number[] = [];
  private current = 0;
  private used = 0;
  bits(value: number, count: number): void {
    for (let i = 0; i < count; i++) this.bit((value >>> i) & 1);
  }
  code(value: number, count: number): void {
    for (let i = count - 1; i >= 0; i--) this.bit((value >>> i) & 1);
  }
  private bit(b: number): void {
    this.current |= b << this.used;
    if (++this.used === 8) this.flush();
  }
  flush(): void {
    if (this.used) this.bytes.push(this.current);
    this.current = 0;
    this.used = 0;
  }
  done(): number[] {
    this.flush();
    return this.bytes;
  }
}

/** Fixed-Huffman length symbols: [first length, symbol, extra bits]. */
const LENGTHS: Array<[number, number, number]> = [
  [3, 257, 0],
  [4, 258, 0],
  [5, 259, 0],
  [6, 260, 0],
  [7, 261, 0],
  [8, 262, 0],
  [9, 263, 0],
  [10, 264, 0],
  [11, 265, 1],
  [13, 266, 1],
  [15, 267, 1],
  [17, 268, 1],
  [19, 269, 2],
  [23, 270, 2],
  [27, 271, 2],
  [31, 272, 2],
  [35, 273, 3],
  [43, 274, 3],
  [51, 275, 3],
  [59, 276, 3],
  [67, 277, 4],
  [83, 278, 4],
  [99, 279, 4],
  [115, 280, 4],
  [131, 281, 5],
  [163, 282, 5],
  [195, 283, 5],
  [227, 284, 5],
  [258, 285, 0],
];

function lengthSymbol(w: BitWriter, length: number): void {
  let i = LENGTHS.length - 1;
  while (LENGTHS[i]![0] > length) i--;
  const [base, symbol, extra] = LENGTHS[i]!;
  // Symbols 256-279 have 7-bit codes from 0; 280-287 have 8-bit codes from 0b11000000.
  if (symbol <= 279) w.code(symbol - 256, 7);
  else w.code(0b11000000 + symbol - 280, 8);
  w.bits(length - base, extra);
}

/** A zlib stream of `length` zero bytes: one literal, then matches at distance 1. */
function zerosZlib(length: number): Uint8Array {
  const w = new BitWriter();
  w.bits(1, 1); // final block
  w.bits(1, 2); // fixed Huffman codes
  w.code(0b00110000, 8); // literal 0
  let left = length - 1;
  while (left > 0) {
    // A match is 3..258 long; never leave a remainder of 1 or 2.
    let take = Math.min(258, left);
    if (left - take > 0 && left - take < 3) take = left - 3;
    if (take < 3) {
      for (let i = 0; i < take; i++) w.code(0b00110000, 8);
      left -= take;
      continue;
    }
    lengthSymbol(w, take);
    w.code(0, 5); // distance code 0: distance 1
    left -= take;
  }
  w.code(0, 7); // end of block
  const adler = adler32(length);
  return Uint8Array.from([0x78, 0x01, ...w.done(), adler >>> 24, (adler >>> 16) & 0xff, (adler >>> 8) & 0xff, adler & 0xff]);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const body = Uint8Array.from([...Buffer.from(type, "latin1"), ...data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  out.set(body, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/** The PNG: one-colour palette, 1 bit per pixel, so every scanline byte is zero. */
export function placeholderPng(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(PLACEHOLDER_WIDTH, 0);
  header.writeUInt32BE(PLACEHOLDER_HEIGHT, 4);
  header.set([1, 3, 0, 0, 0], 8); // bit depth 1, palette colour, deflate, filter 0, no interlace
  const rowBytes = 1 + Math.ceil(PLACEHOLDER_WIDTH / 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("PLTE", Uint8Array.from(COLOUR)),
    chunk("IDAT", zerosZlib(rowBytes * PLACEHOLDER_HEIGHT)),
    chunk("IEND", new Uint8Array()),
  ]);
}
