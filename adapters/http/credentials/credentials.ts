import { PortalError, ValidationError } from '../../../src/core/errors.js';

/** A staff user's API token as the firm sees it: never the token itself. */
export type StaffToken = {
  tokenId: string;
  firmId: string;
  userId: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
};

/** A client's session as a request sees it once its token is found. */
/** A client session; `createdAt` lets the app refuse one that predates a closing of the access. */
export type Session = { sessionId: string; firmId: string; contactId: string; createdAt: string; expiresAt: string };

/**
 * Who may call the HTTP service, a port of the HTTP adapter: the platform operator's token, staff
 * API tokens and client sessions. Raw tokens leave only in the answers that create them; what is
 * stored is their SHA-256, and every lookup goes by that hash.
 */
export interface Credentials {
  /**
   * The operator token at start-up. Without `fromEnv`: on the first start one is made and returned
   * once (`created: true`), later starts return `{ created: false, token: null }`. With `fromEnv`
   * (PORTAL_BOOTSTRAP_TOKEN, at least 32 characters): its hash replaces every other operator token;
   * `created` tells whether it was not already the one stored, `token` is null (the caller has it).
   */
  ensureOperatorToken(fromEnv?: string): Promise<{ created: boolean; token: string | null }>;
  findOperator(rawToken: string): Promise<boolean>;

  /** A new API token for a staff user; the raw token is in this answer only. */
  issueStaffToken(input: { firmId: string; userId: string; label: string }): Promise<{ token: string; info: StaffToken }>;
  /** The token's owner, or null; records when it was used, at most once a minute. */
  findStaffToken(rawToken: string): Promise<StaffToken | null>;
  /** A firm's tokens (or one user's), oldest first. */
  listStaffTokens(firmId: string, userId?: string): Promise<StaffToken[]>;
  /** False when the firm has no such token: another firm's token id is never touched. */
  revokeStaffToken(firmId: string, tokenId: string): Promise<boolean>;
  /** Revokes every token of a staff user (on their removal), returning how many there were. */
  revokeStaffTokensOf(firmId: string, userId: string): Promise<number>;

  /** A new client session, valid while `now` is before `expiresAt`; the raw token is in this answer only. */
  createSession(input: { firmId: string; contactId: string; ttlSeconds: number; now: Date }): Promise<{ token: string; sessionId: string; expiresAt: string }>;
  /** The session, or null when unknown or expired (an expired one is deleted). */
  findSession(rawToken: string, now: Date): Promise<Session | null>;
  revokeSession(rawToken: string): Promise<void>;
  /** Revokes every session of a contact (access closed, contact forgotten), returning how many there were. */
  revokeSessionsOf(firmId: string, contactId: string): Promise<number>;

  /** Ends this instance; a database it was given stays open (it belongs to whoever opened it). */
  close(): void | Promise<void>;
}

/** Options both adapters take. */
export interface CredentialsOptions {
  /** The clock for staff tokens' createdAt and lastUsedAt (sessions take `now` from each call). */
  now?: () => Date;
}

/** lastUsedAt is kept to the minute: a token used on every request writes once a minute, not per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** How often session creation also deletes expired sessions that nobody came back with. */
export const SESSION_SWEEP_INTERVAL_MS = 10 * 60_000;

// Browsers cap a cookie's lifetime at 400 days; a longer session would outlive its cookie anyway.
const MAX_SESSION_SECONDS = 400 * 24 * 60 * 60;

// Below this an operator-chosen token could be guessed from its fast hash: 32 base64 characters carry 192 bits.
const MIN_OPERATOR_TOKEN_LENGTH = 32;

export function isLastUseDue(lastUsedAt: string | null, now: Date): boolean {
  return lastUsedAt === null || now.getTime() - Date.parse(lastUsedAt) >= LAST_USED_RESOLUTION_MS;
}

export function isExpired(expiresAt: string, now: Date): boolean {
  return now.getTime() >= Date.parse(expiresAt);
}

/** The session's expiry, refusing a lifetime that is not a whole number of seconds between 1 and 400 days. */
export function sessionExpiry(ttlSeconds: number, now: Date): string {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_SESSION_SECONDS) {
    throw new ValidationError(`A session lasts a whole number of seconds between 1 and ${MAX_SESSION_SECONDS}.`);
  }
  return new Date(now.getTime() + ttlSeconds * 1000).toISOString();
}

export function checkOperatorToken(fromEnv: string): void {
  if (fromEnv.length < MIN_OPERATOR_TOKEN_LENGTH) {
    throw new ValidationError(`The bootstrap token must have at least ${MIN_OPERATOR_TOKEN_LENGTH} characters.`);
  }
}

export const credentialsClosed = () => new PortalError('credentials.closed', 'The credentials store is closed.');
