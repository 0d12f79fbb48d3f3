/** Time, injected so decisions and tests are deterministic. */
export interface Clock {
  now(): Date;
}

/** Identifier generator (UUIDs in production, sequences in tests). */
export interface IdGenerator {
  newId(): string;
}

/** A data-encryption key belonging to one data subject (a person whose data can be forgotten). */
export type SubjectKey = Uint8Array;

/**
 * Keys for crypto-shredding, one per data subject, kept beside the event log.
 * Deleting a subject's key makes every encrypted field of that subject unreadable, forever.
 */
export interface KeyStore {
  /** The subject's key, or undefined when it never existed or was deleted. */
  get(subjectId: string): Promise<SubjectKey | undefined>;
  /** The subject's key, created if it does not exist yet. Refuses a subject that was forgotten. */
  getOrCreate(subjectId: string): Promise<SubjectKey>;
  /** Deletes the key; the subject is remembered as forgotten so no new key is ever made for it. */
  delete(subjectId: string): Promise<void>;
  isForgotten(subjectId: string): Promise<boolean>;
}

/** Symmetric authenticated encryption of small strings (AES-256-GCM in the node adapter). */
export interface FieldCipher {
  newKey(): SubjectKey;
  encrypt(key: SubjectKey, plaintext: string): string;
  /** Throws when the ciphertext was tampered with or the key is wrong. */
  decrypt(key: SubjectKey, ciphertext: string): string;
}

/** Secrets for invitations and passwords, kept behind a port so the domain stays pure. */
export interface Secrets {
  /** A fresh unguessable token (URL-safe). */
  newToken(): string;
  /**
   * The token for one purpose and id (URL-safe), derivable again only with the server's secret
   * key: the mail process re-derives an invitation's link after a crash, while the log keeps only
   * its digest. `purpose` separates uses ('invitation', 'password-reset').
   */
  deriveToken(purpose: string, id: string): string;
  /** A deterministic digest of a token (stored in events instead of the token). */
  hashToken(token: string): string;
  /** SHA-256 of a text as 64 lower-case hex digits: deterministic names and fingerprints (not secrets). */
  digest(text: string): string;
  /** A slow salted password hash (scrypt). */
  hashPassword(password: string): Promise<string>;
  verifyPassword(password: string, hash: string): Promise<boolean>;
}
