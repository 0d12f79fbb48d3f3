import type { Database, Statement } from 'better-sqlite3';
import type {
  ActivationRow,
  ClientListMember,
  ClientListQuery,
  ClientListRow,
  FolderLinkSummary,
  FolderListQuery,
  FolderListRow,
  Page,
  ReadModels,
} from '../../src/application/read-models.js';
import type { ClientKind, MemberRole, SubscriptionPlan } from '../../src/client/events.js';
import { ValidationError } from '../../src/core/errors.js';
import type { InvitationState } from '../../src/invitation/decider.js';
import { describeStatus, JUST_NOW_MS, memberActivationStatus } from '../../src/invitation/status.js';
import type { CloseReason } from '../../src/portal-access/events.js';
import { nameOf } from './people.js';
import { emailKey, normalizeText } from './search-text.js';

interface ClientRecord {
  client_id: string;
  name: string;
  kind: ClientKind;
  subscription: SubscriptionPlan;
  archived: number;
  folder_url: string | null;
  folder_name: string | null;
  folder_error: string | null;
  folder_synced_at: string | null;
  folder_items: number | null;
  document_count: number;
  key: string;
}

interface MemberRecord {
  client_id: string;
  contact_id: string;
  role: MemberRole;
  name: string;
  emails: string;
  inv_status: 'none' | 'open' | 'accepted' | 'cancelled';
  inv_sent_at: string | null;
  inv_expires_at: string | null;
  inv_failure: string | null;
  access_status: 'none' | 'pending' | 'active' | 'closed';
  login_email: string | null;
  activated_at: string | null;
  last_login_at: string | null;
  closed_reason: CloseReason | null;
}

/** Each sort walks its own index; the key column is what the cursor carries. */
const SORTS = {
  'name:asc': { key: 'name_key', index: 'rm_cl_by_name', dir: 'ASC' },
  'name:desc': { key: 'name_key', index: 'rm_cl_by_name', dir: 'DESC' },
  'last_login:asc': { key: 'login_asc', index: 'rm_cl_by_login_asc', dir: 'ASC' },
  'last_login:desc': { key: 'login_desc', index: 'rm_cl_by_login_desc', dir: 'DESC' },
  'invitation_date:asc': { key: 'invited_asc', index: 'rm_cl_by_invited_asc', dir: 'ASC' },
  'invitation_date:desc': { key: 'invited_desc', index: 'rm_cl_by_invited_desc', dir: 'DESC' },
} as const;
type SortTag = keyof typeof SORTS;

// A member's activation state at @now, as memberActivationStatus decides it (same order of rules).
const ACTIVE = `(m.inv_status = 'accepted' OR m.access_status = 'active' OR m.activated_at IS NOT NULL)`;
const OPEN = `NOT ${ACTIVE} AND m.inv_status = 'open'`;
const INVITATION_STATE = {
  active: ACTIVE,
  not_invited: `NOT ${ACTIVE} AND m.inv_status <> 'open'`,
  undeliverable: `${OPEN} AND m.inv_failure IS NOT NULL`,
  expired: `${OPEN} AND m.inv_failure IS NULL AND m.inv_expires_at <= @now`,
  invited_just_now: `${OPEN} AND m.inv_failure IS NULL AND m.inv_expires_at > @now AND m.inv_sent_at > @justNow`,
  waiting: `${OPEN} AND m.inv_failure IS NULL AND m.inv_expires_at > @now AND m.inv_sent_at <= @justNow`,
} as const;

interface Cursor {
  s: string;
  k: string;
  id: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string | undefined, sort: string): Cursor | undefined {
  if (text === undefined) return undefined;
  let cursor: unknown;
  try {
    cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    cursor = undefined;
  }
  const c = cursor as Cursor | undefined;
  if (!c || typeof c !== 'object' || c.s !== sort || typeof c.k !== 'string' || typeof c.id !== 'string') {
    throw new ValidationError('The cursor is not one this query handed out (or the sort changed since).', [{ path: 'cursor', message: 'invalid cursor' }]);
  }
  return c;
}

