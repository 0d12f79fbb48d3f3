/**
 * Random lives of a firm for the read-model properties: a portal built with createPortal (so every
 * command and query goes through the public API), the commands fast-check generates, and a driver
 * that plays them against the firm's current clients, contacts, staff and documents.
 */
import fc from 'fast-check';
import Database from 'better-sqlite3';
import { aesGcmCipher } from '../../../adapters/crypto/aes-gcm.js';
import { memoryEventStore } from '../../../adapters/event-store/memory.js';
import { memoryKeyStore } from '../../../adapters/keys/memory-key-store.js';
import { uuidIds } from '../../../adapters/system/clock-and-ids.js';
import { sqliteReadModels, type SqliteReadModels } from '../../../projections/read-models/index.js';
import type { Caller, PortalDeps } from '../../../src/application/context.js';
import { createPortal } from '../../../src/application/portal.js';
import type { EventStore } from '../../../src/core/event-store.js';
import { PortalError, ValidationError } from '../../../src/core/errors.js';
import type { KeyStore } from '../../../src/core/ports.js';
import { hashOf } from '../../support/content-hash.js';
import { DAY_MS, fastSecrets, staffCaller, testClock, type TestClock } from '../../support/portal.js';
import { testMail } from '../../support/mail.js';


/** createPortal over a memory store (or the given one) with its read models in a fresh in-memory SQLite. */
export function livePortal(options: { store?: EventStore; keys?: KeyStore; clock?: TestClock } = {}) {
  const clock = options.clock ?? testClock();
  const store = options.store ?? memoryEventStore();
  const keys = options.keys ?? memoryKeyStore(aesGcmCipher);
  const views = sqliteReadModels({ db: new Database(':memory:') });
  let readModels!: SqliteReadModels;
  const deps: PortalDeps = {
    store,
    keys,
    cipher: aesGcmCipher,
    clock,
    ids: uuidIds,
    secrets: fastSecrets(),
    readModels: (log) => (readModels = views(log)),
  };
  const portal = createPortal(deps);
  const { outbox } = testMail(portal);
  return { portal, readModels, clock, outbox, store, keys };
}

export type LivePortal = ReturnType<typeof livePortal>;

const platform: Caller = { tenantId: 'platform', actor: { kind: 'platform', operatorId: 'operator-1' } };

/** Names with accents, mixed case, quotes, commas and formula prefixes: what search and CSV must survive. */
export const PEOPLE = ['José Núñez', 'ANN smith', 'Zoë O’Brien', 'björn ÅSTRÖM', 'Chloé "CJ" Dupont', 'Li, Wei', '=Eve Formula', 'Mårten Öberg'];
export const CLIENTS = ['Smith & Sons', 'the MÜLLER family', 'Café Olé', 'Ærø Holdings', 'Núñez, Smith', '+Plus Group'];
const FOLDERS = ['Tax', 'Tax/2025', 'Payroll', 'Uploads'];

const pick = fc.nat(7);
const weighted = (weight: number, arbitrary: fc.Arbitrary<unknown>) => ({ weight, arbitrary });
const cmd = <T extends string>(type: T, fields: Record<string, fc.Arbitrary<unknown>> = {}) => fc.record({ type: fc.constant(type), ...fields });
const selection = fc.array(fc.oneof(fc.constantFrom(...FOLDERS).map((path) => ({ kind: 'folder', path })), pick.map((doc) => ({ kind: 'document', doc }))), {
  minLength: 1,
  maxLength: 3,
});

