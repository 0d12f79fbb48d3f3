import { changeSharedSelection, openPortalAccess } from '../../../src/application/access.js';
import { archiveClient, assignStaff, createClient } from '../../../src/application/clients.js';
import { recordDownload, uploadDocument } from '../../../src/application/documents.js';
import { addStaffUser, createFirm } from '../../../src/application/firms.js';
import { acceptInvitation, inviteMember } from '../../../src/application/invitations.js';
import type { Caller } from '../../../src/application/context.js';
import { hashOf } from '../../support/content-hash.js';
import { contactCaller, DAY_MS, platformCaller, staffCaller, type TestPortal } from '../../support/portal.js';

/** A firm with its partner admin Pat, through the application. */
export async function firmWithPat(test: TestPortal, name = 'Harbour Accounting') {
  const firm = await createFirm(test.ctx, platformCaller, { name, partnerAdmin: { name: 'Pat Partner', email: `pat@${name.split(' ')[0]!.toLowerCase()}.example` } });
  return { firmId: firm.firmId, pat: staffCaller(firm.firmId, firm.partnerAdminId), patId: firm.partnerAdminId };
}

/**
 * The realistic life of one individual client, a day apart each: created, owner invited, invitation
 * accepted (scrypt: once), access opened, folders shared, a client upload, a download, staff
 * assigned, archived. Returns the instants after each step.
 */
let lives = 0;

export async function clientLife(test: TestPortal, pat: Caller, email = 'ann@x.example') {
  const { ctx, clock } = test;
  const at: Record<string, string> = {};
  const step = (name: string) => {
    at[name] = clock.now().toISOString();
    clock.advance(DAY_MS);
  };
  const created = await createClient(ctx, pat, { kind: 'individual', owners: [{ name: 'Ann Smith', emails: [email] }] });
  const clientId = created.clientId;
  const annId = created.ownerIds[0]!;
  step('created');
  await inviteMember(ctx, pat, { clientId, contactId: annId });
  step('invited');
  await acceptInvitation(ctx, { contactId: annId, token: (await test.outbox.lastTo(annId))!.token, password: 'a long passphrase' });
  step('accepted');
  await openPortalAccess(ctx, pat, { clientId, contactId: annId, loginEmail: email, sharedItems: [{ kind: 'folder', path: 'Uploads' }] });
  step('opened');
  await changeSharedSelection(ctx, pat, { contactId: annId, sharedItems: [{ kind: 'folder', path: 'Tax 2025' }, { kind: 'folder', path: 'Payroll' }] });
  step('shared');
  const ann = contactCaller(pat.tenantId, annId);
  const { document } = await uploadDocument(ctx, ann, { clientId, folderPath: 'Uploads', name: 'Q3.pdf', size: 10, contentHash: hashOf(3), blobRef: 'blob-q3' });
  step('uploaded');
  await recordDownload(ctx, ann, { documentId: document.documentId, ipAddress: '203.0.113.7', userAgent: 'Firefox/128' });
  step('downloaded');
  const bob = await addStaffUser(ctx, pat, { firmId: pat.tenantId, user: { name: 'Bob Books', email: `bob.${++lives}@firm.example` }, role: 'staff' });
  await assignStaff(ctx, pat, { clientId, userId: bob.userId });
  step('assigned');
  await archiveClient(ctx, pat, { clientId });
  step('archived');
  return { clientId, annId, documentId: document.documentId, bobId: bob.userId, at };
}
