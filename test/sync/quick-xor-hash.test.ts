import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { downloadProblem, quickXorHash, quickXorHasher } from '../../src/sync/quick-xor-hash.js';

const bytes = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

/** The algorithm bit by bit: byte k's bit j lands on bit (11k + j) mod 160 of the register. */
function bitByBit(data: Uint8Array): string {
  const bits = new Array<number>(160).fill(0);
  data.forEach((byte, k) => {
    for (let j = 0; j < 8; j++) bits[(11 * k + j) % 160]! ^= (byte >> j) & 1;
  });
  const out = new Uint8Array(20);
  bits.forEach((b, n) => (out[n >> 3]! |= b << (n & 7)));
  let len = data.length;
  for (let i = 12; i < 20; i++) (out[i]! ^= len % 256, (len = Math.floor(len / 256)));
  return btoa(String.fromCharCode(...out));
}

describe('QuickXorHash', () => {
  // Published vectors (rclone's quickxorhash tests): base64 input → hash.
  it.each([
    ['', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='],
    ['Sg==', 'SgAAAAAAAAAAAAAAAQAAAAAAAAA='],
    ['tbQ=', 'taAFAAAAAAAAAAAAAgAAAAAAAAA='],
    ['0pZP', '0rDEEwAAAAAAAAAAAwAAAAAAAAA='],
    ['jRRDVA==', 'jaDAEKgAAAAAAAAABAAAAAAAAAA='],
    ['eAV52qE=', 'eChAHrQRCgAAAAAABQAAAAAAAAA='],
    ['luBZlaT6', 'lgBHFipBCn0AAAAABgAAAAAAAAA='],
    ['qaApEj66lw==', 'qQBFCiTgA11cAgAABwAAAAAAAAA='],
    ['/aNzzCFPS/A=', '/RjFHJgRgicsAR4ACAAAAAAAAAA='],
  ])('hashes %s as %s', (input, expected) => {
    expect(quickXorHash(bytes(input))).toBe(expected);
  });

  it('agrees with the bit-by-bit definition on long content, however it is streamed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.array(fc.nat()), (data, cuts) => {
        const hasher = quickXorHasher();
        let from = 0;
        for (const cut of [...cuts.map((c) => c % (data.length + 1))].sort((a, b) => a - b)) {
          hasher.update(data.subarray(from, cut));
          from = cut;
        }
        hasher.update(data.subarray(from));
        expect(hasher.digest()).toBe(bitByBit(data));
      }),
    );
  });

  it('says why a download does not match its listing', () => {
    expect(downloadProblem({ size: 3, quickXorHash: 'x' }, { size: 3, quickXorHash: 'x' })).toBeNull();
    expect(downloadProblem({ size: 3, quickXorHash: 'x' }, { size: 4, quickXorHash: 'x' })).toContain('3 bytes');
    expect(downloadProblem({ size: null, quickXorHash: 'x' }, { size: 4, quickXorHash: 'y' })).toContain('QuickXorHash');
  });
});
