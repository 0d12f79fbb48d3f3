import { describe, expect, it } from 'vitest';
import { closePortalAccess, openPortalAccess } from '../../src/application/access.js';
import {
  getDocument,
  markForOneDriveSync,
  moveDocument,
  recordDownload,
  recordOneDriveUpload,
  recordView,
  removeDocument,
  renameDocument,
  uploadDocument,
  uploadNewVersion,
} from '../../src/application/documents.js';
import { shared as shared_ } from '../../src/application/document-views.js';
import { linkFolder } from '../../src/application/folders.js';
import { acceptInvitation } from '../../src/application/invitations.js';
import { clientDecider } from '../../src/client/decider.js';
import { streams } from '../../src/streams.js';
import { contactCaller, eventCount, givenClient, givenFirm, givenOneDrive, testPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';
import { hashOf } from '../support/content-hash.js';

const content = (n = 1) => ({ size: 100 * n, contentHash: hashOf(n), blobRef: `blob-${n}` });


/** A firm, a client whose owner has active access with the 'Tax' folder shared. */
async function setUp() {
  const portal = testPortal();
  const { ctx } = portal;
  const { tenantId, admin } = await givenFirm(ctx);
  const { clientId, contactIds } = await givenClient(ctx, admin);
  const contactId = contactIds[0]!;
  await openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: [{ kind: 'folder', path: 'Tax' }] });
  await acceptInvitation(ctx, { contactId, token: (await portal.outbox.lastTo(contactId))!.token, password: 'correct horse battery' });
  const contact = contactCaller(tenantId, contactId);
  const firmUpload = (folderPath: string, name = 'Return.pdf') => uploadDocument(ctx, admin, { clientId, folderPath, name, ...content() });
  return { ...portal, tenantId, admin, clientId, contactId, contact, firmUpload };
}

describe('uploads', () => {
  it('the firm uploads anywhere in the client space', async () => {
    const { ctx, clientId, firmUpload } = await setUp();
    const { document } = await firmUpload('/Tax/2025/');
    expect(document).toMatchObject({ clientId, origin: 'firm_upload', folderPath: 'Tax/2025', name: 'Return.pdf', version: 1, status: 'present' });
    const [added] = await ctx.log.readStream(streams.document(document.documentId));
    expect(added).toMatchObject({ type: 'DocumentAdded', data: { origin: 'firm_upload', uploadedByContactId: null } });
  });

  it('a contact with active access uploads into Uploads', async () => {
    const { ctx, clientId, contactId, contact } = await setUp();
    const { document } = await uploadDocument(ctx, contact, { clientId, folderPath: 'Uploads/Receipts', name: 'r.jpg', ...content() });
    expect(document).toMatchObject({ origin: 'client_upload', uploadedByContactId: contactId });
  });

  it('refuses a contact upload outside Uploads', async () => {
    const { ctx, clientId, contact } = await setUp();
    const error = await refusal(uploadDocument(ctx, contact, { clientId, folderPath: 'Tax', name: 'r.jpg', ...content() }));
    expect(error.code).toBe('document.outside_upload_area');
  });

  it('refuses a contact whose access is closed, recording nothing', async () => {
    const { ctx, admin, clientId, contactId, contact } = await setUp();
    await closePortalAccess(ctx, admin, { contactId, via: 'toggle' });
    const before = await eventCount(ctx);
    const error = await refusal(uploadDocument(ctx, contact, { clientId, folderPath: 'Uploads', name: 'r.jpg', ...content() }));
    expect(error.code).toBe('portal_access.closed');
    expect(await eventCount(ctx)).toBe(before);
  });

  it('refuses a contact of another client', async () => {
    const { ctx, admin, contact } = await setUp();
    const other = await givenClient(ctx, admin);
    const error = await refusal(uploadDocument(ctx, contact, { clientId: other.clientId, folderPath: 'Uploads', name: 'r.jpg', ...content() }));
    expect(error.code).toBe('client.member_not_found');
  });

  it("refuses an upload into another firm's client", async () => {
    const { ctx, clientId } = await setUp();
    const other = await givenFirm(ctx);
    const error = await refusal(uploadDocument(ctx, other.admin, { clientId, folderPath: '', name: 'x.pdf', ...content() }));
    expect(error.code).toBe('client.not_found');
  });
});

