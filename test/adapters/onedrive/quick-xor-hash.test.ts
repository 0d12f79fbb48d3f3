import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { QuickXorHash, quickXorHash, quickXorHashOf } from '../../../adapters/onedrive/quick-xor-hash.js';

// Published vectors (input and digest in base64), as used by rclone's quickxorhash tests.
const vectors: Array<[string, string]> = [
  ['', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='],
  ['Sg==', 'SgAAAAAAAAAAAAAAAQAAAAAAAAA='],
  ['tbQ=', 'taAFAAAAAAAAAAAAAgAAAAAAAAA='],
  ['/aNzzCFPS/A=', '/RjFHJgRgicsAR4ACAAAAAAAAAA='],
  ['2fuxhBJXtpWFe8dOfdGeHw==', 'O9tHLAghgSvYohKFyMMxnNCHaHg='],
  ['NbYXsp5/K6mR+NmHwExjvWeWDJFnXTKWVlzYHoesp2E=', 'wjuAuWDiq04qDt1R8hHWDDcwVoQ='],
  [
    'jyibxJSzO6ZiZ0O1qe3tG/bvIAYssvukh9suIT5wEy1JBINVgPiqdsTW0cOpP0aUfP7mgqLfADkzI/m/GgCuVhr8oFLrOCoTx1/psBOWwhltCbhUx51Icm9aH8tY4Z3ccU+6BKpYQkLCy0B/A9Zc',
    'hZfLIilSITC6N3e3tQ/iSgEzkto=',
  ],
  [
    'qwGf2ESubE5jOUHHyc94ORczFYYbc2OmEzo+hBIyzJiNwAzC8PvJqtTzwkWkSslgHFGWQZR2BV5+uYTrYT7HVwRM40vqfj0dBgeDENyTenIOL1LHkjtDKoXEnQ0mXAHoJ8PjbNC93zi5TovVRXTNzfGEs5dpWVqxUzb5lc7dwkyvOluBw482mQ4xrzYyIY1t+//OrNi1ObGXuUw2jBQOFfJVj2Y6BOyYmfB1y36eBxi3zxeG5d5NYjm2GSh6e08QMAwu3zrINcqIzLOuNIiGXBtl7DjKt7b5wqi4oFiRpZsCyx2smhSrdrtK/CkdU6nDN+34vSR/M8rZpWQdBE7a8g==',
    'WYT9JY3JIo/pEBp+tIM6Gt2nyTM=',
  ],
];

describe('quickXorHash', () => {
  it.each(vectors)('hashes the published vector %#', (input, digest) => {
    expect(quickXorHash(Buffer.from(input, 'base64'))).toBe(digest);
  });

  it('gives the same digest however the input is split', () => {
    for (const [input, digest] of vectors) {
      const bytes = Buffer.from(input, 'base64');
      for (const size of [1, 3, 7, 64]) {
        const hasher = new QuickXorHash();
        for (let i = 0; i < bytes.length; i += size) hasher.update(bytes.subarray(i, i + size));
        expect(hasher.digestBase64()).toBe(digest);
      }
    }
  });

  it('hashes a stream', async () => {
    const [input, digest] = vectors[7]!;
    const bytes = Buffer.from(input, 'base64');
    const stream = Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]);
    expect(await quickXorHashOf(stream)).toBe(digest);
  });

  it('tells apart contents that differ by one byte', () => {
    expect(quickXorHash(Buffer.from('hello'))).not.toBe(quickXorHash(Buffer.from('hellp')));
  });
});