interface Prepared {
  cache: Map<string, Statement>;
  members: Statement<[string], MemberRecord>;
  staff: Statement<[string], { client_id: string; user_id: string }>;
  assigned: Statement<[string, string], { client_id: string }>;
  linked: Statement<[string], { client_id: string }>;
  trigram: Statement<[string, number], { rowid: number }>;
  byLogin: Statement<[string, string], { contact_id: string; client_id: string }>;
  expiring: Statement<[string, string, string, number], { firm_id: string; client_id: string; contact_id: string; inv_expires_at: string }>;
}

const preparedByDb = new WeakMap<Database, Prepared>();

function prepared(db: Database): Prepared {
  let p = preparedByDb.get(db);
  if (p) return p;
  p = {
    cache: new Map(),
    members: db.prepare('SELECT * FROM rm_cl_members WHERE client_id IN (SELECT value FROM json_each(?)) ORDER BY client_id, ord'),
    staff: db.prepare('SELECT client_id, user_id FROM rm_cl_staff WHERE client_id IN (SELECT value FROM json_each(?)) ORDER BY user_id'),
    assigned: db.prepare(
      `SELECT s.client_id FROM rm_cl_staff s JOIN rm_cl_clients c ON c.client_id = s.client_id
       WHERE s.firm_id = ? AND s.user_id = ? AND c.archived = 0 ORDER BY s.client_id`,
    ),
    trigram: db.prepare('SELECT rowid FROM rm_cl_text WHERE rm_cl_text MATCH ? LIMIT ?'),
    linked: db.prepare('SELECT client_id FROM rm_cl_clients WHERE firm_id = ? AND folder_url IS NOT NULL ORDER BY client_id'),
    expiring: db.prepare(
      `SELECT firm_id, client_id, contact_id, inv_expires_at FROM rm_cl_members INDEXED BY rm_cl_members_open_by_expiry
       WHERE inv_status = 'open' AND (inv_expires_at, contact_id) > (?, ?) AND inv_expires_at <= ? AND inv_failure IS NULL
       ORDER BY inv_expires_at, contact_id LIMIT ?`,
    ),
    byLogin: db.prepare(
      `SELECT contact_id, client_id FROM rm_cl_members WHERE firm_id = ? AND login_email_key = ? AND access_status <> 'none'
       ORDER BY contact_id`,
    ),
  };
  preparedByDb.set(db, p);
  return p;
}

function statement(db: Database, sql: string): Statement {
  const { cache } = prepared(db);
  let s = cache.get(sql);
  if (!s) {
    s = db.prepare(sql);
    cache.set(sql, s);
  }
  return s;
}

/** `instr` on the normalized column: a substring match like LIKE '%…%', with nothing to escape. */
const TEXT = 'instr(c.search, @text) > 0';
// CROSS JOIN keeps the few candidates as the outer loop (SQLite does not reorder it).
const FROM_CANDIDATES = 'json_each(@candidates) AS j CROSS JOIN rm_cl_clients AS c ON c.rowid = j.value';

/** Most matches a search fetches from the trigram index; past it, walking the sorted rows is faster. */
const MAX_CANDIDATES = 2000;

/**
 * The rows (rowids) whose search text holds `text`, from the trigram index, when there are few
 * of them (any firm's: the query keeps its own); null when the text is too short for trigrams or
 * matches so many rows that walking the sort index finds a page sooner.
 */
function candidates(db: Database, text: string | undefined): string | null {
  if (text === undefined || [...text].length < 3) return null;
  const found = prepared(db).trigram.all(`"${text.replaceAll('"', '""')}"`, MAX_CANDIDATES + 1).map((r) => r.rowid);
  return found.length > MAX_CANDIDATES ? null : JSON.stringify(found);
}