describe('changing documents', () => {
  it('the firm adds a version, renames and moves', async () => {
    const { ctx, admin, firmUpload } = await setUp();
    const { document } = await firmUpload('Tax');
    const { documentId } = document;
    expect((await uploadNewVersion(ctx, admin, { documentId, ...content(2) })).document.version).toBe(2);
    expect((await renameDocument(ctx, admin, { documentId, name: 'Return 2025.pdf' })).document.name).toBe('Return 2025.pdf');
    expect((await moveDocument(ctx, admin, { documentId, folderPath: 'Tax/2025' })).document.folderPath).toBe('Tax/2025');
    const types = (await ctx.log.readStream(streams.document(documentId))).map((e) => e.type);
    expect(types).toEqual(['DocumentAdded', 'DocumentVersionAdded', 'DocumentRenamed', 'DocumentMoved']);
  });

  it('a contact can never delete or change a firm file', async () => {
    const { ctx, contact, firmUpload } = await setUp();
    const { document } = await firmUpload('Tax');
    const before = await eventCount(ctx);
    expect((await refusal(removeDocument(ctx, contact, { documentId: document.documentId }))).code).toBe('document.firm_file_protected');
    expect((await refusal(renameDocument(ctx, contact, { documentId: document.documentId, name: 'x.pdf' }))).code).toBe('document.firm_file_protected');
    expect(await eventCount(ctx)).toBe(before);
  });

  it('a contact removes their own upload', async () => {
    const { ctx, clientId, contact } = await setUp();
    const { document } = await uploadDocument(ctx, contact, { clientId, folderPath: 'Uploads', name: 'r.jpg', ...content() });
    expect((await removeDocument(ctx, contact, { documentId: document.documentId })).document.status).toBe('removed');
  });

  it("reads another firm's document as not found", async () => {
    const { ctx, firmUpload } = await setUp();
    const { document } = await firmUpload('Tax');
    const other = await givenFirm(ctx);
    expect((await refusal(renameDocument(ctx, other.admin, { documentId: document.documentId, name: 'x.pdf' }))).code).toBe('document.not_found');
    expect((await refusal(getDocument(ctx, other.admin, { documentId: document.documentId }))).code).toBe('document.not_found');
  });
});

