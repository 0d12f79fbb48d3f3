import { randomUUID } from 'node:crypto';
import {
  checkOperatorToken,
  credentialsClosed,
  isExpired,
  isLastUseDue,
  SESSION_SWEEP_INTERVAL_MS,
  sessionExpiry,
  type Credentials,
  type CredentialsOptions,
  type Session,
  type StaffToken,
} from './credentials.js';
import { newRawToken, sameHash, tokenHash, tokenKind } from './tokens.js';

/**
 * Credentials in process memory, for tests and for embedding beside the in-memory event store.
 * Tokens are kept by the hex of their hash, as the SQLite adapter keeps them: the map's key
 * comparison sees only the hash, never the token.
 */
export function memoryCredentials(options: CredentialsOptions = {}): Credentials {
  const clock = options.now ?? (() => new Date());
  let operator: Buffer | null = null;
  const staff = new Map<string, StaffToken>();
  const sessions = new Map<string, Session>();
  let lastSweep = Number.NEGATIVE_INFINITY;
  let closed = false;

  const key = (raw: string) => tokenHash(raw).toString('hex');
  const open = () => {
    if (closed) throw credentialsClosed();
  };

  function sweep(now: Date): void {
    if (now.getTime() - lastSweep < SESSION_SWEEP_INTERVAL_MS) return;
    lastSweep = now.getTime();
    for (const [hash, session] of sessions) if (isExpired(session.expiresAt, now)) sessions.delete(hash);
  }

  return {
    async ensureOperatorToken(fromEnv) {
      open();
      if (fromEnv !== undefined) {
        checkOperatorToken(fromEnv);
        const hash = tokenHash(fromEnv);
        const created = operator === null || !sameHash(operator, hash);
        operator = hash;
        return { created, token: null };
      }
      if (operator !== null) return { created: false, token: null };
      const token = newRawToken('operator');
      operator = tokenHash(token);
      return { created: true, token };
    },

    async findOperator(rawToken) {
      open();
      return operator !== null && sameHash(operator, tokenHash(rawToken));
    },

    async issueStaffToken({ firmId, userId, label }) {
      open();
      const token = newRawToken('staff');
      const info: StaffToken = { tokenId: randomUUID(), firmId, userId, label, createdAt: clock().toISOString(), lastUsedAt: null };
      staff.set(key(token), info);
      return { token, info: { ...info } };
    },

    async findStaffToken(rawToken) {
      open();
      if (tokenKind(rawToken) !== 'staff') return null;
      const info = staff.get(key(rawToken));
      if (!info) return null;
      const now = clock();
      if (isLastUseDue(info.lastUsedAt, now)) info.lastUsedAt = now.toISOString();
      return { ...info };
    },

    async listStaffTokens(firmId, userId) {
      open();
      return [...staff.values()].filter((t) => t.firmId === firmId && (userId === undefined || t.userId === userId)).map((t) => ({ ...t }));
    },

    async revokeStaffToken(firmId, tokenId) {
      open();
      for (const [hash, t] of staff) {
        if (t.tokenId === tokenId && t.firmId === firmId) return staff.delete(hash);
      }
      return false;
    },

    async revokeStaffTokensOf(firmId, userId) {
      open();
      let revoked = 0;
      for (const [hash, t] of staff) if (t.firmId === firmId && t.userId === userId && staff.delete(hash)) revoked++;
      return revoked;
    },

    async createSession({ firmId, contactId, ttlSeconds, now }) {
      open();
      const expiresAt = sessionExpiry(ttlSeconds, now);
      sweep(now);
      const token = newRawToken('session');
      const sessionId = randomUUID();
      sessions.set(key(token), { sessionId, firmId, contactId, createdAt: now.toISOString(), expiresAt });
      return { token, sessionId, expiresAt };
    },

    async findSession(rawToken, now) {
      open();
      if (tokenKind(rawToken) !== 'session') return null;
      const hash = key(rawToken);
      const session = sessions.get(hash);
      if (!session) return null;
      if (isExpired(session.expiresAt, now)) {
        sessions.delete(hash);
        return null;
      }
      return { ...session };
    },

    async revokeSession(rawToken) {
      open();
      sessions.delete(key(rawToken));
    },

    async revokeSessionsOf(firmId, contactId) {
      open();
      let revoked = 0;
      for (const [hash, s] of sessions) if (s.firmId === firmId && s.contactId === contactId && sessions.delete(hash)) revoked++;
      return revoked;
    },

    close() {
      closed = true;
      operator = null;
      staff.clear();
      sessions.clear();
    },
  };
}
