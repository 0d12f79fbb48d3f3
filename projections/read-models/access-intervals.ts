import type { Database } from 'better-sqlite3';
import { perDatabase } from './per-database.js';
import type { AccessGrant, ReadModels } from '../../src/application/read-models.js';
import type { Actor, RecordedEvent } from '../../src/core/envelope.js';
import { NotFoundError } from '../../src/core/errors.js';
import { ERASED } from '../../src/core/events.js';
import { canSee, type SharedItem } from '../../src/portal-access/shared-items.js';
import type { SqliteProjection } from '../sqlite-target.js';
import { documentsAt } from './documents-at.js';
import { decodeCursor, encodeCursor } from './keyset-cursor.js';
import { actorRef, nameOf } from './people.js';

/**
 * Portal access over time: one row per grant interval, valid from `valid_from` (inclusive) to
 * `valid_to` (exclusive; NULL while open). Any change to what a grant shows — shared selection,
 * login email, activation — closes the open row and opens the next, so "who had access to what at
 * t" is one row per contact. `rm_access_contacts` keeps each contact's span (first grant, last
 * close) and open row, so an as-of query walks contacts in page order and seeks one row each.
 */
const SETUP = `
  CREATE TABLE IF NOT EXISTS rm_access_intervals (
    interval_id INTEGER PRIMARY KEY,
    firm_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    contact_id TEXT NOT NULL,
    login_email TEXT NOT NULL,
    shared_items TEXT NOT NULL,
    state TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    granted_by TEXT NOT NULL,
    revoked_by TEXT
  );
  CREATE INDEX IF NOT EXISTS rm_access_intervals_by_contact ON rm_access_intervals (firm_id, contact_id, valid_from, interval_id);
  CREATE INDEX IF NOT EXISTS rm_access_intervals_by_client ON rm_access_intervals (firm_id, client_id);
  CREATE TABLE IF NOT EXISTS rm_access_contacts (
    firm_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    contact_id TEXT NOT NULL,
    first_from TEXT NOT NULL,
    last_to TEXT,
    open_interval_id INTEGER,
    PRIMARY KEY (firm_id, client_id, contact_id)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX IF NOT EXISTS rm_access_contacts_by_contact ON rm_access_contacts (firm_id, contact_id);`;

interface IntervalRow {
  interval_id: number;
  firm_id: string;
  client_id: string;
  contact_id: string;
  login_email: string;
  shared_items: string;
  state: 'pending' | 'active';
  valid_from: string;
  valid_to: string | null;
  granted_by: string;
  revoked_by: string | null;
}

type NewInterval = Omit<IntervalRow, 'interval_id' | 'valid_to' | 'revoked_by'>;

function prepare(db: Database) {
  return {
    insert: db.prepare<[NewInterval]>(
      `INSERT INTO rm_access_intervals (firm_id, client_id, contact_id, login_email, shared_items, state, valid_from, granted_by)
       VALUES (@firm_id, @client_id, @contact_id, @login_email, @shared_items, @state, @valid_from, @granted_by)`,
    ),
    close: db.prepare<[string, string | null, number]>('UPDATE rm_access_intervals SET valid_to = ?, revoked_by = ? WHERE interval_id = ?'),
    open: db.prepare<[string, string], IntervalRow>(
      `SELECT i.* FROM rm_access_contacts c JOIN rm_access_intervals i ON i.interval_id = c.open_interval_id
       WHERE c.firm_id = ? AND c.contact_id = ?`,
    ),
    opened: db.prepare<[string, string, string, string, number]>(
      `INSERT INTO rm_access_contacts (firm_id, client_id, contact_id, first_from, open_interval_id) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (firm_id, client_id, contact_id) DO UPDATE SET last_to = NULL, open_interval_id = excluded.open_interval_id`,
    ),
    moved: db.prepare<[number, string, string]>('UPDATE rm_access_contacts SET open_interval_id = ? WHERE firm_id = ? AND contact_id = ?'),
    closed: db.prepare<[string, string, string]>('UPDATE rm_access_contacts SET last_to = ?, open_interval_id = NULL WHERE firm_id = ? AND contact_id = ?'),
    forgetEmail: db.prepare<[string, string, string]>('UPDATE rm_access_intervals SET login_email = ? WHERE firm_id = ? AND contact_id = ?'),
    sharedOfClient: db.prepare<[string, string], { interval_id: number; shared_items: string }>(
      `SELECT interval_id, shared_items FROM rm_access_intervals WHERE firm_id = ? AND client_id = ? AND shared_items LIKE '%"folder"%'`,
    ),
    setShared: db.prepare<[string, number]>('UPDATE rm_access_intervals SET shared_items = ? WHERE interval_id = ?'),
    asOf: db.prepare<{ firm: string; at: string; client: string; contact: string; limit: number }, IntervalRow>(ASOF('')),
    asOfClient: db.prepare<{ firm: string; at: string; client: string; contact: string; limit: number }, IntervalRow>(
      ASOF('AND c.client_id = @client'),
    ),
    at: db.prepare<[string, string, string], IntervalRow>(
      `SELECT * FROM rm_access_intervals WHERE firm_id = ? AND contact_id = ? AND valid_from <= ?
       ORDER BY valid_from DESC, interval_id DESC LIMIT 1`,
    ),
    openOfClient: db.prepare<[string, string], IntervalRow>(
      `SELECT i.* FROM rm_access_contacts c JOIN rm_access_intervals i ON i.interval_id = c.open_interval_id
       WHERE c.firm_id = ? AND c.client_id = ? ORDER BY c.contact_id`,
    ),
    known: db.prepare<[string, string, string], { one: number }>('SELECT 1 AS one FROM rm_people WHERE firm_id = ? AND kind = ? AND id = ?'),
  };
}

