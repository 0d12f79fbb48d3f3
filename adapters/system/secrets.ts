import { createHash, createHmac, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Secrets } from '../../src/core/ports.js';

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 64 };

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** The least key length `createNodeSecrets` accepts (256 bits). */
export const TOKEN_KEY_BYTES = 32;

/**
 * Random tokens (256 bits), tokens derived by HMAC-SHA-256 under `tokenKey`, SHA-256 token
 * digests and scrypt password hashes. The key makes derived tokens: whoever holds it can mint the
 * links of every invitation, so it stays with the process that mails them (a file in the data
 * folder, or configuration).
 */
export function createNodeSecrets(options: { tokenKey: Uint8Array }): Secrets {
  if (options.tokenKey.byteLength < TOKEN_KEY_BYTES) throw new Error(`The token key must be at least ${TOKEN_KEY_BYTES} bytes.`);
  const tokenKey = Buffer.from(options.tokenKey);
  return { ...keyless, deriveToken: (purpose, id) => createHmac('sha256', tokenKey).update(`${purpose}\n${id}`, 'utf8').digest('base64url') };
}

const keyless: Omit<Secrets, 'deriveToken'> = {
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

/**
 * Secrets with a key made for this process only: derived tokens cannot be derived again after a
 * restart (tests, examples, the command line). The service keeps its key in the data folder.
 */
export const nodeSecrets: Secrets = createNodeSecrets({ tokenKey: randomBytes(TOKEN_KEY_BYTES) });
