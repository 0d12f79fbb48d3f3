import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ClientListQuery } from '../../../src/application/read-models.js';
import type { RecordedEvent } from '../../../src/core/envelope.js';
import { ERASED } from '../../../src/core/events.js';
import { JUST_NOW_MS } from '../../../src/invitation/status.js';
import { activationRows, clientListProjection, clientListQueries } from '../../../projections/read-models/client-list.js';
import { peopleProjection } from '../../../projections/read-models/people.js';

// The client list against hand-written event sequences: wording at its boundaries, sorts, filters,
// forgetting, each read through the queries exactly as the application reads them.

const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date('2026-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const iso = (ms: number) => at(ms).toISOString();

let db: Database.Database;
let position = 0;
let log: RecordedEvent[];

function emit(type: string, data: Record<string, unknown>, firm = 'firm-a', occurredAt = iso(0)) {
  const event = {
    id: `e${++position}`,
    type,
    data,
    metadata: { occurredAt, tenantId: firm, actor: { kind: 'system', name: 'test' }, correlationId: 'c', causationId: 'c', schemaVersion: 1 },
    streamId: 's',
    revision: 0,
    position,
  } as RecordedEvent;
  log.push(event);
  peopleProjection.apply(db, event);
  clientListProjection.apply(db, event);
}

const contact = (contactId: string, name: string, ...emails: string[]) => ({ contactId, name, emails });
function client(clientId: string, name: string | null, owner = contact(`${clientId}-o`, `Owner of ${clientId}`, `${clientId}@x.example`), firm = 'firm-a') {
  emit('ClientCreated', { clientId, firmId: firm, kind: name === null ? 'individual' : 'group', name, owners: [owner], subscription: 'starter' }, firm);
}
function invite(clientId: string, contactId: string, sentMs: number) {
  emit('InvitationSent', {
    invitationId: `i-${contactId}-${sentMs}`, contactId, clientId, email: 'x@x.example', formId: null, reason: 'invite', tokenHash: 'h',
    sentAt: iso(sentMs), expiresAt: iso(sentMs + 30 * DAY),
  });
}

const queries = () => clientListQueries(db);
const query = (q: Partial<ClientListQuery> = {}): ClientListQuery => ({ limit: 50, archived: false, sort: 'name', order: 'asc', ...q });
async function search(q: Partial<ClientListQuery> = {}, now = at(0), firm = 'firm-a') {
  return queries().search(firm, query(q), now);
}
async function names(q: Partial<ClientListQuery> = {}, now = at(0)) {
  return (await search(q, now)).items.map((r) => r.name);
}
async function statusOf(clientId: string, now: Date) {
  const row = (await search({}, now)).items.find((r) => r.clientId === clientId)!;
  return row.members[0]!.statusText;
}

function fresh(): Database.Database {
  const d = new Database(':memory:');
  peopleProjection.setup(d);
  clientListProjection.setup(d);
  return d;
}

/** The same log replayed into a new database: what a rebuild shows. */
function rebuilt(): Database.Database {
  const d = fresh();
  for (const e of log) {
    peopleProjection.apply(d, e);
    clientListProjection.apply(d, e);
  }
  return d;
}

beforeEach(() => {
  db = fresh();
  log = [];
});

describe('client list status wording', () => {
  beforeEach(() => client('c1', null, contact('k1', 'Kim Smith', 'kim@smith.example')));

  it('reads "Not invited" before any invitation', async () => {
    expect(await statusOf('c1', at(0))).toBe('Not invited');
  });

  it('reads "just now" until exactly JUST_NOW_MS after sending, then waiting with the sent date', async () => {
    invite('c1', 'k1', 0);
    expect(await statusOf('c1', at(JUST_NOW_MS - 1))).toBe('Invitation sent just now');
    expect(await statusOf('c1', at(JUST_NOW_MS))).toBe('Waiting for member to accept invitation (sent 2026-03-01)');
  });

  it('reads expired exactly 30 days after sending, with the sent date', async () => {
    invite('c1', 'k1', 0);
    expect(await statusOf('c1', at(30 * DAY - 1))).toBe('Waiting for member to accept invitation (sent 2026-03-01)');
    expect(await statusOf('c1', at(30 * DAY))).toBe('Invitation expired (sent 2026-03-01)');
  });

  it('reads the last login once logged in, and "Not invited" after a cancellation', async () => {
    invite('c1', 'k1', 0);
    emit('InvitationAccepted', { invitationId: 'i', contactId: 'k1', clientId: 'c1', passwordHash: 'p', acceptedAt: iso(DAY) });
    expect(await statusOf('c1', at(DAY))).toBe('Account activated, not logged in yet');
    emit('ContactLoggedIn', { contactId: 'k1', clientId: 'c1', at: iso(2 * DAY), ipAddress: null, userAgent: null });
    expect(await statusOf('c1', at(40 * DAY))).toBe('Last logged in 2026-03-03');

    client('c2', null, contact('k2', 'Lee', 'lee@x.example'));
    invite('c2', 'k2', 0);
    emit('InvitationCancelled', { invitationId: 'i', contactId: 'k2', clientId: 'c2', reason: 'withdrawn_by_firm', cancelledAt: iso(1) });
    expect(await statusOf('c2', at(DAY))).toBe('Not invited');
  });

  it('filters by invitation state computed at now', async () => {
    client('c2', null, contact('k2', 'Lee', 'lee@x.example'));
    client('c3', null, contact('k3', 'Max', 'max@x.example'));
    invite('c1', 'k1', 0);
    invite('c2', 'k2', 29 * DAY);
    const now = at(30 * DAY);
    expect(await names({ invitationState: 'expired' }, now)).toEqual(['Kim Smith']);
    expect(await names({ invitationState: 'waiting' }, now)).toEqual(['Lee']);
    expect(await names({ invitationState: 'not_invited' }, now)).toEqual(['Max']);
    expect(await names({ invitationState: 'invited_just_now' }, at(29 * DAY + 1))).toEqual(['Lee']);
    expect(await names({ invitationState: 'invited_just_now' }, at(29 * DAY + JUST_NOW_MS))).toEqual([]);
  });
});

describe('client list access, folder and documents', () => {
  it('shows access pending, active and closed with its reason, the folder link and the document count', async () => {
    client('c1', 'Smiths', contact('k1', 'Kim', 'kim@x.example'));
    client('c2', 'Jones', contact('k2', 'Jo', 'jo@x.example'));
    const opened = { clientId: 'c1', contactId: 'k1', loginEmail: 'Kim@X.example', addToContactEmails: false, sharedItems: [], reopened: false, openedAt: iso(0) };
    emit('PortalAccessOpened', { ...opened, accessState: 'pending' });
    let row = (await search({ text: 'smiths' })).items[0]!;
    expect(row.members[0]!.access).toEqual({ state: 'pending', toggle: 'orange', loginEmail: 'Kim@X.example', closedReason: null });
    expect(await names({ accessState: 'pending' })).toEqual(['Smiths']);
    emit('PortalAccessActivated', { clientId: 'c1', contactId: 'k1', passwordHash: 'p', activatedAt: iso(1) });
    expect(await names({ accessState: 'active' })).toEqual(['Smiths']);
    emit('PortalAccessClosed', { clientId: 'c1', contactId: 'k1', reason: 'toggle', closedAt: iso(2) });
    row = (await search({ accessState: 'closed' })).items[0]!;
    expect(row.members[0]!.access).toMatchObject({ state: 'closed', toggle: 'off', closedReason: 'toggle' });
    expect(await names({ accessState: 'none' })).toEqual(['Jones']);
    expect(await queries().contactsByLoginEmail('firm-a', 'kim@x.EXAMPLE')).toEqual([{ contactId: 'k1', clientId: 'c1' }]);
    expect(await queries().contactsByLoginEmail('firm-b', 'kim@x.example')).toEqual([]);

    const folder = { clientId: 'c1', driveId: 'd', itemId: 'i', folderName: 'Smiths', folderUrl: 'https://od/1', linkedAt: iso(0) };
    emit('FolderLinked', folder);
    emit('DocumentOneDriveUploadFailed', { documentId: 'd1', clientId: 'c1', reason: 'quota', failedAt: iso(1) });
    emit('DocumentAdded', { clientId: 'c1' });
    emit('DocumentAdded', { clientId: 'c1' });
    emit('DocumentRemoved', { clientId: 'c1' });
    row = (await search({ linked: true })).items[0]!;
    expect(row.folder).toEqual({ folderUrl: 'https://od/1', folderName: 'Smiths', syncState: 'failed', lastSyncAt: null, itemCount: null, lastError: 'quota' });
    expect(row.documentCount).toBe(1);
    expect(await names({ linked: false })).toEqual(['Jones']);
    expect(await queries().linkedClients('firm-a')).toEqual(['c1']);
    emit('FolderUnlinked', { clientId: 'c1', driveId: 'd', itemId: 'i', unlinkedAt: iso(3) });
    expect(await queries().linkedClients('firm-a')).toEqual([]);
  });

  it('lists assigned staff with their current names, filters by them and by subscription, archived apart', async () => {
    emit('FirmCreated', { staff: [{ userId: 'u1', name: 'Sam Staff' }] });
    client('c1', 'Alpha');
    client('c2', 'Beta');
    emit('StaffAssigned', { clientId: 'c1', userId: 'u1' });
    emit('SubscriptionChanged', { clientId: 'c2', plan: 'pro' });
    expect((await search({ assignedStaffId: 'u1' })).items.map((r) => [r.name, r.assignedStaff])).toEqual([['Alpha', [{ userId: 'u1', name: 'Sam Staff' }]]]);
    expect(await names({ subscription: 'pro' })).toEqual(['Beta']);
    expect(await queries().clientsAssignedTo('firm-a', 'u1')).toEqual(['c1']);
    emit('ClientArchived', { clientId: 'c1', contactIds: [], archivedAt: iso(1) });
    expect(await names()).toEqual(['Beta']);
    expect(await names({ archived: true })).toEqual(['Alpha']);
    expect(await queries().clientsAssignedTo('firm-a', 'u1')).toEqual([]);
    emit('ClientRestored', { clientId: 'c1', restoredAt: iso(2) });
    emit('StaffUnassigned', { clientId: 'c1', userId: 'u1' });
    expect(await names({ assignedStaffId: 'u1' })).toEqual([]);
  });
});

describe('client list search and sort', () => {
  beforeEach(() => {
    client('c1', null, contact('k1', 'Anna Smith', 'anna@smith.example'));
    client('c2', 'José Ltd', contact('k2', 'Bob Brown', 'bob@brown.example'));
    client('c3', 'Zed 100%_off', contact('k3', 'Cy', 'cy@c.example'));
  });

  it('matches inside words, case- and accent-insensitive, over client and member names and emails', async () => {
    expect(await names({ text: 'smi' })).toEqual(['Anna Smith']);
    expect(await names({ text: 'jose' })).toEqual(['José Ltd']);
    expect(await names({ text: 'JOSÉ' })).toEqual(['José Ltd']);
    expect(await names({ text: 'brown.ex' })).toEqual(['José Ltd']);
    expect(await names({ text: 'bob br' })).toEqual(['José Ltd']);
    expect(await names({ text: '%' })).toEqual(['Zed 100%_off']);
    expect(await names({ text: '_' })).toEqual(['Zed 100%_off']);
    expect(await names({ text: 'nobody' })).toEqual([]);
  });

  it('follows renames, added and removed members and emails', async () => {
    emit('ContactRenamed', { clientId: 'c1', contactId: 'k1', name: 'Anna Jones' });
    expect(await names({ text: 'smith' })).toEqual(['Anna Jones']); // the email still says smith
    emit('GuestAdded', { clientId: 'c2', contact: contact('g1', 'Gus Guest', 'gus@g.example') });
    expect(await names({ text: 'gus' })).toEqual(['José Ltd']);
    emit('MemberRemoved', { clientId: 'c2', contactId: 'g1', role: 'guest' });
    expect(await names({ text: 'gus' })).toEqual([]);
    emit('ContactEmailAdded', { clientId: 'c3', contactId: 'k3', email: 'second@mail.example' });
    expect(await names({ text: 'second@' })).toEqual(['Zed 100%_off']);
    emit('ContactEmailRemoved', { clientId: 'c3', contactId: 'k3', email: 'second@mail.example' });
    expect(await names({ text: 'second@' })).toEqual([]);
    emit('ClientRenamed', { clientId: 'c2', name: 'Acme' });
    expect(await names()).toEqual(['Acme', 'Anna Jones', 'Zed 100%_off']);
  });

  it('sorts by name, last login and invitation date, both ways, nulls last', async () => {
    expect(await names({ order: 'desc' })).toEqual(['Zed 100%_off', 'José Ltd', 'Anna Smith']);
    emit('ContactLoggedIn', { contactId: 'k2', clientId: 'c2', at: iso(DAY), ipAddress: null, userAgent: null });
    emit('ContactLoggedIn', { contactId: 'k3', clientId: 'c3', at: iso(2 * DAY), ipAddress: null, userAgent: null });
    expect(await names({ sort: 'last_login' })).toEqual(['José Ltd', 'Zed 100%_off', 'Anna Smith']);
    expect(await names({ sort: 'last_login', order: 'desc' })).toEqual(['Zed 100%_off', 'José Ltd', 'Anna Smith']);
    invite('c3', 'k3', DAY);
    invite('c1', 'k1', 2 * DAY);
    expect(await names({ sort: 'invitation_date' })).toEqual(['Zed 100%_off', 'Anna Smith', 'José Ltd']);
    expect(await names({ sort: 'invitation_date', order: 'desc' })).toEqual(['Anna Smith', 'Zed 100%_off', 'José Ltd']);
  });

  it('pages with a cursor for every sort, and refuses a cursor of another sort', async () => {
    for (const sort of ['name', 'last_login', 'invitation_date'] as const) {
      for (const order of ['asc', 'desc'] as const) {
        const all = await names({ sort, order });
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const p = await search({ sort, order, limit: 1, ...(cursor ? { cursor } : {}) });
          seen.push(...p.items.map((r) => r.name));
          cursor = p.nextCursor ?? undefined;
        } while (cursor);
        expect(seen).toEqual(all);
      }
    }
    const first = await search({ limit: 1 });
    await expect(search({ sort: 'last_login', cursor: first.nextCursor! })).rejects.toMatchObject({ code: 'validation.failed' });
    await expect(search({ cursor: 'not a cursor' })).rejects.toMatchObject({ code: 'validation.failed' });
  });

  it('keeps paging stable while a row is renamed and another added between pages', async () => {
    const first = await search({ limit: 2 });
    expect(first.items.map((r) => r.name)).toEqual(['Anna Smith', 'José Ltd']);
    emit('ClientRenamed', { clientId: 'c2', name: 'Aardvark' });
    client('c4', 'Aaron');
    const second = await search({ limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((r) => r.name)).toEqual(['Zed 100%_off']);
    expect(second.nextCursor).toBeNull();
  });

  it('never answers across firms', async () => {
    client('x1', 'Smith Other Firm', undefined, 'firm-b');
    expect(await names({ text: 'smith' })).toEqual(['Anna Smith']);
    expect((await search({ text: 'smith' }, at(0), 'firm-b')).items.map((r) => r.name)).toEqual(['Smith Other Firm']);
    expect((await queries().folders('firm-b', { limit: 50 })).items.map((r) => r.name)).toEqual(['Smith Other Firm']);
  });

  it('lists folders of current clients, searchable and filterable by link', async () => {
    emit('FolderLinked', { clientId: 'c2', driveId: 'd', itemId: 'i', folderName: 'F', folderUrl: 'https://od/2', linkedAt: iso(0) });
    const all = await queries().folders('firm-a', { limit: 50 });
    expect(all.items.map((r) => [r.name, r.folder?.folderUrl ?? null])).toEqual([['Anna Smith', null], ['José Ltd', 'https://od/2'], ['Zed 100%_off', null]]);
    expect((await queries().folders('firm-a', { limit: 50, linked: true })).items.map((r) => r.name)).toEqual(['José Ltd']);
    expect((await queries().folders('firm-a', { limit: 50, text: 'JOSE' })).items.map((r) => r.name)).toEqual(['José Ltd']);
    const p1 = await queries().folders('firm-a', { limit: 2 });
    const p2 = await queries().folders('firm-a', { limit: 2, cursor: p1.nextCursor! });
    expect(p2.items.map((r) => r.name)).toEqual(['Zed 100%_off']);
  });
});

describe('client list forgetting', () => {
  it('redacts what a rebuild shows as erased, live and rebuilt alike', async () => {
    client('c1', null, contact('k1', 'Anna Smith', 'anna@smith.example', 'a2@s.example'));
    client('c2', 'Jones Family', contact('k2', 'Jo Jones', 'jo@jones.example'));
    emit('PortalAccessOpened', { clientId: 'c1', contactId: 'k1', loginEmail: 'anna@smith.example', addToContactEmails: false, sharedItems: [], accessState: 'pending', reopened: false, openedAt: iso(0) });
    emit('FolderLinked', { clientId: 'c1', driveId: 'd', itemId: 'i', folderName: 'Anna', folderUrl: 'https://od/anna', linkedAt: iso(0) });
    emit('PersonalDataForgotten', { subjectId: 'k1', forgottenAt: iso(1) });
    emit('PersonalDataForgotten', { subjectId: 'c1', forgottenAt: iso(1) });
    // What the log holds once forgotten: every personal value of these subjects reads ERASED.
    for (const e of log) {
      const d = e.data as any;
      if (e.type === 'ClientCreated' && d.clientId === 'c1') d.owners[0] = contact('k1', ERASED, ERASED, ERASED);
      if (e.type === 'PortalAccessOpened') d.loginEmail = ERASED;
      if (e.type === 'FolderLinked') Object.assign(d, { folderName: ERASED, folderUrl: ERASED });
    }
    const live = await search();
    const row = live.items.find((r) => r.clientId === 'c1')!;
    expect(row.name).toBe(ERASED);
    expect(row.members[0]).toMatchObject({ name: ERASED, emails: [ERASED, ERASED], access: { loginEmail: ERASED } });
    expect(row.folder).toMatchObject({ folderUrl: ERASED, folderName: ERASED });
    expect(await names({ text: 'anna' })).toEqual([]);
    expect(await queries().contactsByLoginEmail('firm-a', 'anna@smith.example')).toEqual([]);
    const again = await clientListQueries(rebuilt()).search('firm-a', query(), at(0));
    expect(again).toEqual(live);
  });
});

describe('activation rows', () => {
  it('gives one row per member in client-name order with the CSV columns', () => {
    emit('FirmCreated', { staff: [{ userId: 'u1', name: 'Sam Staff' }, { userId: 'u2', name: 'Pat Partner' }] });
    client('c1', 'Beta', contact('k1', 'Kim', 'kim@x.example'));
    client('c2', 'Alpha', contact('k2', 'Lee', 'lee@x.example'));
    emit('GuestAdded', { clientId: 'c2', contact: contact('g1', 'Gus', 'gus@x.example', 'g2@x.example') });
    emit('StaffAssigned', { clientId: 'c2', userId: 'u1' });
    emit('StaffAssigned', { clientId: 'c2', userId: 'u2' });
    emit('SubscriptionChanged', { clientId: 'c2', plan: 'pro' });
    invite('c2', 'k2', 0);
    emit('PortalAccessOpened', { clientId: 'c1', contactId: 'k1', loginEmail: 'kim@x.example', addToContactEmails: false, sharedItems: [], accessState: 'pending', reopened: false, openedAt: iso(0) });
    emit('PortalAccessClosed', { clientId: 'c1', contactId: 'k1', reason: 'access_window', closedAt: iso(1) });
    emit('FolderLinked', { clientId: 'c1', driveId: 'd', itemId: 'i', folderName: 'F', folderUrl: 'https://od/1', linkedAt: iso(0) });
    emit('ClientArchived', { clientId: 'c1', contactIds: ['k1'], archivedAt: iso(2) });
    const rows = [...activationRows(db, 'firm-a', at(DAY))];
    expect(rows.map((r) => [r.client, r.memberName])).toEqual([['Alpha', 'Lee'], ['Alpha', 'Gus'], ['Beta', 'Kim']]);
    expect(rows[0]).toEqual({
      client: 'Alpha', clientKind: 'group', memberName: 'Lee', role: 'owner', email: 'lee@x.example', loginEmail: '',
      activationStatus: 'Waiting for member to accept invitation (sent 2026-03-01)', invitationSentAt: iso(0), invitationExpiresAt: iso(30 * DAY),
      lastLoginAt: '', subscription: 'Pro', assignedStaff: 'Sam Staff; Pat Partner', portalAccess: 'none', folderLinked: 'no',
    });
    expect(rows[1]).toMatchObject({ role: 'guest', email: 'gus@x.example; g2@x.example', activationStatus: 'Not invited' });
    expect(rows[2]).toMatchObject({ loginEmail: 'kim@x.example', portalAccess: 'closed (access_window)', folderLinked: 'yes', subscription: 'Starter', assignedStaff: '' });
  });
});

describe('client list search strategies', () => {
  it('pages a text search the same whether the trigram index finds few rows or too many to use', async () => {
    for (let i = 0; i < 2100; i++) client(`m${String(i).padStart(4, '0')}`, `Many ${i % 7 === 0 ? 'Rare' : 'Common'} ${i}`);
    const all = async (text: string | undefined, limit: number, more: Partial<ClientListQuery> = {}) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const p = await search({ ...(text ? { text } : {}), limit, sort: 'name', order: 'desc', ...more, ...(cursor ? { cursor } : {}) });
        seen.push(...p.items.map((r) => r.clientId));
        cursor = p.nextCursor ?? undefined;
      } while (cursor);
      return seen;
    };
    const rare = await all('RARE', 40); // 300 matches: from the trigram index
    const common = await all('common', 200); // 1800 matches: from the trigram index
    const many = await all('many', 200); // 2100 matches: more than the index hands out, walks the sorted rows
    expect(rare).toHaveLength(300);
    expect(common).toHaveLength(1800);
    expect(many).toHaveLength(2100);
    expect(new Set(many).size).toBe(2100);
    // Both strategies give the same order: the sort's.
    expect(rare).toEqual(many.filter((id) => rare.includes(id)));
    expect(common).toEqual(many.filter((id) => common.includes(id)));
    const nameOf = new Map((await search({ limit: 5000 })).items.map((r) => [r.clientId, r.name.toLowerCase()]));
    const names = many.map((id) => nameOf.get(id)!);
    expect(names).toEqual([...names].sort().reverse());

    // A member filter: from the members' index when few match, by walking the sort index when many do.
    const pending = (clientId: string) =>
      emit('PortalAccessOpened', { clientId, contactId: `${clientId}-o`, loginEmail: 'p@x.example', addToContactEmails: false, sharedItems: [], accessState: 'pending', reopened: false, openedAt: iso(0) });
    for (const id of rare) pending(id);
    expect(await all(undefined, 40, { accessState: 'pending' })).toEqual(rare);
    expect(await all('many', 40, { accessState: 'pending' })).toEqual(rare);
    for (const id of many) if (!rare.includes(id)) pending(id);
    expect(await all(undefined, 200, { accessState: 'pending' })).toEqual(many);
    expect(await all('rare', 40, { accessState: 'pending' })).toEqual(rare);
  });
});