/** Contacts whose span covers `at`, in page order, each with the one interval that could hold `at`. */
function ASOF(clientFilter: string): string {
  return `
    SELECT i.* FROM rm_access_contacts c
    JOIN rm_access_intervals i ON i.interval_id = (
      SELECT interval_id FROM rm_access_intervals
      WHERE firm_id = c.firm_id AND contact_id = c.contact_id AND valid_from <= @at
      ORDER BY valid_from DESC, interval_id DESC LIMIT 1)
    WHERE c.firm_id = @firm ${clientFilter} AND (c.client_id, c.contact_id) > (@client, @contact)
      AND c.first_from <= @at AND (c.last_to IS NULL OR c.last_to > @at)
      AND (i.valid_to IS NULL OR i.valid_to > @at)
    ORDER BY c.client_id, c.contact_id LIMIT @limit`;
}

type Statements = ReturnType<typeof prepare>;
const statements = perDatabase(prepare);

const TYPES = ['PortalAccessOpened', 'PortalAccessActivated', 'PortalAccessClosed', 'SharedSelectionChanged', 'LoginEmailChanged', 'PersonalDataForgotten'];

/** Closes the contact's open interval and opens the next one with `changes` (by the event's actor). */
function reopen(s: Statements, event: RecordedEvent, changes: Partial<NewInterval>): void {
  const data = event.data as { contactId: string };
  const firm = event.metadata.tenantId;
  const open = s.open.get(firm, data.contactId);
  if (!open) return;
  const at = event.metadata.occurredAt;
  s.close.run(at, null, open.interval_id);
  const next = { ...open, valid_from: at, granted_by: JSON.stringify(event.metadata.actor), ...changes };
  const { lastInsertRowid } = s.insert.run(pick(next));
  s.moved.run(Number(lastInsertRowid), firm, data.contactId);
}

const pick = ({ firm_id, client_id, contact_id, login_email, shared_items, state, valid_from, granted_by }: NewInterval): NewInterval => ({
  firm_id,
  client_id,
  contact_id,
  login_email,
  shared_items,
  state,
  valid_from,
  granted_by,
});

/** Folder paths of a forgotten client, as a rebuild reads them. */
function redactPaths(json: string): string {
  const items = JSON.parse(json) as SharedItem[];
  return JSON.stringify(items.map((item) => (item.kind === 'folder' ? { ...item, path: ERASED } : item)));
}

