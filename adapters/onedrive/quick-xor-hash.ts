/**
 * Microsoft's QuickXorHash (the only hash OneDrive guarantees on Personal and Business): each byte
 * is XORed into a 160-bit ring at a position advancing 11 bits per byte, then the total length, as a
 * little-endian 64-bit number, is XORed into the last 8 bytes. The digest is given in base64, as
 * Graph reports it in `file.hashes.quickXorHash`.
 */
const WIDTH_BYTES = 20;
const WIDTH_BITS = WIDTH_BYTES * 8;
const SHIFT = 11;

export class QuickXorHash {
  private readonly ring = new Uint8Array(WIDTH_BYTES + 1);
  private bit = 0;
  private length = 0n;

  /** Adds a chunk; chunks may be of any size and split anywhere. */
  update(chunk: Uint8Array): this {
    const ring = this.ring;
    let bit = this.bit;
    for (let i = 0; i < chunk.length; i++) {
      const value = chunk[i]! << (bit & 7);
      const at = bit >> 3;
      ring[at]! ^= value & 0xff;
      ring[at + 1]! ^= value >> 8;
      bit += SHIFT;
      if (bit >= WIDTH_BITS) bit -= WIDTH_BITS;
    }
    this.bit = bit;
    this.length += BigInt(chunk.length);
    return this;
  }

  /** The 20-byte digest; the hasher can keep being updated afterwards. */
  digest(): Buffer {
    const out = Buffer.from(this.ring.subarray(0, WIDTH_BYTES));
    // A byte written at the ring's last position spills into the spare cell, which wraps to byte 0.
    out[0]! ^= this.ring[WIDTH_BYTES]!;
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt.asUintN(64, this.length));
    for (let i = 0; i < 8; i++) out[WIDTH_BYTES - 8 + i]! ^= length[i]!;
    return out;
  }

  digestBase64(): string {
    return this.digest().toString('base64');
  }
}

/** The base64 QuickXorHash of bytes held in memory. */
export function quickXorHash(bytes: Uint8Array): string {
  return new QuickXorHash().update(bytes).digestBase64();
}

/** The base64 QuickXorHash of a stream (a download, a file read), consumed to its end. */
export async function quickXorHashOf(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const hasher = new QuickXorHash();
  for await (const chunk of chunks) hasher.update(chunk);
  return hasher.digestBase64();
}
