import type { Database, Statement } from 'better-sqlite3';
import type { RecordedEvent } from '../../src/core/envelope.js';
import { ERASED } from '../../src/core/events.js';
import type { SqliteProjection } from '../sqlite-target.js';
import { emailKey, normalizeText } from './search-text.js';

export { clientListQueries, activationRows } from './client-list-queries.js';

/**
 * The client list: one row per client with its members, assigned staff ids, folder link and
 * document count. Only facts are stored (instants, states); the wording that depends on time
 * ("just now", "expired") is computed by the queries at `now`. Staff names are not copied: the
 * queries read them from rm_people. Derived columns (display name, search text, sort keys) are
 * recomputed from the members whenever one changes, so the search and the sort keys always agree
 * with what is shown.
 *
 * Sort keys: `name_key` is the normalized display name; the date sorts keep two keys each, one for
 * ascending (null as '~', after every date) and one for descending (null as '', before every date),
 * so that nulls come last in both directions and each order walks one index.
 *
 * The search text is also kept in rm_cl_text (FTS5 trigram, rowid = the client row's rowid), which
 * finds the few clients of a selective search without reading every row.
 */
const SETUP = `
  CREATE TABLE IF NOT EXISTS rm_cl_clients (
    client_id TEXT PRIMARY KEY,
    firm_id TEXT NOT NULL,
    own_name TEXT,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    subscription TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    folder_url TEXT,
    folder_name TEXT,
    folder_error TEXT,
    document_count INTEGER NOT NULL DEFAULT 0,
    name_key TEXT NOT NULL,
    search TEXT NOT NULL,
    login_asc TEXT NOT NULL DEFAULT '~',
    login_desc TEXT NOT NULL DEFAULT '',
    invited_asc TEXT NOT NULL DEFAULT '~',
    invited_desc TEXT NOT NULL DEFAULT ''
  );
  CREATE INDEX IF NOT EXISTS rm_cl_by_name ON rm_cl_clients (firm_id, archived, name_key, client_id);
  CREATE VIRTUAL TABLE IF NOT EXISTS rm_cl_text USING fts5(search, tokenize = 'trigram');
  CREATE INDEX IF NOT EXISTS rm_cl_by_login_asc ON rm_cl_clients (firm_id, archived, login_asc, client_id);
  CREATE INDEX IF NOT EXISTS rm_cl_by_login_desc ON rm_cl_clients (firm_id, archived, login_desc, client_id);
  CREATE INDEX IF NOT EXISTS rm_cl_by_invited_asc ON rm_cl_clients (firm_id, archived, invited_asc, client_id);
  CREATE INDEX IF NOT EXISTS rm_cl_by_invited_desc ON rm_cl_clients (firm_id, archived, invited_desc, client_id);
  CREATE TABLE IF NOT EXISTS rm_cl_members (
    client_id TEXT NOT NULL,
    contact_id TEXT NOT NULL,
    firm_id TEXT NOT NULL,
    ord INTEGER NOT NULL,
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    emails TEXT NOT NULL,
    inv_status TEXT NOT NULL DEFAULT 'none',
    inv_sent_at TEXT,
    inv_expires_at TEXT,
    inv_failure TEXT,
    access_status TEXT NOT NULL DEFAULT 'none',
    login_email TEXT,
    login_email_key TEXT,
    activated_at TEXT,
    last_login_at TEXT,
    closed_reason TEXT,
    PRIMARY KEY (client_id, contact_id)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS rm_cl_members_by_contact ON rm_cl_members (contact_id);
  CREATE INDEX IF NOT EXISTS rm_cl_members_by_login ON rm_cl_members (firm_id, login_email_key);
  CREATE INDEX IF NOT EXISTS rm_cl_members_by_sent ON rm_cl_members (firm_id, inv_status, inv_sent_at);
  CREATE INDEX IF NOT EXISTS rm_cl_members_by_expiry ON rm_cl_members (firm_id, inv_status, inv_expires_at);
  CREATE INDEX IF NOT EXISTS rm_cl_members_open_by_expiry ON rm_cl_members (inv_expires_at) WHERE inv_status = 'open';
  CREATE INDEX IF NOT EXISTS rm_cl_members_by_access ON rm_cl_members (firm_id, access_status);
  CREATE TABLE IF NOT EXISTS rm_cl_staff (
    client_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    firm_id TEXT NOT NULL,
    PRIMARY KEY (client_id, user_id)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS rm_cl_staff_by_user ON rm_cl_staff (firm_id, user_id);`;

