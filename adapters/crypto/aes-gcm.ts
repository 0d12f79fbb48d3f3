import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { FieldCipher, SubjectKey } from '../../src/core/ports.js';

/** AES-256-GCM: `base64(iv ‖ tag ‖ ciphertext)` with a fresh 96-bit IV per value. */
export const aesGcmCipher: FieldCipher = {
  newKey: () => randomBytes(32),

  encrypt(key: SubjectKey, plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  },

  decrypt(key: SubjectKey, ciphertext: string): string {
    const raw = Buffer.from(ciphertext, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return decipher.update(raw.subarray(28), undefined, 'utf8') + decipher.final('utf8');
  },
};
