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
  /** A deterministic digest of a token (stored in events instead of the token). */
  hashToken(token: string): string;
  /** SHA-256 of a text as 64 lower-case hex digits: deterministic names and fingerprints (not secrets). */
  digest(text: string): string;
  /** A slow salted password hash (scrypt). */
  hashPassword(password: string): Promise<string>;
  verifyPassword(password: string, hash: string): Promise<boolean>;
}

/** An invitation ready to go out: the only place the raw token ever travels. */
export interface InvitationToDeliver {
  tenantId: string;
  clientId: string;
  contactId: string;
  email: string;
  /** Raw single-use token for the activation link; never stored, never logged. */
  token: string;
  formId: string | null;
  expiresAt: string;
  reason: string;
}

/** Sends invitation emails (an SMTP adapter in production; an in-memory outbox in tests). */
export interface InvitationDelivery {
  deliver(invitation: InvitationToDeliver): Promise<void>;
}

/** Why an access notification goes out: access opened, re-opened, or what is shared changed. */
export type AccessNotificationReason = 'opened' | 'reopened' | 'folders_changed';

/**
 * "Your portal access is open" / "what is shared with you changed": sent on every save in the
 * access window. A contact without a password gets the invitation instead when access opens (the
 * invitation is the access notification then), so one save never sends two emails.
 */
export interface AccessNotificationToDeliver {
  tenantId: string;
  clientId: string;
  contactId: string;
  /** The login email, where the notification goes. */
  email: string;
  /** What is shared with the contact after the save. */
  sharedItems: ReadonlyArray<{ kind: 'folder'; path: string } | { kind: 'document'; documentId: string }>;
  reason: AccessNotificationReason;
  /** False while the contact still has to set a password through their invitation. */
  contactHasPassword: boolean;
}

/** Sends access notifications (the mail adapter in production; an in-memory outbox in tests). */
export interface AccessNotificationDelivery {
  deliver(notification: AccessNotificationToDeliver): Promise<void>;
}