interface MemberText {
  role: string;
  name: string;
  emails: string;
}

interface Statements {
  insertClient: Statement<unknown[], { rowid: number }>;
  client: Statement<[string], { own_name: string | null }>;
  insertText: Statement;
  setText: Statement;
  appendSearch: Statement<unknown[], { rowid: number; search: string }>;
  setOwnName: Statement;
  setDerived: Statement<unknown[], { rowid: number }>;
  setDates: Statement;
  invited: Statement;
  loggedInAt: Statement;
  setSubscription: Statement;
  setArchived: Statement;
  setFolder: Statement;
  setFolderError: Statement;
  folderSynced: Statement;
  addDocuments: Statement;
  forgetClient: Statement;
  insertMember: Statement;
  nextOrd: Statement<[string], { ord: number }>;
  members: Statement<[string], MemberText>;
  memberEmails: Statement<[string, string], { emails: string }>;
  setName: Statement;
  setEmails: Statement;
  removeMember: Statement;
  invitationSent: Statement;
  invitationStatus: Statement;
  invitationFailed: Statement;
  accessOpened: Statement;
  accessActivated: Statement;
  accessClosed: Statement;
  loginEmail: Statement;
  loggedIn: Statement;
  clientOfContact: Statement<[string], { client_id: string; emails: string }>;
  forgetContact: Statement;
  assign: Statement;
  unassign: Statement;
}

const prepared = new WeakMap<Database, Statements>();