describe('downloads and views', () => {
  it('records a download and a view of a shared document', async () => {
    const { ctx, contact, contactId, firmUpload } = await setUp();
    const { document } = await firmUpload('Tax/2025');
    await recordDownload(ctx, contact, { documentId: document.documentId, ipAddress: '203.0.113.9' });
    await recordView(ctx, contact, { documentId: document.documentId });
    const events = (await ctx.log.readStream(streams.document(document.documentId))).slice(1);
    expect(events).toMatchObject([
      { type: 'DocumentDownloaded', data: { contactId, ipAddress: '203.0.113.9' } },
      { type: 'DocumentViewed', data: { contactId, ipAddress: null } },
    ]);
  });

  it('refuses a document that is not shared', async () => {
    const { ctx, contact, firmUpload } = await setUp();
    const { document } = await firmUpload('Payroll');
    const before = await eventCount(ctx);
    expect((await refusal(recordDownload(ctx, contact, { documentId: document.documentId }))).code).toBe('document.not_shared');
    expect((await refusal(recordView(ctx, contact, { documentId: document.documentId }))).code).toBe('document.not_shared');
    expect((await refusal(getDocument(ctx, contact, { documentId: document.documentId }))).code).toBe('document.not_shared');
    expect(await eventCount(ctx)).toBe(before);
  });

  it('refuses once access is closed', async () => {
    const { ctx, admin, contact, contactId, firmUpload } = await setUp();
    const { document } = await firmUpload('Tax');
    await closePortalAccess(ctx, admin, { contactId, via: 'access_window' });
    expect((await refusal(recordDownload(ctx, contact, { documentId: document.documentId }))).code).toBe('portal_access.closed');
  });

  it('refuses a contact whose access is still pending (no password set yet)', async () => {
    const { ctx, admin, tenantId } = await setUp();
    const { clientId, contactIds } = await givenClient(ctx, admin);
    const contactId = contactIds[0]!;
    await openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: [{ kind: 'folder', path: 'Tax' }] });
    const { document } = await uploadDocument(ctx, admin, { clientId, folderPath: 'Tax', name: 'a.pdf', ...content() });
    const pending = contactCaller(tenantId, contactId);
    expect((await refusal(recordDownload(ctx, pending, { documentId: document.documentId }))).code).toBe('portal_access.not_activated');
    expect((await refusal(getDocument(ctx, pending, { documentId: document.documentId }))).code).toBe('portal_access.not_activated');
  });

  it("refuses changes to an archived client's documents", async () => {
    const { ctx, admin, clientId, firmUpload } = await setUp();
    const { document } = await firmUpload('Tax');
    await ctx.execute(clientDecider, streams.client(clientId), { type: 'ArchiveClient', data: {} }, admin);
    const before = await eventCount(ctx);
    expect((await refusal(renameDocument(ctx, admin, { documentId: document.documentId, name: 'x.pdf' }))).code).toBe('client.archived');
    expect((await refusal(removeDocument(ctx, admin, { documentId: document.documentId }))).code).toBe('client.archived');
    expect(await eventCount(ctx)).toBe(before);
  });

  it("records only a contact's downloads", async () => {
    const { ctx, admin, firmUpload } = await setUp();
    const { document } = await firmUpload('Tax');
    expect((await refusal(recordDownload(ctx, admin, { documentId: document.documentId }))).code).toBe('document.not_a_contact');
  });

  it('a contact reads a shared document', async () => {
    const { ctx, contact, firmUpload } = await setUp();
    const { document } = await firmUpload('Tax');
    await expect(getDocument(ctx, contact, { documentId: document.documentId })).resolves.toMatchObject({ name: 'Return.pdf' });
  });
});

/** Connects the firm's OneDrive and links the client's folder. */
async function linkAcmeFolder(ctx: Parameters<typeof linkFolder>[0], admin: Parameters<typeof linkFolder>[1], clientId: string) {
  await givenOneDrive(ctx, admin);
  await linkFolder(ctx, admin, {
    clientId,
    folderUrl: 'https://onedrive.live.com/?id=ABCDEF1234567890%211&cid=ABCDEF1234567890',
    driveItem: { driveId: 'abcdef1234567890', itemId: 'ABCDEF1234567890!1', driveType: 'personal', isFolder: true, name: 'Acme' },
  });
}

/** A firm document of a client linked to a OneDrive folder, marked for 'Sync'. */
async function markedForSync() {
  const portal = await setUp();
  const { ctx, admin, clientId, firmUpload } = portal;
  await linkAcmeFolder(ctx, admin, clientId);
  const { document } = await firmUpload('Tax');
  await markForOneDriveSync(ctx, admin, { documentId: document.documentId });
  return { ...portal, documentId: document.documentId };
}