/**
 * Member filters that an index answers (a rare state: invitations sent just now, expired ones,
 * pending access…): the rowids of the clients with such a member, when few. The query still
 * applies the filter itself, so these only narrow where it looks.
 */
const MEMBER_CANDIDATES: Partial<Record<string, string>> = {
  invited_just_now: `m.firm_id = @firm AND m.inv_status = 'open' AND m.inv_sent_at > @justNow`,
  expired: `m.firm_id = @firm AND m.inv_status = 'open' AND m.inv_expires_at <= @now`,
  waiting: `m.firm_id = @firm AND m.inv_status = 'open' AND m.inv_expires_at > @now AND m.inv_sent_at <= @justNow`,
};

function memberCandidates(db: Database, q: ClientListQuery, params: Record<string, unknown>): number[] | null {
  const conditions: Array<[string, Record<string, unknown>]> = [];
  const byState = q.invitationState === undefined ? undefined : MEMBER_CANDIDATES[q.invitationState];
  if (byState !== undefined) conditions.push([byState, { firm: params.firm, now: params.now, justNow: params.justNow }]);
  if (q.accessState !== undefined && q.accessState !== 'none') {
    conditions.push(['m.firm_id = @firm AND m.access_status = @access', { firm: params.firm, access: q.accessState }]);
  }
  let best: number[] | null = null;
  for (const [where, values] of conditions) {
    const used = Object.fromEntries(Object.entries(values).filter(([k]) => where.includes(`@${k}`)));
    const found = (
      statement(db, `SELECT DISTINCT c.rowid AS rowid FROM rm_cl_members m JOIN rm_cl_clients c ON c.client_id = m.client_id WHERE ${where} LIMIT ${MAX_CANDIDATES + 1}`).all(used) as Array<{ rowid: number }>
    ).map((r) => r.rowid);
    if (found.length <= MAX_CANDIDATES && (best === null || found.length < best.length)) best = found;
  }
  return best;
}

/** The narrowest of the candidate sets (each a superset of the answer), or null to walk the sort index. */
function narrowest(text: string | null, members: number[] | null): string | null {
  if (text === null) return members === null ? null : JSON.stringify(members);
  if (members === null) return text;
  const inMembers = new Set(members);
  return JSON.stringify((JSON.parse(text) as number[]).filter((id) => inMembers.has(id)));
}

function searchSql(q: ClientListQuery, sort: (typeof SORTS)[SortTag], after: boolean, few: boolean): string {
  const where = ['c.firm_id = @firm', 'c.archived = @archived'];
  if (q.text !== undefined && q.text !== '') where.push(TEXT);
  if (q.subscription !== undefined) where.push('c.subscription = @subscription');
  if (q.linked !== undefined) where.push(q.linked ? 'c.folder_url IS NOT NULL' : 'c.folder_url IS NULL');
  if (q.assignedStaffId !== undefined) {
    where.push('EXISTS (SELECT 1 FROM rm_cl_staff s WHERE s.client_id = c.client_id AND s.user_id = @staff)');
  }
  if (q.accessState !== undefined) {
    where.push('EXISTS (SELECT 1 FROM rm_cl_members m WHERE m.client_id = c.client_id AND m.access_status = @access)');
  }
  if (q.invitationState !== undefined) {
    where.push(`EXISTS (SELECT 1 FROM rm_cl_members m WHERE m.client_id = c.client_id AND ${INVITATION_STATE[q.invitationState]})`);
  }
  const cmp = sort.dir === 'ASC' ? '>' : '<';
  if (after) where.push(`(c.${sort.key}, c.client_id) ${cmp} (@afterKey, @afterId)`);
  return `SELECT c.*, c.${sort.key} AS key FROM ${few ? FROM_CANDIDATES : `rm_cl_clients c INDEXED BY ${sort.index}`}
    WHERE ${where.join(' AND ')} ORDER BY c.${sort.key} ${sort.dir}, c.client_id ${sort.dir} LIMIT @limit`;
}