/** One command of a firm's life; indices pick among what exists when it runs. */
export const command = fc.oneof(
  weighted(3, cmd('client', { group: fc.boolean(), name: pick, person: pick })),
  weighted(2, cmd('guest', { client: pick, person: pick })),
  weighted(1, cmd('renameClient', { client: pick, name: pick })),
  weighted(1, cmd('renameContact', { contact: pick, person: pick })),
  weighted(1, cmd('subscription', { client: pick, plan: fc.constantFrom('starter', 'pro') })),
  weighted(1, cmd('staff', { person: pick })),
  weighted(2, cmd('assign', { client: pick, staff: pick })),
  weighted(1, cmd('unassign', { client: pick, staff: pick })),
  weighted(3, cmd('invite', { contact: pick })),
  weighted(1, cmd('resend', { contact: pick })),
  weighted(1, cmd('cancel', { contact: pick })),
  weighted(2, cmd('accept', { contact: pick })),
  weighted(2, cmd('login', { contact: pick })),
  weighted(3, cmd('open', { contact: pick, selection })),
  weighted(1, cmd('close', { contact: pick })),
  weighted(1, cmd('select', { contact: pick, selection })),
  weighted(1, cmd('loginEmail', { contact: pick, n: fc.nat(2) })),
  weighted(3, cmd('upload', { client: pick, folder: fc.constantFrom(...FOLDERS), name: fc.constantFrom('a.pdf', 'Bilan été.pdf', '=b.xlsx') })),
  weighted(1, cmd('renameDoc', { doc: pick, name: fc.constantFrom('x.pdf', 'Ünïcode.pdf') })),
  weighted(1, cmd('moveDoc', { doc: pick, folder: fc.constantFrom(...FOLDERS) })),
  weighted(1, cmd('removeDoc', { doc: pick })),
  weighted(2, cmd('download', { doc: pick, contact: pick })),
  weighted(1, cmd('link', { client: pick, n: fc.nat(3) })),
  weighted(1, cmd('unlink', { client: pick })),
  weighted(1, cmd('archive', { client: pick })),
  weighted(1, cmd('restore', { client: pick })),
  weighted(3, cmd('forget', { contact: pick })),
  weighted(1, cmd('look')),
);

/** Between commands: nothing, a moment, or days (around the 30-day expiry and the "just now" window). */
export const pause = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(0, 0, 0, 1, 1000, 60_000, 60_001, 3_600_000, DAY_MS, 7 * DAY_MS, 30 * DAY_MS, 30 * DAY_MS + 1) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 * DAY_MS }) },
);

/** Every life starts with two clients (an individual and a group), a staff user, a document and some access, then goes its own way. */
const beginning = fc.tuple(
  cmd('client', { group: fc.constant(false), name: pick, person: pick }),
  cmd('client', { group: fc.constant(true), name: pick, person: pick }),
  cmd('staff', { person: pick }),
  cmd('upload', { client: fc.nat(1), folder: fc.constantFrom(...FOLDERS), name: fc.constant('a.pdf') }),
  cmd('open', { contact: fc.nat(2), selection }),
  cmd('invite', { contact: fc.nat(2) }),
);

export const life = (maxLength: number) =>
  fc
    .tuple(beginning, fc.array(fc.record({ command, pauseMs: pause }), { minLength: Math.min(10, maxLength), maxLength, size: 'max' }))
    .map(([first, rest]): Step[] => [...first.map((c) => ({ command: c, pauseMs: 0 })), ...rest]);
export type Step = { command: any; pauseMs: number };

const folderUrl = (n: number) => `https://onedrive.live.com/?id=ABCDEF1234567890%21${n}&cid=ABCDEF1234567890`;
const driveItem = (n: number) => ({ driveId: 'abcdef1234567890', itemId: `ABCDEF1234567890!${n}`, driveType: 'personal' as const, isFolder: true, name: `Client folder ${n}` });
const emailOf = (name: string, n: number, tag: string) => `${name.normalize('NFD').replace(/[^A-Za-z]/g, '').slice(0, 12) || 'x'}.${tag}${n}@Example.com`;

/** What a firm has, as the driver made it: ids to aim commands at, names and emails to look for. */
export interface Firm {
  firmId: string;
  admin: Caller;
  tag: string;
  clients: string[];
  contacts: Array<{ clientId: string; contactId: string }>;
  staff: string[];
  documents: string[];
  /** Contacts who accepted an invitation (logins aim at them). */
  accepted: string[];
  /** Every name and email the driver gave this firm's people, clients and documents. */
  words: Set<string>;
}

/** Opens a firm with OneDrive connected; `tag` marks its emails so another firm's can be told apart. */
export async function openFirm(live: LivePortal, tag: string, name = `Firm ${tag}`): Promise<Firm> {
  const userId = `admin-${tag}-${uuidIds.newId()}`;
  const { firmId } = await live.portal.firms.createFirm(platform, { name, partnerAdmin: { userId, name: `Partner ${tag}`, email: `partner.${tag}@firm.example` } });
  const admin = staffCaller(firmId, userId);
  await live.portal.firms.connectOneDrive(admin, { accountId: `od-${tag}`, displayName: 'Firm OneDrive', driveType: 'personal' });
  return { firmId, admin, tag, clients: [], contacts: [], staff: [], documents: [], accepted: [], words: new Set([name, `Partner ${tag}`, `partner.${tag}@firm.example`]) };
}

