// A synthetic but schema-valid history of one firm, for the read-model benchmarks: clients with
// members, invitations, access opened and activated, then rounds of documents, shared-selection
// changes, logins and downloads spread over the years. Time only moves forwards, across all clients.
import type { Actor, DomainEvent, RecordedEvent } from '../src/core/envelope.js';
import { streams } from '../src/streams.js';

export interface HistoryShape {
  firmId: string;
  clients: number;
  membersPerClient: number;
  /** Rounds of activity after activation (each: a document, logins, downloads, every other a selection change). */
  rounds: number;
  start: Date;
  years: number;
}

export interface HistoryEvent {
  streamId: string;
  event: DomainEvent;
  occurredAt: string;
  actor: Actor;
}

const FIRST = ['José', 'Ann', 'Zoë', 'Łukasz', 'Mia', 'Noah', 'Amélie', 'Oskar', 'Chloé', 'Liam', 'Søren', 'Ines'];
const LAST = ['Smith', 'Müller', 'García', 'Nguyen', 'Dubois', 'Kowalski', 'Jensen', 'O’Brien', 'Rossi', 'Silva'];

/** Deterministic pseudo-random numbers (mulberry32), so every run builds the same history. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A six-letter word unique enough to make a selective search (one or two clients match it). */
export function tokenOf(client: number): string {
  const next = random(client * 7919 + 1);
  return Array.from({ length: 6 }, () => String.fromCharCode(97 + Math.floor(next() * 26))).join('');
}

export const staffId = (firmId: string, n: number) => `${firmId}-staff-${n}`;
export const clientIdOf = (firmId: string, c: number) => `${firmId}-c${c}`;
export const contactIdOf = (firmId: string, c: number, m: number) => `${firmId}-c${c}-m${m}`;

export function countEvents(shape: HistoryShape): number {
  const m = shape.membersPerClient;
  const perRound = 1 + m * 2 + 0.5;
  return 1 + 1 + shape.clients * (2 + m * 2 + m * 2 + shape.rounds * perRound);
}