function folderOf(c: ClientRecord): FolderLinkSummary | null {
  if (c.folder_url === null) return null;
  const syncState = c.folder_error !== null ? 'failed' : c.folder_synced_at !== null ? 'synced' : 'linked';
  return {
    folderUrl: c.folder_url,
    folderName: c.folder_name ?? '',
    syncState,
    lastSyncAt: c.folder_synced_at,
    itemCount: c.folder_items,
    lastError: c.folder_error,
  };
}

/** The facts memberActivationStatus reads (it looks at status, sentAt, expiresAt and deliveryFailure only). */
function invitationState(m: MemberRecord): InvitationState {
  if (m.inv_status === 'none') return { status: 'none' };
  const deliveryFailure = m.inv_failure === null ? null : { reason: m.inv_failure };
  return { status: m.inv_status, sentAt: m.inv_sent_at!, expiresAt: m.inv_expires_at!, deliveryFailure } as unknown as InvitationState;
}

function member(m: MemberRecord, now: Date): ClientListMember {
  const status = memberActivationStatus(
    invitationState(m),
    { status: m.access_status, activatedAt: m.activated_at, lastLoginAt: m.last_login_at },
    now,
  );
  const toggle = m.access_status === 'pending' ? 'orange' : m.access_status === 'active' ? 'green' : 'off';
  return {
    contactId: m.contact_id,
    name: m.name,
    role: m.role,
    emails: JSON.parse(m.emails) as string[],
    access: { state: m.access_status, toggle, loginEmail: m.login_email, closedReason: m.closed_reason },
    invitation: m.inv_sent_at === null ? null : { sentAt: m.inv_sent_at, expiresAt: m.inv_expires_at!, deliveryFailure: m.inv_failure },
    lastLoginAt: m.last_login_at,
    status,
    statusText: describeStatus(status),
  };
}

function rows(db: Database, firmId: string, clients: ClientRecord[], now: Date): ClientListRow[] {
  const p = prepared(db);
  const ids = JSON.stringify(clients.map((c) => c.client_id));
  const members = new Map<string, ClientListMember[]>();
  for (const m of p.members.all(ids)) {
    const list = members.get(m.client_id) ?? [];
    list.push(member(m, now));
    members.set(m.client_id, list);
  }
  const staff = new Map<string, Array<{ userId: string; name: string }>>();
  for (const s of p.staff.all(ids)) {
    const list = staff.get(s.client_id) ?? [];
    list.push({ userId: s.user_id, name: nameOf(db, firmId, 'staff', s.user_id) });
    staff.set(s.client_id, list);
  }
  return clients.map((c) => ({
    clientId: c.client_id,
    name: c.name,
    kind: c.kind,
    subscription: c.subscription,
    archived: c.archived === 1,
    assignedStaff: staff.get(c.client_id) ?? [],
    members: members.get(c.client_id) ?? [],
    folder: folderOf(c),
    documentCount: c.document_count,
  }));
}

function page<T>(records: ClientRecord[], limit: number, sort: string, map: (r: ClientRecord[]) => T[]): Page<T> {
  const more = records.length > limit;
  const shown = more ? records.slice(0, limit) : records;
  const last = shown[shown.length - 1];
  return { items: map(shown), nextCursor: more && last ? encodeCursor({ s: sort, k: last.key, id: last.client_id }) : null };
}

