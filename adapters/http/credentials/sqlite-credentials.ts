import type Database from 'better-sqlite3';
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
import { newRawToken, tokenHash, tokenKind } from './tokens.js';

// Hashes are 32-byte BLOBs; times are ISO strings from toISOString, whose fixed shape sorts as time does.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS http_operator_tokens (
    token_hash BLOB PRIMARY KEY,
    created_at TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS http_staff_tokens (
    token_id     TEXT PRIMARY KEY,
    token_hash   BLOB NOT NULL UNIQUE,
    firm_id      TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    label        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT NULL
  );
  CREATE INDEX IF NOT EXISTS http_staff_tokens_by_user ON http_staff_tokens (firm_id, user_id);
  CREATE TABLE IF NOT EXISTS http_sessions (
    session_id TEXT PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    firm_id    TEXT NOT NULL,
    contact_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS http_sessions_by_contact ON http_sessions (firm_id, contact_id);
  CREATE INDEX IF NOT EXISTS http_sessions_by_expiry ON http_sessions (expires_at);
`;

const STAFF_COLUMNS = 'token_id AS tokenId, firm_id AS firmId, user_id AS userId, label, created_at AS createdAt, last_used_at AS lastUsedAt';
const SESSION_COLUMNS = 'session_id AS sessionId, firm_id AS firmId, contact_id AS contactId, created_at AS createdAt, expires_at AS expiresAt';

/**
 * Credentials in the SQLite file the embedded event store uses (pass its `db`): three tables of
 * their own, created when missing. Every statement is synchronous, so none can fall inside the
 * store's group commit.
 */
export function sqliteCredentials(db: Database.Database, options: CredentialsOptions = {}): Credentials {
  const clock = options.now ?? (() => new Date());
  db.exec(SCHEMA);

  const anyOperator = db.prepare<[], number>('SELECT 1 FROM http_operator_tokens LIMIT 1').pluck();
  const operatorByHash = db.prepare<[Buffer], number>('SELECT 1 FROM http_operator_tokens WHERE token_hash = ?').pluck();
  const insertOperator = db.prepare<[Buffer, string]>('INSERT INTO http_operator_tokens (token_hash, created_at) VALUES (?, ?)');
  const deleteOtherOperators = db.prepare<[Buffer]>('DELETE FROM http_operator_tokens WHERE token_hash <> ?');

  const insertStaff = db.prepare<[string, Buffer, string, string, string, string]>(
    'INSERT INTO http_staff_tokens (token_id, token_hash, firm_id, user_id, label, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const staffByHash = db.prepare<[Buffer], StaffToken>(`SELECT ${STAFF_COLUMNS} FROM http_staff_tokens WHERE token_hash = ?`);
  const touchStaff = db.prepare<[string, string]>('UPDATE http_staff_tokens SET last_used_at = ? WHERE token_id = ?');
  const staffOfFirm = db.prepare<[string], StaffToken>(`SELECT ${STAFF_COLUMNS} FROM http_staff_tokens WHERE firm_id = ? ORDER BY rowid`);
  const staffOfUser = db.prepare<[string, string], StaffToken>(
    `SELECT ${STAFF_COLUMNS} FROM http_staff_tokens WHERE firm_id = ? AND user_id = ? ORDER BY rowid`,
  );
  const deleteStaff = db.prepare<[string, string]>('DELETE FROM http_staff_tokens WHERE firm_id = ? AND token_id = ?');
  const deleteStaffOf = db.prepare<[string, string]>('DELETE FROM http_staff_tokens WHERE firm_id = ? AND user_id = ?');

  const insertSession = db.prepare<[string, Buffer, string, string, string, string]>(
    'INSERT INTO http_sessions (session_id, token_hash, firm_id, contact_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const sessionByHash = db.prepare<[Buffer], Session>(`SELECT ${SESSION_COLUMNS} FROM http_sessions WHERE token_hash = ?`);
  const deleteSession = db.prepare<[Buffer]>('DELETE FROM http_sessions WHERE token_hash = ?');
  const deleteSessionsOf = db.prepare<[string, string]>('DELETE FROM http_sessions WHERE firm_id = ? AND contact_id = ?');
  const deleteExpired = db.prepare<[string]>('DELETE FROM http_sessions WHERE expires_at <= ?');

  // IMMEDIATE: two processes starting at once on a new file make one operator token between them, not two.
  const ensureOperator = db.transaction((fromEnv: string | undefined): { created: boolean; token: string | null } => {
    const createdAt = clock().toISOString();
    if (fromEnv !== undefined) {
      const hash = tokenHash(fromEnv);
      const created = operatorByHash.get(hash) === undefined;
      deleteOtherOperators.run(hash);
      if (created) insertOperator.run(hash, createdAt);
      return { created, token: null };
    }
    if (anyOperator.get() !== undefined) return { created: false, token: null };
    const token = newRawToken('operator');
    insertOperator.run(tokenHash(token), createdAt);
    return { created: true, token };
  });

  let lastSweep = Number.NEGATIVE_INFINITY;
  let closed = false;
  const open = () => {
    if (closed || !db.open) throw credentialsClosed();
  };

  return {
    async ensureOperatorToken(fromEnv) {
      open();
      if (fromEnv !== undefined) checkOperatorToken(fromEnv);
      return ensureOperator.immediate(fromEnv);
    },

    async findOperator(rawToken) {
      open();
      return operatorByHash.get(tokenHash(rawToken)) !== undefined;
    },

    async issueStaffToken({ firmId, userId, label }) {
      open();
      const token = newRawToken('staff');
      const info: StaffToken = { tokenId: randomUUID(), firmId, userId, label, createdAt: clock().toISOString(), lastUsedAt: null };
      insertStaff.run(info.tokenId, tokenHash(token), firmId, userId, label, info.createdAt);
      return { token, info };
    },

    async findStaffToken(rawToken) {
      open();
      if (tokenKind(rawToken) !== 'staff') return null;
      const info = staffByHash.get(tokenHash(rawToken));
      if (!info) return null;
      const now = clock();
      if (isLastUseDue(info.lastUsedAt, now)) {
        info.lastUsedAt = now.toISOString();
        touchStaff.run(info.lastUsedAt, info.tokenId);
      }
      return info;
    },

    async listStaffTokens(firmId, userId) {
      open();
      return userId === undefined ? staffOfFirm.all(firmId) : staffOfUser.all(firmId, userId);
    },

    async revokeStaffToken(firmId, tokenId) {
      open();
      return deleteStaff.run(firmId, tokenId).changes > 0;
    },

    async revokeStaffTokensOf(firmId, userId) {
      open();
      return deleteStaffOf.run(firmId, userId).changes;
    },

    async createSession({ firmId, contactId, ttlSeconds, now }) {
      open();
      const expiresAt = sessionExpiry(ttlSeconds, now);
      // Sessions nobody comes back with are never found, so never deleted by findSession: swept here.
      if (now.getTime() - lastSweep >= SESSION_SWEEP_INTERVAL_MS) {
        lastSweep = now.getTime();
        deleteExpired.run(now.toISOString());
      }
      const token = newRawToken('session');
      const sessionId = randomUUID();
      insertSession.run(sessionId, tokenHash(token), firmId, contactId, now.toISOString(), expiresAt);
      return { token, sessionId, expiresAt };
    },

    async findSession(rawToken, now) {
      open();
      if (tokenKind(rawToken) !== 'session') return null;
      const hash = tokenHash(rawToken);
      const session = sessionByHash.get(hash);
      if (!session) return null;
      if (isExpired(session.expiresAt, now)) {
        deleteSession.run(hash);
        return null;
      }
      return session;
    },

    async revokeSession(rawToken) {
      open();
      deleteSession.run(tokenHash(rawToken));
    },

    async revokeSessionsOf(firmId, contactId) {
      open();
      return deleteSessionsOf.run(firmId, contactId).changes;
    },

    close() {
      closed = true;
    },
  };
}