function statements(db: Database): Statements {
  let s = prepared.get(db);
  if (s) return s;
  s = {
    insertClient: db.prepare(
      `INSERT OR REPLACE INTO rm_cl_clients (client_id, firm_id, own_name, name, kind, subscription, name_key, search)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING rowid`,
    ),
    insertText: db.prepare('INSERT OR REPLACE INTO rm_cl_text (rowid, search) VALUES (?, ?)'),
    setText: db.prepare('UPDATE rm_cl_text SET search = ? WHERE rowid = ?'),
    appendSearch: db.prepare(`UPDATE rm_cl_clients SET search = search || char(10) || ? WHERE client_id = ? RETURNING rowid, search`),
    client: db.prepare('SELECT own_name FROM rm_cl_clients WHERE client_id = ?'),
    setOwnName: db.prepare('UPDATE rm_cl_clients SET own_name = ? WHERE client_id = ?'),
    setDerived: db.prepare('UPDATE rm_cl_clients SET name = ?, name_key = ?, search = ? WHERE client_id = ? RETURNING rowid'),
    setDates: db.prepare(
      `UPDATE rm_cl_clients SET
         login_asc = coalesce(l, '~'), login_desc = coalesce(l, ''), invited_asc = coalesce(i, '~'), invited_desc = coalesce(i, '')
       FROM (SELECT max(last_login_at) AS l, max(inv_sent_at) AS i FROM rm_cl_members WHERE client_id = @id)
       WHERE client_id = @id`,
    ),
    // A member's newest send or login is the newest so far: the client's key only moves forward.
    invited: db.prepare(
      `UPDATE rm_cl_clients SET invited_asc = @at, invited_desc = @at WHERE client_id = @id AND (invited_desc = '' OR invited_desc < @at)`,
    ),
    loggedInAt: db.prepare(
      `UPDATE rm_cl_clients SET login_asc = @at, login_desc = @at WHERE client_id = @id AND (login_desc = '' OR login_desc < @at)`,
    ),
    setSubscription: db.prepare('UPDATE rm_cl_clients SET subscription = ? WHERE client_id = ?'),
    setArchived: db.prepare('UPDATE rm_cl_clients SET archived = ? WHERE client_id = ?'),
    setFolder: db.prepare(
      'UPDATE rm_cl_clients SET folder_url = ?, folder_name = ?, folder_error = NULL, folder_synced_at = NULL, folder_items = NULL WHERE client_id = ?',
    ),
    folderSynced: db.prepare(
      'UPDATE rm_cl_clients SET folder_synced_at = ?, folder_items = ?, folder_error = ? WHERE client_id = ? AND folder_url IS NOT NULL',
    ),
    setFolderError: db.prepare('UPDATE rm_cl_clients SET folder_error = ? WHERE client_id = ? AND folder_url IS NOT NULL'),
    addDocuments: db.prepare('UPDATE rm_cl_clients SET document_count = document_count + ? WHERE client_id = ?'),
    forgetClient: db.prepare(
      `UPDATE rm_cl_clients SET own_name = CASE WHEN own_name IS NULL THEN NULL ELSE @erased END,
         folder_url = CASE WHEN folder_url IS NULL THEN NULL ELSE @erased END,
         folder_name = CASE WHEN folder_name IS NULL THEN NULL ELSE @erased END,
         folder_error = CASE WHEN folder_error IS NULL THEN NULL ELSE @erased END
       WHERE client_id = @id`,
    ),
    insertMember: db.prepare(
      'INSERT OR REPLACE INTO rm_cl_members (client_id, contact_id, firm_id, ord, role, name, emails) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    nextOrd: db.prepare('SELECT coalesce(max(ord), -1) + 1 AS ord FROM rm_cl_members WHERE client_id = ?'),
    members: db.prepare('SELECT role, name, emails FROM rm_cl_members WHERE client_id = ? ORDER BY ord'),
    memberEmails: db.prepare('SELECT emails FROM rm_cl_members WHERE client_id = ? AND contact_id = ?'),
    setName: db.prepare('UPDATE rm_cl_members SET name = ? WHERE client_id = ? AND contact_id = ?'),
    setEmails: db.prepare('UPDATE rm_cl_members SET emails = ? WHERE client_id = ? AND contact_id = ?'),
    removeMember: db.prepare('DELETE FROM rm_cl_members WHERE client_id = ? AND contact_id = ?'),
    invitationSent: db.prepare(
      `UPDATE rm_cl_members SET inv_status = 'open', inv_sent_at = ?, inv_expires_at = ?, inv_failure = NULL WHERE client_id = ? AND contact_id = ?`,
    ),
    invitationFailed: db.prepare(`UPDATE rm_cl_members SET inv_failure = ? WHERE client_id = ? AND contact_id = ? AND inv_status = 'open'`),
    invitationStatus: db.prepare(`UPDATE rm_cl_members SET inv_status = ? WHERE client_id = ? AND contact_id = ? AND inv_status <> 'none'`),
    accessOpened: db.prepare(
      `UPDATE rm_cl_members SET access_status = ?, login_email = ?, login_email_key = ?, closed_reason = NULL WHERE client_id = ? AND contact_id = ?`,
    ),
    accessActivated: db.prepare(
      `UPDATE rm_cl_members SET access_status = 'active', activated_at = ? WHERE client_id = ? AND contact_id = ?`,
    ),
    accessClosed: db.prepare(
      `UPDATE rm_cl_members SET access_status = 'closed', closed_reason = ? WHERE client_id = ? AND contact_id = ?`,
    ),
    loginEmail: db.prepare('UPDATE rm_cl_members SET login_email = ?, login_email_key = ? WHERE client_id = ? AND contact_id = ?'),
    loggedIn: db.prepare('UPDATE rm_cl_members SET last_login_at = ? WHERE client_id = ? AND contact_id = ?'),
    clientOfContact: db.prepare('SELECT client_id, emails FROM rm_cl_members WHERE contact_id = ?'),
    forgetContact: db.prepare(
      `UPDATE rm_cl_members SET name = @erased, emails = @emails,
         login_email = CASE WHEN login_email IS NULL THEN NULL ELSE @erased END,
         login_email_key = CASE WHEN login_email IS NULL THEN NULL ELSE @key END
       WHERE client_id = @client AND contact_id = @contact`,
    ),
    assign: db.prepare('INSERT OR IGNORE INTO rm_cl_staff (client_id, user_id, firm_id) VALUES (?, ?, ?)'),
    unassign: db.prepare('DELETE FROM rm_cl_staff WHERE client_id = ? AND user_id = ?'),
  };
  prepared.set(db, s);
  return s;
}

/** Recomputes the display name (own name, else the first owner's), its sort key and the search text. */
function refreshText(s: Statements, clientId: string): void {
  const client = s.client.get(clientId);
  if (!client) return;
  const members = s.members.all(clientId);
  const name = client.own_name ?? members.find((m) => m.role === 'owner')?.name ?? members[0]?.name ?? '';
  const parts = [name];
  for (const m of members) parts.push(m.name, ...(JSON.parse(m.emails) as string[]));
  const search = normalizeText(parts.join('\n'));
  const row = s.setDerived.get(name, normalizeText(name), search, clientId);
  if (row) s.setText.run(search, row.rowid);
}

const memberText = (contact: { name: string; emails: string[] }) => normalizeText([contact.name, ...contact.emails].join('\n'));

/** A client as created: its name and search text come from the event alone. */
function createClient(s: Statements, firmId: string, d: any): void {
  const owners = d.owners as Array<{ contactId: string; name: string; emails: string[] }>;
  const name: string = d.name ?? owners[0]!.name;
  const search = [normalizeText(name), ...owners.map(memberText)].join('\n');
  const { rowid } = s.insertClient.get(d.clientId, firmId, d.name, name, d.kind, d.subscription, normalizeText(name), search)!;
  s.insertText.run(rowid, search);
  for (const owner of owners) addMember(s, firmId, d.clientId, 'owner', owner);
}

/** A member added after the first owner never changes the client's name: their text is appended. */
function appendMember(s: Statements, firmId: string, clientId: string, role: string, contact: { contactId: string; name: string; emails: string[] }) {
  addMember(s, firmId, clientId, role, contact);
  const row = s.appendSearch.get(memberText(contact), clientId);
  if (row) s.setText.run(row.search, row.rowid);
}

function addMember(s: Statements, firmId: string, clientId: string, role: string, contact: { contactId: string; name: string; emails: string[] }) {
  const { ord } = s.nextOrd.get(clientId)!;
  s.insertMember.run(clientId, contact.contactId, firmId, ord, role, contact.name, JSON.stringify(contact.emails));
}

function changeEmails(s: Statements, clientId: string, contactId: string, change: (emails: string[]) => void): void {
  const row = s.memberEmails.get(clientId, contactId);
  if (!row) return;
  const emails = JSON.parse(row.emails) as string[];
  change(emails);
  s.setEmails.run(JSON.stringify(emails), clientId, contactId);
  refreshText(s, clientId);
}

const TYPES = [
  'ClientCreated',
  'ClientRenamed',
  'SubscriptionChanged',
  'StaffAssigned',
  'StaffUnassigned',
  'OwnerAdded',
  'GuestAdded',
  'MemberRemoved',
  'ContactRenamed',
  'ContactEmailAdded',
  'ContactEmailRemoved',
  'ClientArchived',
  'ClientRestored',
  'InvitationSent',
  'InvitationAccepted',
  'InvitationCancelled',
  'InvitationDeliveryFailed',
  'PortalAccessOpened',
  'PortalAccessActivated',
  'PortalAccessClosed',
  'LoginEmailChanged',
  'ContactLoggedIn',
  'FolderLinked',
  'FolderRelinked',
  'FolderUnlinked',
  'FolderSynced',
  'FolderSyncFailed',
  'DocumentAdded',
  'DocumentRemoved',
  'DocumentOneDriveUploadFailed',
  'PersonalDataForgotten',
];
const handled = new Set(TYPES);

export const clientListProjection: SqliteProjection = {
  name: 'client-list',
  filter: { eventTypePrefixes: TYPES },
  setup(db) {
    db.exec(SETUP);
    // Read models made before invitations could fail to deliver: no such event was applied to them.
    const columns = db.prepare("SELECT name FROM pragma_table_info('rm_cl_members')").all() as Array<{ name: string }>;
    if (!columns.some((c) => c.name === 'inv_failure')) db.exec('ALTER TABLE rm_cl_members ADD COLUMN inv_failure TEXT');
    // Read models made before the sync reported to the client list (FolderSynced events before this are not in them: rebuild).
    const clientColumns = db.prepare("SELECT name FROM pragma_table_info('rm_cl_clients')").all() as Array<{ name: string }>;
    if (!clientColumns.some((c) => c.name === 'folder_synced_at')) {
      db.exec('ALTER TABLE rm_cl_clients ADD COLUMN folder_synced_at TEXT; ALTER TABLE rm_cl_clients ADD COLUMN folder_items INTEGER');
    }
  },
  drop(db) {
    db.exec('DROP TABLE IF EXISTS rm_cl_clients; DROP TABLE IF EXISTS rm_cl_text; DROP TABLE IF EXISTS rm_cl_members; DROP TABLE IF EXISTS rm_cl_staff;');
  },
  apply(db, event: RecordedEvent) {
    // Prefix filters also let e.g. 'ClientCreatedX' through.
    if (!handled.has(event.type)) return;
    const s = statements(db);
    const firm = event.metadata.tenantId;
    const d = event.data as any;
    switch (event.type) {
      case 'ClientCreated':
        return createClient(s, firm, d);
      case 'ClientRenamed':
        s.setOwnName.run(d.name, d.clientId);
        return refreshText(s, d.clientId);
      case 'SubscriptionChanged':
        return void s.setSubscription.run(d.plan, d.clientId);
      case 'StaffAssigned':
        return void s.assign.run(d.clientId, d.userId, firm);
      case 'StaffUnassigned':
        return void s.unassign.run(d.clientId, d.userId);
      case 'OwnerAdded':
      case 'GuestAdded':
        return appendMember(s, firm, d.clientId, event.type === 'OwnerAdded' ? 'owner' : 'guest', d.contact);
      case 'MemberRemoved':
        s.removeMember.run(d.clientId, d.contactId);
        refreshText(s, d.clientId);
        return void s.setDates.run({ id: d.clientId });
      case 'ContactRenamed':
        s.setName.run(d.name, d.clientId, d.contactId);
        return refreshText(s, d.clientId);
      case 'ContactEmailAdded':
        return changeEmails(s, d.clientId, d.contactId, (emails) => emails.push(d.email));
      case 'ContactEmailRemoved':
        // The first equal one: once forgotten, every address reads '[erased]' and one of them goes.
        return changeEmails(s, d.clientId, d.contactId, (emails) => {
          const at = emails.indexOf(d.email);
          if (at >= 0) emails.splice(at, 1);
        });
      case 'ClientArchived':
      case 'ClientRestored':
        return void s.setArchived.run(event.type === 'ClientArchived' ? 1 : 0, d.clientId);
      case 'InvitationSent':
        if (s.invitationSent.run(d.sentAt, d.expiresAt, d.clientId, d.contactId).changes > 0) s.invited.run({ at: d.sentAt, id: d.clientId });
        return;
      case 'InvitationAccepted':
      case 'InvitationCancelled':
        return void s.invitationStatus.run(event.type === 'InvitationAccepted' ? 'accepted' : 'cancelled', d.clientId, d.contactId);
      case 'InvitationDeliveryFailed':
        return void s.invitationFailed.run(d.reason, d.clientId, d.contactId);
      case 'PortalAccessOpened':
        return void s.accessOpened.run(d.accessState, d.loginEmail, emailKey(d.loginEmail), d.clientId, d.contactId);
      case 'PortalAccessActivated':
        return void s.accessActivated.run(d.activatedAt, d.clientId, d.contactId);
      case 'PortalAccessClosed':
        return void s.accessClosed.run(d.reason, d.clientId, d.contactId);
      case 'LoginEmailChanged':
        return void s.loginEmail.run(d.loginEmail, emailKey(d.loginEmail), d.clientId, d.contactId);
      case 'ContactLoggedIn':
        if (s.loggedIn.run(d.at, d.clientId, d.contactId).changes > 0) s.loggedInAt.run({ at: d.at, id: d.clientId });
        return;
      case 'FolderLinked':
      case 'FolderRelinked':
        return void s.setFolder.run(d.folderUrl, d.folderName, d.clientId);
      case 'FolderUnlinked':
        return void s.setFolder.run(null, null, d.clientId);
      case 'FolderSynced':
        return void s.folderSynced.run(d.syncedAt, d.itemCount, d.problem?.message ?? null, d.clientId);
      case 'FolderSyncFailed':
        return void s.setFolderError.run(d.message, d.clientId);
      case 'DocumentAdded':
      case 'DocumentRemoved':
        return void s.addDocuments.run(event.type === 'DocumentAdded' ? 1 : -1, d.clientId);
      case 'DocumentOneDriveUploadFailed':
        return void s.setFolderError.run(d.reason, d.clientId);
      case 'PersonalDataForgotten':
        return forget(s, d.subjectId);
    }
  },
};

/**
 * Redacts what a rebuild would show as ERASED: a client subject's own name and folder fields, a
 * contact subject's name, emails and login email (the subject is one or the other).
 */
function forget(s: Statements, subjectId: string): void {
  s.forgetClient.run({ erased: ERASED, id: subjectId });
  refreshText(s, subjectId);
  for (const member of s.clientOfContact.all(subjectId)) {
    const emails = (JSON.parse(member.emails) as string[]).map(() => ERASED);
    s.forgetContact.run({ erased: ERASED, emails: JSON.stringify(emails), key: emailKey(ERASED), client: member.client_id, contact: subjectId });
    refreshText(s, member.client_id);
  }
}