let serial = 0;

/** Plays the steps in the firm; refusals (PortalError other than bad input) are part of life. */
export async function play(live: LivePortal, firm: Firm, steps: readonly Step[], counts: Record<string, number> = {}): Promise<void> {
  const { portal, clock, outbox } = live;
  const { admin } = firm;
  const adminId = (admin.actor as { userId: string }).userId;
  const at = <T>(list: T[], n: number): T | undefined => list[n % Math.max(list.length, 1)];
  const nameOf = (n: number, list: string[]) => `${list[n % list.length]} ${firm.tag}`;
  for (const { command: c, pauseMs } of steps) {
    clock.advance(pauseMs);
    const client = at(firm.clients, c.client ?? 0) ?? 'no-client';
    const contact = at(firm.contacts, c.contact ?? 0) ?? { clientId: 'no-client', contactId: 'no-contact' };
    const doc = at(firm.documents, c.doc ?? 0) ?? 'no-document';
    const items = (sel: any[]) => sel.map((i) => (i.kind === 'folder' ? i : { kind: 'document', documentId: at(firm.documents, i.doc) ?? 'no-document' }));
    const person = (n: number) => {
      const name = nameOf(n, PEOPLE);
      const email = emailOf(name, ++serial, firm.tag);
      firm.words.add(name).add(email);
      return { name, emails: [email] };
    };
    try {
      switch (c.type) {
        case 'client': {
          const owners = c.group ? [person(c.person), person(c.person + 1)] : [person(c.person)];
          const name = c.group || c.name % 2 ? nameOf(c.name, CLIENTS) : undefined;
          if (name) firm.words.add(name);
          const made = await portal.clients.createClient(admin, { kind: c.group ? 'group' : 'individual', ...(name ? { name } : {}), owners });
          firm.clients.push(made.clientId);
          for (const contactId of made.ownerIds) firm.contacts.push({ clientId: made.clientId, contactId });
          break;
        }
        case 'guest': {
          await portal.clients.addGuest(admin, { clientId: client, contact: person(c.person) });
          const got = await portal.clients.getClient(admin, { clientId: client });
          firm.contacts.push({ clientId: client, contactId: got.members.at(-1)!.contactId });
          break;
        }
        case 'renameClient': {
          const name = nameOf(c.name, CLIENTS);
          firm.words.add(name);
          await portal.clients.renameClient(admin, { clientId: client, name });
          break;
        }
        case 'renameContact': {
          const name = nameOf(c.person, PEOPLE);
          firm.words.add(name);
          await portal.clients.renameContact(admin, { clientId: contact.clientId, contactId: contact.contactId, name });
          break;
        }
        case 'subscription': await portal.clients.changeSubscription(admin, { clientId: client, plan: c.plan }); break;
        case 'staff': {
          const { name, emails } = person(c.person);
          const { userId } = await portal.firms.addStaffUser(admin, { firmId: firm.firmId, user: { userId: `staff-${firm.tag}-${++serial}`, name, email: emails[0]! }, role: 'staff' });
          firm.staff.push(userId);
          break;
        }
        case 'assign': await portal.clients.assignStaff(admin, { clientId: client, userId: at(firm.staff, c.staff) ?? adminId }); break;
        case 'unassign': await portal.clients.unassignStaff(admin, { clientId: client, userId: at(firm.staff, c.staff) ?? 'nobody' }); break;
        case 'invite': await portal.invitations.inviteMember(admin, contact); break;
        case 'resend': await portal.invitations.resendInvitation(admin, { contactId: contact.contactId }); break;
        case 'cancel': await portal.invitations.cancelInvitation(admin, { contactId: contact.contactId, reason: 'withdrawn_by_firm' }); break;
        case 'accept': {
          // Aimed at someone who was sent an invitation (else nothing to accept).
          const sentTo = new Set((await outbox.sent()).map((m) => m.contactId));
          const invited = at(firm.contacts.filter((m) => sentTo.has(m.contactId)), c.contact);
          const sent = invited && (await outbox.lastTo(invited.contactId));
          if (!invited || !sent) break;
          await portal.invitations.acceptInvitation({ contactId: invited.contactId, token: sent.token, password: 'correct horse battery' });
          firm.accepted.push(invited.contactId);
          break;
        }
        case 'login':
          await portal.access.logIn({ tenantId: firm.firmId, contactId: at(firm.accepted, c.contact) ?? contact.contactId, password: 'correct horse battery', ipAddress: '198.51.100.4', userAgent: `Agent ${firm.tag}` });
          break;
        case 'open': await portal.access.openPortalAccess(admin, { ...contact, sharedItems: items(c.selection) }); break;
        case 'close': await portal.access.closePortalAccess(admin, { contactId: contact.contactId, via: 'toggle' }); break;
        case 'select': await portal.access.changeSharedSelection(admin, { contactId: contact.contactId, sharedItems: items(c.selection) }); break;
        case 'loginEmail': {
          const got = await portal.clients.getClient(admin, { clientId: contact.clientId });
          const emails = (got.members.find((m) => m.contactId === contact.contactId)?.emails ?? []).filter((e) => e.includes('@'));
          await portal.access.changeLoginEmail(admin, { contactId: contact.contactId, loginEmail: emails[c.n % Math.max(emails.length, 1)] ?? 'x@example.com' });
          break;
        }
        case 'upload': {
          const { document } = await portal.documents.uploadDocument(admin, { clientId: client, folderPath: c.folder, name: c.name, size: 3, contentHash: hashOf(3), blobRef: 'blob' });
          firm.documents.push(document.documentId);
          firm.words.add(c.name);
          break;
        }
        case 'renameDoc': firm.words.add(c.name); await portal.documents.renameDocument(admin, { documentId: doc, name: c.name }); break;
        case 'moveDoc': await portal.documents.moveDocument(admin, { documentId: doc, folderPath: c.folder }); break;
        case 'removeDoc': await portal.documents.removeDocument(admin, { documentId: doc }); break;
        case 'download': {
          const caller: Caller = { tenantId: firm.firmId, actor: { kind: 'contact', contactId: contact.contactId } };
          await portal.documents.recordDownload(caller, { documentId: doc, ipAddress: '203.0.113.7', userAgent: `Agent ${firm.tag}` });
          break;
        }
        case 'link': await portal.folders.linkFolder(admin, { clientId: client, folderUrl: folderUrl(c.n + 1), driveItem: driveItem(c.n + 1) }); break;
        case 'unlink': await portal.folders.unlinkFolder(admin, { clientId: client }); break;
        case 'archive': await portal.clients.archiveClient(admin, { clientId: client }); break;
        case 'restore': await portal.clients.restoreClient(admin, { clientId: client }); break;
        case 'forget': await portal.personalData.forgetContact(admin, contact); break;
        case 'look': await portal.clientList.search(admin, { limit: 1 }); break;
      }
      counts[c.type] = (counts[c.type] ?? 0) + 1;
    } catch (error) {
      // A refusal is a valid outcome; a malformed request would mean the driver is wrong.
      if (!(error instanceof PortalError) || error instanceof ValidationError) throw error;
      const key = `refused:${c.type}:${error.code}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
  }
}

// ------------------------------------------------------------------ every answer of the query API

/** Every item of a paged query, page by page (small pages, so cursors are exercised). */
export async function allPages<T>(fetch: (page: { cursor?: string; limit: number }) => Promise<{ items: T[]; nextCursor: string | null }>, limit = 2): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await fetch({ limit, ...(cursor !== undefined ? { cursor } : {}) });
    out.push(...page.items);
    if (page.nextCursor === null) return out;
    cursor = page.nextCursor;
  }
  throw new Error('paging did not end');
}

/** The answer, or the code it was refused with (so refusals are compared too). */
export async function outcome<T>(run: () => Promise<T>): Promise<T | { refused: string }> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PortalError && !(error instanceof ValidationError)) return { refused: error.code };
    throw error;
  }
}

export async function csvText(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}

/** Search inputs covering every filter and sort (text inside words, other case, without accents). */
export function searchInputs(firm: Firm): Array<Record<string, unknown>> {
  const sorts = ['name', 'last_login', 'invitation_date'].flatMap((sort) => ['asc', 'desc'].map((order) => ({ sort, order })));
  return [
    ...sorts,
    { text: 'smi' },
    { text: 'JOSE' },
    { text: 'muller', sort: 'invitation_date', order: 'desc' },
    { text: 'example.com' },
    { text: firm.tag },
    ...['none', 'pending', 'active', 'closed'].map((accessState) => ({ accessState, sort: 'last_login' })),
    ...['not_invited', 'invited_just_now', 'waiting', 'expired', 'active'].map((invitationState) => ({ invitationState })),
    { subscription: 'pro' },
    { subscription: 'starter', order: 'desc' },
    { linked: true },
    { linked: false },
    { archived: true },
    { archived: true, text: 'o' },
    ...firm.staff.slice(0, 2).map((assignedStaffId) => ({ assignedStaffId })),
  ];
}

/**
 * Every query of the API the firm can ask, answered: the client list (many searches, paged), the
 * folders list, the CSV, documents and trails, histories, the activity feed, and access and
 * view-as-client at the given instants.
 */
export async function everyAnswer(live: LivePortal, firm: Firm, instants: readonly string[]) {
  const { portal } = live;
  const { admin } = firm;
  const answers: Record<string, unknown> = {};
  for (const input of searchInputs(firm)) answers[`search ${JSON.stringify(input)}`] = await allPages((page) => portal.clientList.search(admin, { ...input, ...page }));
  for (const input of [{}, { linked: true }, { linked: false }, { text: 'smi' }]) answers[`folders ${JSON.stringify(input)}`] = await allPages((page) => portal.clientList.folders(admin, { ...input, ...page }));
  answers.csv = await csvText(await portal.exports.activationCsv(admin, {}));
  for (const clientId of firm.clients) {
    answers[`documents ${clientId}`] = await outcome(() => allPages((page) => portal.documents.list(admin, { clientId, ...page })));
    answers[`history ${clientId}`] = await outcome(() => allPages((page) => portal.audit.history(admin, { clientId, ...page }), 5));
  }
  for (const documentId of firm.documents) answers[`trail ${documentId}`] = await outcome(() => allPages((page) => portal.documents.trail(admin, { documentId, ...page })));
  answers.activity = await allPages((page) => portal.audit.activity(admin, page), 7);
  answers['activity documents, access'] = await allPages((page) => portal.audit.activity(admin, { kinds: ['document', 'access'], ...page }), 3);
  for (const at of instants) {
    answers[`access at ${at}`] = await allPages((page) => portal.audit.accessAsOf(admin, { at, ...page }));
    answers[`csv as of ${at}`] = await csvText(await portal.exports.activationCsv(admin, { asOf: at }));
    for (const clientId of firm.clients.slice(0, 2)) answers[`history ${clientId} as of ${at}`] = await outcome(() => allPages((page) => portal.audit.history(admin, { clientId, asOf: at, ...page }), 5));
    for (const { contactId } of firm.contacts) answers[`${contactId} sees at ${at}`] = await outcome(() => portal.audit.viewAsClient(admin, { contactId, at }));
  }
  return answers;
}

/** Every row of every read-model table (rm_*), sorted: the projections' whole state, checkpoints left out. */
export function tableDump(readModels: SqliteReadModels): Record<string, string[]> {
  const tables = readModels.db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rm\\_%' ESCAPE '\\' ORDER BY name")
    .all()
    // FTS5's own b-tree segments depend on the order of past writes; its content is compared, not its layout.
    .filter(({ name }) => !/_text_(data|idx|docsize|config)$/.test(name));
  return Object.fromEntries(tables.map(({ name }) => [name, readModels.db.prepare(`SELECT * FROM "${name}"`).all().map((row) => JSON.stringify(row)).sort()]));
}

/** A few instants worth asking about: before anything, at and just before some events, and now. */
export function probeInstants(instants: readonly string[], count = 4): string[] {
  const sorted = [...new Set(instants)].sort();
  const chosen = new Set<string>(['2000-01-01T00:00:00.000Z']);
  for (let i = 0; i < count && sorted.length > 0; i++) {
    const at = sorted[Math.floor((i * (sorted.length - 1)) / Math.max(count - 1, 1))]!;
    chosen.add(at).add(new Date(new Date(at).getTime() - 1).toISOString());
  }
  return [...chosen].sort();
}