export function searchClients(db: Database, firmId: string, q: ClientListQuery, now: Date): Page<ClientListRow> {
  const tag = `${q.sort}:${q.order}` as SortTag;
  const sort = SORTS[tag];
  const after = decodeCursor(q.cursor, tag);
  const text = q.text === undefined || q.text === '' ? undefined : normalizeText(q.text);
  const params: Record<string, unknown> = {
    firm: firmId,
    archived: q.archived ? 1 : 0,
    limit: q.limit + 1,
    text,
    subscription: q.subscription,
    staff: q.assignedStaffId,
    access: q.accessState,
    now: now.toISOString(),
    justNow: new Date(now.getTime() - JUST_NOW_MS).toISOString(),
    afterKey: after?.k,
    afterId: after?.id,
  };
  const few = narrowest(candidates(db, text), memberCandidates(db, q, params));
  if (few !== null) params.candidates = few;
  const sql = searchSql(q, sort, after !== undefined, few !== null);
  const used = Object.fromEntries(Object.entries(params).filter(([k, v]) => v !== undefined && sql.includes(`@${k}`)));
  const records = statement(db, sql).all(used) as ClientRecord[];
  return page(records, q.limit, tag, (shown) => rows(db, firmId, shown, now));
}

export function folderList(db: Database, firmId: string, q: FolderListQuery): Page<FolderListRow> {
  const after = decodeCursor(q.cursor, 'folders');
  const text = q.text === undefined || q.text === '' ? undefined : normalizeText(q.text);
  const few = candidates(db, text);
  const where = ['c.firm_id = @firm', 'c.archived = 0'];
  if (text !== undefined) where.push(TEXT);
  if (q.linked !== undefined) where.push(q.linked ? 'c.folder_url IS NOT NULL' : 'c.folder_url IS NULL');
  if (after) where.push('(c.name_key, c.client_id) > (@afterKey, @afterId)');
  const sql = `SELECT c.*, c.name_key AS key FROM ${few !== null ? FROM_CANDIDATES : 'rm_cl_clients c INDEXED BY rm_cl_by_name'}
    WHERE ${where.join(' AND ')} ORDER BY c.name_key, c.client_id LIMIT @limit`;
  const params: Record<string, unknown> = { firm: firmId, limit: q.limit + 1 };
  if (text !== undefined) params.text = text;
  if (few !== null) params.candidates = few;
  if (after) Object.assign(params, { afterKey: after.k, afterId: after.id });
  const records = statement(db, sql).all(params) as ClientRecord[];
  return page(records, q.limit, 'folders', (shown) =>
    shown.map((c) => ({ clientId: c.client_id, name: c.name, folder: folderOf(c) })),
  );
}

export function clientListQueries(db: Database): ReadModels['clientList'] {
  const p = () => prepared(db);
  return {
    search: async (firmId, query, now) => searchClients(db, firmId, query, now),
    folders: async (firmId, query) => folderList(db, firmId, query),
    clientsAssignedTo: async (firmId, userId) => p().assigned.all(firmId, userId).map((r) => r.client_id),
    linkedClients: async (firmId) => p().linked.all(firmId).map((r) => r.client_id),
    openInvitationsExpiring: async (after, until, limit) =>
      p()
        .expiring.all(after.expiresAt, after.contactId, until, limit)
        .map((r) => ({ firmId: r.firm_id, clientId: r.client_id, contactId: r.contact_id, expiresAt: r.inv_expires_at })),
    contactsByLoginEmail: async (firmId, email) =>
      p().byLogin.all(firmId, emailKey(email)).map((r) => ({ contactId: r.contact_id, clientId: r.client_id })),
  };
}

interface ActivationClient {
  client_id: string;
  name_key: string;
  client: string;
  kind: ClientKind;
  subscription: SubscriptionPlan;
  folder_url: string | null;
  staff_ids: string | null;
}

/** Clients per chunk of the activation rows: the memory an export holds, and how often it frees the connection. */
export const ACTIVATION_CHUNK = 500;

// The next chunk of the firm's clients after a (name_key, client_id), archived ones too. The index
// leads with archived, so each half is an ordered index range and the union merges two short lists.
const half = (archived: 0 | 1) => `SELECT * FROM (SELECT client_id, name_key, name AS client, kind, subscription, folder_url,
    (SELECT group_concat(s.user_id, char(31)) FROM (SELECT user_id FROM rm_cl_staff WHERE client_id = c.client_id ORDER BY user_id) s) AS staff_ids
  FROM rm_cl_clients c INDEXED BY rm_cl_by_name
  WHERE c.firm_id = @firm AND c.archived = ${archived} AND (c.name_key, c.client_id) > (@key, @id)
  ORDER BY c.name_key, c.client_id LIMIT @limit)`;
