/**
 * Microsoft's QuickXorHash, the one content hash OneDrive Personal guarantees: each byte is XORed
 * into a 160-bit circular register at a position 11 bits further than the byte before, and the
 * total length (64 bits, little-endian) is XORed into the register's last 8 bytes. Streamed: the
 * runner feeds a download through it chunk by chunk and compares with the listing's quickXorHash.
 */
const WIDTH_BYTES = 20;
const WIDTH_BITS = WIDTH_BYTES * 8;
const SHIFT = 11;

export interface QuickXorHasher {
  update(bytes: Uint8Array): void;
  /** The hash in base64, as Graph writes `file.hashes.quickXorHash`. */
  digest(): string;
}

export function quickXorHasher(): QuickXorHasher {
  const register = new Uint8Array(WIDTH_BYTES);
  let length = 0;
  // The bit position of the next byte: (length * 11) mod 160.
  let offset = 0;
  return {
    update(bytes) {
      for (const byte of bytes) {
        const index = offset >> 3;
        const bit = offset & 7;
        register[index]! ^= (byte << bit) & 0xff;
        if (bit > 0) register[(index + 1) % WIDTH_BYTES]! ^= byte >> (8 - bit);
        offset = (offset + SHIFT) % WIDTH_BITS;
      }
      length += bytes.length;
    },
    digest() {
      const out = register.slice();
      let rest = length;
      for (let i = 0; i < 8; i++) {
        out[WIDTH_BYTES - 8 + i]! ^= rest % 256;
        rest = Math.floor(rest / 256);
      }
      return btoa(String.fromCharCode(...out));
    },
  };
}

/** The QuickXorHash of a whole buffer. */
export function quickXorHash(bytes: Uint8Array): string {
  const hasher = quickXorHasher();
  hasher.update(bytes);
  return hasher.digest();
}

/** Whether downloaded content is what the listing announced; null when it is, else why not. */
export function downloadProblem(expected: { size: number | null; quickXorHash: string | null }, got: { size: number; quickXorHash: string }): string | null {
  if (expected.size !== null && expected.size !== got.size) return `expected ${expected.size} bytes, got ${got.size}`;
  if (expected.quickXorHash !== null && expected.quickXorHash !== got.quickXorHash) return `expected QuickXorHash ${expected.quickXorHash}, got ${got.quickXorHash}`;
  return null;
}
