/**
 * `npm start -- --demo`: a demo firm with clients in every invitation and access state (not invited,
 * invited just now, waiting, expired, cancelled, access pending (orange), active with a login,
 * closed, archived, a group with a co-owner and a guest), a shared document, a staff API token and
 * a client login that work at once. Seeded once per
 * data folder (the firm is created with an idempotency key); later starts only issue a new token.
 */
import { Readable } from 'node:stream';
import type { Portal } from '../../src/application/portal.js';
import type { BlobStore } from '../../src/core/blob-store.js';
import type { Clock, Secrets } from '../../src/core/ports.js';
import { streams } from '../../src/streams.js';
import type { Credentials } from './credentials/credentials.js';

const DAY_MS = 24 * 3600 * 1000;
export const DEMO_PASSWORD = 'demo passphrase';
const ANN = 'ann.active@demo.example';

/** The system clock, which the demo can turn back while it records what happened days ago. */
export function shiftableClock(): Clock & { shift(ms: number): void } {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), shift: (ms) => void (offset = ms) };
}

/** The token of the contact's latest invitation, derived as the mail process derives it (the demo accepts for its contacts). */
async function latestToken(portal: Portal, secrets: Secrets, contactId: string): Promise<string> {
  const sent = (await portal.log.readStream(streams.invitation(contactId))).findLast((e) => e.type === 'InvitationSent');
  return secrets.deriveToken('invitation', (sent!.data as { invitationId: string }).invitationId);
}

interface DemoParts {
  portal: Portal;
  credentials: Credentials;
  blobs: BlobStore;
  clock: ReturnType<typeof shiftableClock>;
  /** The service's secrets: the demo derives its contacts' invitation tokens. */
  secrets: Secrets;
}

export async function seedDemo({ portal, credentials, blobs, clock, secrets }: DemoParts) {
  const operator = { tenantId: 'platform', actor: { kind: 'platform', operatorId: 'demo' } } as const;
  const firm = await portal.firms.createFirm(operator, {
    name: 'Demo Accountants',
    partnerAdmin: { name: 'Pat Partner', email: 'pat@demo.example' },
    idempotencyKey: 'demo-firm',
  });
  const pat = { tenantId: firm.firmId, actor: { kind: 'staff', userId: firm.partnerAdminId } } as const;
  // Each start prints a new token; the one printed before stops working.
  for (const earlier of await credentials.listStaffTokens(firm.firmId, firm.partnerAdminId)) {
    if (earlier.label === 'Demo') await credentials.revokeStaffToken(firm.firmId, earlier.tokenId);
  }
  const { token } = await credentials.issueStaffToken({ firmId: firm.firmId, userId: firm.partnerAdminId, label: 'Demo' });
  const seeded = (await portal.clientList.search(pat, { limit: 1 })).items.length > 0;
  if (!seeded) await seedClients(portal, pat, blobs, clock, secrets);
  return {
    pat,
    lines: (url: string) => [
      '',
      'Demo firm "Demo Accountants" (clients in every invitation and access state):',
      `  firm id:      ${firm.firmId}`,
      `  staff token:  ${token}`,
      `  try:          curl -s '${url}/client-list' -H 'Authorization: Bearer ${token}'`,
      `  client login: ${ANN} / ${DEMO_PASSWORD}`,
      `  in a browser: ${url}/portal/${firm.firmId}/login`,
      `                curl -s -X POST ${url}/firms/${firm.firmId}/login -H 'Content-Type: application/json' -d '{"loginEmail":"${ANN}","password":"${DEMO_PASSWORD}"}'`,
    ],
  };
}

type Staff = { tenantId: string; actor: { kind: 'staff'; userId: string } };

async function seedClients(portal: Portal, pat: Staff, blobs: BlobStore, clock: DemoParts['clock'], secrets: Secrets) {
  const individual = async (name: string, email: string, subscription: 'pro' | 'starter' = 'starter') => {
    const { clientId, ownerIds } = await portal.clients.createClient(pat, { kind: 'individual', owners: [{ name, emails: [email] }], subscription });
    return { clientId, contactId: ownerIds[0]! };
  };
  const accept = async (contactId: string) =>
    portal.invitations.acceptInvitation({ contactId, token: await latestToken(portal, secrets, contactId), password: DEMO_PASSWORD });
  const invitedAgo = async (days: number, client: { clientId: string; contactId: string }) => {
    clock.shift(-days * DAY_MS);
    try {
      await portal.invitations.inviteMember(pat, client);
    } finally {
      clock.shift(0);
    }
  };

  await individual('Olivia Notinvited', 'olivia.notinvited@demo.example');
  await portal.invitations.inviteMember(pat, await individual('Ian Justnow', 'ian.justnow@demo.example'));
  await invitedAgo(3, await individual('Wendy Waiting', 'wendy.waiting@demo.example', 'pro'));
  await invitedAgo(31, await individual('Eddie Expired', 'eddie.expired@demo.example'));

  const ann = await individual('Ann Active', ANN, 'pro');
  await portal.clients.assignStaff(pat, { clientId: ann.clientId, userId: pat.actor.userId });
  await portal.access.openPortalAccess(pat, { ...ann, sharedItems: [{ kind: 'folder', path: 'Tax' }] });
  await accept(ann.contactId);
  await portal.access.logIn({ tenantId: pat.tenantId, loginEmail: ANN, password: DEMO_PASSWORD });
  const text = Buffer.from('Demo Accountants\n2025 tax return for Ann Active (a demo file).\n');
  const { contentHash, size } = await blobs.put(Readable.from([text]), { maxBytes: text.length });
  await portal.documents.uploadDocument(pat, { clientId: ann.clientId, folderPath: 'Tax', name: '2025 Tax Return.txt', size, contentHash, blobRef: contentHash });

  const carl = await individual('Carl Closed', 'carl.closed@demo.example');
  await portal.invitations.inviteMember(pat, carl);
  await accept(carl.contactId);
  await portal.access.closePortalAccess(pat, { contactId: carl.contactId, via: 'toggle' });

  // Access opened for someone who has not accepted yet: the orange toggle.
  const paula = await individual('Paula Pending', 'paula.pending@demo.example');
  await portal.access.openPortalAccess(pat, { ...paula, sharedItems: [{ kind: 'folder', path: 'Tax' }] });

  const colin = await individual('Colin Cancelled', 'colin.cancelled@demo.example');
  await portal.invitations.inviteMember(pat, colin);
  await portal.invitations.cancelInvitation(pat, { contactId: colin.contactId, reason: 'withdrawn_by_firm' });

  const arthur = await individual('Arthur Archived', 'arthur.archived@demo.example');
  await portal.invitations.inviteMember(pat, arthur);
  await accept(arthur.contactId);
  await portal.clients.archiveClient(pat, { clientId: arthur.clientId });

  const smiths = await portal.clients.createClient(pat, {
    kind: 'group',
    name: 'Smith Family',
    owners: [
      { name: 'Sam Smith', emails: ['sam.smith@demo.example'] },
      { name: 'Sue Smith', emails: ['sue.smith@demo.example'] },
    ],
    subscription: 'pro',
  });
  await portal.invitations.inviteOwners(pat, { clientId: smiths.clientId });
  await accept(smiths.ownerIds[1]!);
  await portal.clients.addGuest(pat, { clientId: smiths.clientId, contact: { name: 'Gus Guest', emails: ['gus.guest@demo.example'] } });
}