const ACTIVATION_CLIENTS_SQL = `${half(0)} UNION ALL ${half(1)} ORDER BY name_key, client_id LIMIT @limit`;
const ACTIVATION_MEMBERS_SQL = 'SELECT * FROM rm_cl_members WHERE client_id IN (SELECT value FROM json_each(?)) ORDER BY client_id, ord';

interface ActivationStatements {
  clients: Statement<[{ firm: string; key: string; id: string; limit: number }], ActivationClient>;
  members: Statement<[string], MemberRecord>;
}
const activationStatements = new WeakMap<Database, ActivationStatements>();

function activationStatementsOf(db: Database): ActivationStatements {
  let s = activationStatements.get(db);
  if (!s) {
    s = { clients: db.prepare(ACTIVATION_CLIENTS_SQL), members: db.prepare(ACTIVATION_MEMBERS_SQL) };
    activationStatements.set(db, s);
  }
  return s;
}

function portalAccess(m: MemberRecord): string {
  if (m.access_status === 'closed') return `closed (${m.closed_reason ?? 'unknown'})`;
  return m.access_status;
}

/**
 * One row per member of every client of the firm (archived ones too), in client-name order, read
 * in keyset chunks of `chunk` clients with all(): between chunks no statement is open, so while a
 * consumer awaits (a slow download) the connection stays free for appends and other queries, and
 * memory holds one chunk. Each chunk is read as the model stands then. Staff names are read as of now.
 */
export function* activationRows(db: Database, firmId: string, now: Date, chunk = ACTIVATION_CHUNK): IterableIterator<ActivationRow> {
  const staffNames = new Map<string, string>();
  const staffName = (userId: string) => {
    let name = staffNames.get(userId);
    if (name === undefined) staffNames.set(userId, (name = nameOf(db, firmId, 'staff', userId)));
    return name;
  };
  const statements = activationStatementsOf(db);
  // '' sorts before every key and id: the first chunk starts at the beginning.
  let after = { key: '', id: '' };
  for (;;) {
    const clients = statements.clients.all({ firm: firmId, ...after, limit: chunk });
    const members = new Map<string, MemberRecord[]>();
    for (const m of statements.members.all(JSON.stringify(clients.map((c) => c.client_id)))) {
      const list = members.get(m.client_id) ?? [];
      list.push(m);
      members.set(m.client_id, list);
    }
    for (const c of clients) {
      for (const r of members.get(c.client_id) ?? []) yield activationRow(c, r, now, staffName);
    }
    if (clients.length < chunk) return;
    const last = clients[clients.length - 1]!;
    after = { key: last.name_key, id: last.client_id };
  }
}

function activationRow(c: ActivationClient, r: MemberRecord, now: Date, staffName: (userId: string) => string): ActivationRow {
  const m = member(r, now);
  return {
    client: c.client,
    clientKind: c.kind,
    memberName: r.name,
    role: r.role,
    email: m.emails.join('; '),
    loginEmail: r.login_email ?? '',
    activationStatus: m.statusText,
    invitationSentAt: r.inv_sent_at ?? '',
    invitationExpiresAt: r.inv_expires_at ?? '',
    lastLoginAt: r.last_login_at ?? '',
    subscription: c.subscription === 'pro' ? 'Pro' : 'Starter',
    assignedStaff: c.staff_ids === null ? '' : c.staff_ids.split('\u001f').map(staffName).join('; '),
    portalAccess: portalAccess(r),
    folderLinked: c.folder_url === null ? 'no' : 'yes',
  };
}