export function* firmHistory(shape: HistoryShape): Generator<HistoryEvent> {
  const { firmId, clients, membersPerClient: members } = shape;
  const span = shape.years * 365 * 24 * 3600 * 1000;
  const phases = 3 + shape.rounds;
  const phaseMs = span / phases;
  const at = (phase: number, c: number, k = 0) => new Date(shape.start.getTime() + phase * phaseMs + (c / clients) * phaseMs * 0.98 + k).toISOString();
  const admin: Actor = { kind: 'staff', userId: staffId(firmId, 0) };
  const staff = [0, 1, 2, 3].map((n) => ({ userId: staffId(firmId, n), name: `Staff ${FIRST[n]}`, email: `staff${n}@firm.example`, role: n === 0 ? 'partner_admin' : 'staff' }));
  const firm = streams.firm(firmId);
  yield { streamId: firm, occurredAt: shape.start.toISOString(), actor: { kind: 'platform', operatorId: 'bench' }, event: { type: 'FirmCreated', data: { firmId, name: 'Bench & Co', staff: staff.slice(0, 1), managedBy: null, premiumApps: [] } } };
  for (const user of staff.slice(1)) {
    const { role, ...rest } = user;
    yield { streamId: firm, occurredAt: shape.start.toISOString(), actor: admin, event: { type: 'StaffUserAdded', data: { firmId, user: rest, role } } };
  }
  const contacts = (c: number) =>
    Array.from({ length: members }, (_, m) => {
      const first = FIRST[(c + m) % FIRST.length]!;
      const last = LAST[(c * 3 + m) % LAST.length]!;
      return { contactId: contactIdOf(firmId, c, m), name: `${first} ${last} ${tokenOf(c)}`, emails: [`${first.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').replace(/[^a-z]/g, '')}.${c}.${m}@client.example`] };
    });
  // Phase 0: clients created and assigned.
  for (let c = 0; c < clients; c++) {
    const clientId = clientIdOf(firmId, c);
    const stream = streams.client(clientId);
    const owners = contacts(c);
    const kind = members > 1 ? 'group' : 'individual';
    const data = { clientId, firmId, kind, name: kind === 'group' ? `${LAST[c % LAST.length]} Family ${tokenOf(c)}` : null, owners, subscription: c % 3 === 0 ? 'pro' : 'starter' };
    yield { streamId: stream, occurredAt: at(0, c), actor: admin, event: { type: 'ClientCreated', data } };
    yield { streamId: stream, occurredAt: at(0, c, 1), actor: admin, event: { type: 'StaffAssigned', data: { clientId, userId: staff[1 + (c % 3)]!.userId } } };
  }
  // Phase 1: access opened for every member, which sends the invitation.
  for (let c = 0; c < clients; c++) {
    const clientId = clientIdOf(firmId, c);
    for (const [m, contact] of contacts(c).entries()) {
      const openedAt = at(1, c, m * 2);
      const expiresAt = new Date(Date.parse(openedAt) + 30 * 86_400_000).toISOString();
      const email = contact.emails[0]!;
      yield { streamId: streams.portalAccess(contact.contactId), occurredAt: openedAt, actor: admin, event: { type: 'PortalAccessOpened', data: { contactId: contact.contactId, clientId, loginEmail: email, addToContactEmails: false, sharedItems: [{ kind: 'folder', path: 'Shared' }], accessState: 'pending', reopened: false, openedAt } } };
      yield { streamId: streams.invitation(contact.contactId), occurredAt: openedAt, actor: admin, event: { type: 'InvitationSent', data: { invitationId: `${contact.contactId}-i`, contactId: contact.contactId, clientId, email, formId: null, reason: 'access_opened', tokenHash: 'sha256:bench', sentAt: openedAt, expiresAt } } };
    }
  }
  // Phase 2: most members accept (one in five never does).
  for (let c = 0; c < clients; c++) {
    const clientId = clientIdOf(firmId, c);
    for (const [m, contact] of contacts(c).entries()) {
      if ((c + m) % 5 === 4) continue;
      const acceptedAt = at(2, c, m * 2);
      const me: Actor = { kind: 'contact', contactId: contact.contactId };
      yield { streamId: streams.invitation(contact.contactId), occurredAt: acceptedAt, actor: me, event: { type: 'InvitationAccepted', data: { invitationId: `${contact.contactId}-i`, contactId: contact.contactId, clientId, passwordHash: 'scrypt:bench', acceptedAt } } };
      yield { streamId: streams.portalAccess(contact.contactId), occurredAt: acceptedAt, actor: me, event: { type: 'PortalAccessActivated', data: { contactId: contact.contactId, clientId, passwordHash: 'scrypt:bench', activatedAt: acceptedAt } } };
    }
  }
  // Rounds: a document shared, members log in and download it; every other round the selection changes.
  for (let r = 0; r < shape.rounds; r++) {
    const phase = 3 + r;
    for (let c = 0; c < clients; c++) {
      const clientId = clientIdOf(firmId, c);
      const documentId = `${clientId}-d${r}`;
      const addedAt = at(phase, c);
      yield { streamId: streams.document(documentId), occurredAt: addedAt, actor: admin, event: { type: 'DocumentAdded', data: { documentId, clientId, origin: 'firm_upload', folderPath: 'Shared', name: `Statement ${r + 1}.pdf`, size: 20_000 + r, contentHash: `sha256:${'0'.repeat(64)}`, blobRef: `blob-${r}`, driveItemId: null, contentTag: null, version: 1, uploadedByContactId: null, addedAt } } };
      for (const [m, contact] of contacts(c).entries()) {
        const loginAt = at(phase, c, 10 + m * 3);
        const me: Actor = { kind: 'contact', contactId: contact.contactId };
        yield { streamId: streams.portalAccess(contact.contactId), occurredAt: loginAt, actor: me, event: { type: 'ContactLoggedIn', data: { contactId: contact.contactId, clientId, at: loginAt, ipAddress: '203.0.113.7', userAgent: 'Mozilla/5.0 bench' } } };
        yield { streamId: streams.document(documentId), occurredAt: at(phase, c, 11 + m * 3), actor: me, event: { type: 'DocumentDownloaded', data: { documentId, clientId, contactId: contact.contactId, at: at(phase, c, 11 + m * 3), ipAddress: '203.0.113.7', userAgent: 'Mozilla/5.0 bench' } } };
      }
      if ((r + c) % 2 === 0) {
        const contact = contacts(c)[r % members]!;
        const changedAt = at(phase, c, 30);
        const sharedItems = r % 4 === 0 ? [{ kind: 'folder', path: 'Shared' }, { kind: 'folder', path: `Year ${r}` }] : [{ kind: 'folder', path: 'Shared' }];
        yield { streamId: streams.portalAccess(contact.contactId), occurredAt: changedAt, actor: admin, event: { type: 'SharedSelectionChanged', data: { contactId: contact.contactId, clientId, sharedItems, changedAt } } };
      }
    }
  }
}

/** The history as recorded events (positions from 1), as the projections receive them from the log. */
export function* recordedHistory(shape: HistoryShape, firstPosition = 1): Generator<RecordedEvent> {
  let position = firstPosition;
  const revisions = new Map<string, number>();
  for (const { streamId, event, occurredAt, actor } of firmHistory(shape)) {
    const revision = (revisions.get(streamId) ?? -1) + 1;
    revisions.set(streamId, revision);
    yield {
      id: `e-${position}`,
      streamId,
      revision,
      position: position++,
      type: event.type,
      data: event.data,
      metadata: { occurredAt, tenantId: shape.firmId, actor, correlationId: 'bench', causationId: 'bench', schemaVersion: 1 },
    };
  }
}
