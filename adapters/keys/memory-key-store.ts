import { SubjectForgottenError } from '../../src/core/errors.js';
import type { FieldCipher, KeyStore, SubjectKey } from '../../src/core/ports.js';

/** Subject keys in process memory (tests, examples, and beside the in-memory event store). */
export function memoryKeyStore(cipher: Pick<FieldCipher, 'newKey'>): KeyStore {
  const keys = new Map<string, SubjectKey | null>();
  return {
    async get(subjectId) {
      return keys.get(subjectId) ?? undefined;
    },
    async getOrCreate(subjectId) {
      const existing = keys.get(subjectId);
      if (existing === null) throw new SubjectForgottenError();
      if (existing) return existing;
      const key = cipher.newKey();
      keys.set(subjectId, key);
      return key;
    },
    async delete(subjectId) {
      keys.set(subjectId, null);
    },
    async isForgotten(subjectId) {
      return keys.get(subjectId) === null;
    },
  };
}