export const accessIntervalsProjection: SqliteProjection = {
  name: 'access-intervals',
  filter: { eventTypePrefixes: TYPES },
  setup(db) {
    db.exec(SETUP);
  },
  drop(db) {
    db.exec('DROP TABLE IF EXISTS rm_access_intervals; DROP TABLE IF EXISTS rm_access_contacts;');
  },
  apply(db, event) {
    const s = statements(db);
    const data = event.data as any;
    const firm = event.metadata.tenantId;
    const at = event.metadata.occurredAt;
    switch (event.type) {
      case 'PortalAccessOpened': {
        // Nothing open to close: access opens only when none or closed (the decider refuses otherwise).
        const row: NewInterval = {
          firm_id: firm,
          client_id: data.clientId,
          contact_id: data.contactId,
          login_email: data.loginEmail,
          shared_items: JSON.stringify(data.sharedItems),
          state: data.accessState,
          valid_from: at,
          granted_by: JSON.stringify(event.metadata.actor),
        };
        const id = Number(s.insert.run(row).lastInsertRowid);
        return void s.opened.run(firm, data.clientId, data.contactId, at, id);
      }
      case 'SharedSelectionChanged':
        return reopen(s, event, { shared_items: JSON.stringify(data.sharedItems) });
      case 'LoginEmailChanged':
        return reopen(s, event, { login_email: data.loginEmail });
      case 'PortalAccessActivated':
        return reopen(s, event, { state: 'active' });
      case 'PortalAccessClosed': {
        const open = s.open.get(firm, data.contactId);
        if (!open) return;
        s.close.run(at, JSON.stringify(event.metadata.actor), open.interval_id);
        return void s.closed.run(at, firm, data.contactId);
      }
      case 'PersonalDataForgotten': {
        s.forgetEmail.run(ERASED, firm, data.subjectId);
        for (const row of s.sharedOfClient.all(firm, data.subjectId)) s.setShared.run(redactPaths(row.shared_items), row.interval_id);
        return;
      }
    }
  },
};

/** A contact's open grant, for visibility now. */
export interface OpenGrant {
  contactId: string;
  state: 'pending' | 'active';
  sharedItems: SharedItem[];
}

/** The open grants of a client's contacts (what each sees now). */
export function openGrants(db: Database, firmId: string, clientId: string): OpenGrant[] {
  return statements(db)
    .openOfClient.all(firmId, clientId)
    .map((row) => ({ contactId: row.contact_id, state: row.state, sharedItems: JSON.parse(row.shared_items) }));
}

/** Throws the tenant's not-found for an id the firm does not know (another firm's reads the same). */
export function requireKnown(db: Database, firmId: string, kind: 'client' | 'contact', id: string): void {
  if (statements(db).known.get(firmId, kind, id)) return;
  throw kind === 'client'
    ? new NotFoundError('client.not_found', 'This client does not exist.')
    : new NotFoundError('contact.not_found', 'This contact does not exist.');
}

function grantOf(db: Database, row: IntervalRow): AccessGrant {
  const firm = row.firm_id;
  return {
    clientId: row.client_id,
    clientName: nameOf(db, firm, 'client', row.client_id),
    contactId: row.contact_id,
    contactName: nameOf(db, firm, 'contact', row.contact_id),
    loginEmail: row.login_email,
    sharedItems: JSON.parse(row.shared_items),
    state: row.state,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    grantedBy: actorRef(db, firm, JSON.parse(row.granted_by) as Actor),
    revokedBy: row.revoked_by === null ? null : actorRef(db, firm, JSON.parse(row.revoked_by) as Actor),
  };
}

export function accessQueries(db: Database): Pick<ReadModels['audit'], 'accessAsOf' | 'viewAsClient'> {
  return {
    async accessAsOf(firmId, query) {
      const s = statements(db);
      if (query.clientId !== undefined) requireKnown(db, firmId, 'client', query.clientId);
      const [client, contact] = decodeCursor(query.cursor, ['string', 'string'] as const) ?? ['', ''];
      const params = { firm: firmId, at: query.at, client, contact, limit: query.limit + 1 };
      const rows =
        query.clientId === undefined
          ? s.asOf.all(params)
          : s.asOfClient.all({ ...params, client: query.clientId, contact: client === query.clientId ? contact : '' });
      const items = rows.slice(0, query.limit).map((row) => grantOf(db, row));
      const last = items.at(-1);
      return { items, nextCursor: rows.length > query.limit && last ? encodeCursor([last.clientId, last.contactId]) : null };
    },
    async viewAsClient(firmId, contactId, at) {
      requireKnown(db, firmId, 'contact', contactId);
      const grant = statements(db).at.get(firmId, contactId, at);
      if (!grant || (grant.valid_to !== null && grant.valid_to <= at)) return [];
      const access = { status: grant.state, contactId, sharedItems: JSON.parse(grant.shared_items) as SharedItem[] };
      return documentsAt(db, firmId, grant.client_id, at)
        .filter((doc) => canSee(access, { folderPath: doc.folderPath, documentId: doc.documentId, uploadedByContactId: doc.uploadedByContactId }));
    },
  };
}
