import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Secrets } from '../../src/core/ports.js';

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 64 };

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** Invitation tokens (256 random bits), SHA-256 token digests and scrypt password hashes. */
export const nodeSecrets: Secrets = {
  newToken: () => randomBytes(32).toString('base64url'),

  hashToken: (token) => createHash('sha256').update(token, 'utf8').digest('hex'),

  digest: (text) => createHash('sha256').update(text, 'utf8').digest('hex'),

  async hashPassword(password) {
    const salt = randomBytes(16);
    const { N, r, p, keylen } = SCRYPT;
    const hash = await scryptAsync(password, salt, keylen, { N, r, p });
    return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
  },

  async verifyPassword(password, stored) {
    const [scheme, n, r, p, salt, hash] = stored.split('$');
    if (scheme !== 'scrypt' || !salt || !hash) return false;
    const expected = Buffer.from(hash, 'base64url');
    const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
      N: Number(n),
      r: Number(r),
      p: Number(p),
    });
    return timingSafeEqual(expected, actual);
  },
};