describe('syncing to OneDrive', () => {
  it('refuses to mark a document when the client has no linked folder', async () => {
    const { ctx, admin, firmUpload } = await setUp();
    const { document } = await firmUpload('Tax');
    expect((await refusal(markForOneDriveSync(ctx, admin, { documentId: document.documentId }))).code).toBe('document.folder_not_linked');
  });

  it('marks a document of a linked client, then records the upload', async () => {
    const { ctx, admin, clientId, firmUpload } = await setUp();
    await linkAcmeFolder(ctx, admin, clientId);
    const { document } = await firmUpload('Tax');
    const { documentId } = document;
    expect((await markForOneDriveSync(ctx, admin, { documentId })).document.oneDrive).toBe('pending');
    expect((await recordOneDriveUpload(ctx, admin, { documentId, outcome: 'failed', reason: 'Graph said 503' })).document.oneDrive).toBe('failed');
    await markForOneDriveSync(ctx, admin, { documentId });
    const synced = await recordOneDriveUpload(ctx, admin, { documentId, outcome: 'succeeded', driveItemId: 'ABCDEF1234567890!77', cTag: 'c1' });
    expect(synced.document).toMatchObject({ oneDrive: 'in_sync', driveItemId: 'ABCDEF1234567890!77', contentTag: 'c1' });
  });

  it('an upload result the rules refuse records nothing, not even a claim on the drive item', async () => {
    const { ctx, admin, documentId } = await markedForSync();
    const before = await eventCount(ctx);
    const error = await refusal(recordOneDriveUpload(ctx, admin, { documentId, outcome: 'succeeded', driveItemId: 'ABCDEF1234567890!77' }));
    expect(error.code).toBe('document.upload_tag_missing');
    expect(await eventCount(ctx)).toBe(before);
  });

  it('an upload result whose If-Match no longer holds records nothing, not even a claim on the drive item', async () => {
    const { ctx, admin, documentId } = await markedForSync();
    const before = await eventCount(ctx);
    const stale = { ...admin, ifMatch: { streamId: streams.document(documentId), revision: 0 } };
    const error = await refusal(recordOneDriveUpload(ctx, stale, { documentId, outcome: 'succeeded', driveItemId: 'ABCDEF1234567890!77', cTag: 'c1' }));
    expect(error.code).toBe('request.precondition_failed');
    expect(await eventCount(ctx)).toBe(before);
  });

  it('refuses a contact marking for sync', async () => {
    const { ctx, contact, firmUpload } = await setUp();
    const { document } = await firmUpload('Tax');
    expect((await refusal(markForOneDriveSync(ctx, contact, { documentId: document.documentId }))).code).toBe('document.firm_only');
  });
});

describe('what a contact sees', () => {
  it('lists the documents shared with the contact now, and nothing else', async () => {
    const { ctx, contact, firmUpload } = await setUp();
    const { document: shared } = await firmUpload('Tax', 'Return.pdf');
    await firmUpload('Payroll', 'Salaries.xlsx');
    const seen = await shared_(ctx, contact);
    expect(seen.map((d) => [d.documentId, d.folderPath, d.name])).toEqual([[shared.documentId, 'Tax', 'Return.pdf']]);
  });

  it('refuses the firm (it asks audit.viewAsClient) and a contact whose access is closed', async () => {
    const { ctx, admin, contactId, contact } = await setUp();
    expect((await refusal(shared_(ctx, admin))).code).toBe('document.not_a_contact');
    await closePortalAccess(ctx, admin, { contactId, via: 'toggle' });
    expect((await refusal(shared_(ctx, contact))).code).toBe('portal_access.closed');
  });
});

describe("another client's documents", () => {
  it('read to a contact exactly like documents that do not exist', async () => {
    const { ctx, admin, contact } = await setUp();
    const { clientId: otherClient } = await givenClient(ctx, admin);
    const { document } = await uploadDocument(ctx, admin, { clientId: otherClient, folderPath: 'Tax', name: 'Theirs.pdf', ...content() });
    const theirs = await refusal(getDocument(ctx, contact, { documentId: document.documentId }));
    const none = await refusal(getDocument(ctx, contact, { documentId: 'no-such-document' }));
    expect([theirs.code, theirs.message]).toEqual([none.code, none.message]);
    expect((await refusal(recordDownload(ctx, contact, { documentId: document.documentId }))).code).toBe('document.not_found');
  });
});
