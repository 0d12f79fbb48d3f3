import { describe, expect, it } from 'vitest';
import { changeSharedSelection, closePortalAccess, openPortalAccess } from '../../../src/application/access.js';
import { list, trail } from '../../../src/application/document-views.js';
import { moveDocument, recordDownload, recordView, removeDocument, renameDocument, uploadDocument, uploadNewVersion } from '../../../src/application/documents.js';
import { acceptInvitation } from '../../../src/application/invitations.js';
import { forgetContact } from '../../../src/application/personal-data.js';
import { ERASED } from '../../../src/core/events.js';
import { hashOf } from '../../support/content-hash.js';
import { contactCaller, givenClient, givenFirm, testPortal } from '../../support/portal.js';
import { refusal } from '../../support/refusal.js';

const content = (n = 1) => ({ size: 100 * n, contentHash: hashOf(n), blobRef: `blob-${n}` });

/** A firm and a client whose owner has active access with 'Tax' shared. */
async function setUp() {
  const portal = testPortal();
  const { ctx, clock } = portal;
  const { tenantId, admin } = await givenFirm(ctx);
  const { clientId, contactIds } = await givenClient(ctx, admin, { owners: [{ name: 'Olivia Owner', emails: ['olivia@client.example'] }] });
  const contactId = contactIds[0]!;
  await openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: [{ kind: 'folder', path: 'Tax' }] });
  await acceptInvitation(ctx, { contactId, token: (await portal.outbox.lastTo(contactId))!.token, password: 'correct horse battery' });
  const contact = contactCaller(tenantId, contactId);
  const upload = async (folderPath: string, name: string) => {
    clock.advance(1000);
    const { document } = await uploadDocument(ctx, admin, { clientId, folderPath, name, ...content() });
    // Applied live (not caught up later, after a forgetting already erased what the log reads).
    await ctx.views();
    return document.documentId;
  };
  const names = async () => (await list(ctx, admin, { clientId })).items.map((d) => `${d.folderPath}/${d.name}`);
  return { ...portal, tenantId, admin, clientId, contactId, contact, upload, names };
}

describe('documents read model: the current list', () => {
  it('lists a firm upload with who added it and when', async () => {
    const { ctx, admin, clientId, upload, clock } = await setUp();
    const documentId = await upload('Tax/2025', 'Return.pdf');
    const [row] = (await list(ctx, admin, { clientId })).items;
    expect(row).toEqual({
      documentId,
      folderPath: 'Tax/2025',
      name: 'Return.pdf',
      size: 100,
      version: 1,
      origin: 'firm_upload',
      addedBy: { kind: 'staff', id: admin.actor.kind === 'staff' ? admin.actor.userId : '', name: 'Alice Partner' },
      addedAt: clock.now().toISOString(),
      updatedAt: clock.now().toISOString(),
      syncConflicts: 0,
      lastSyncConflict: null,
      visibleTo: [expect.objectContaining({ name: 'Olivia Owner' })],
    });
  });

  it('follows new versions, renames and moves, and drops removed documents', async () => {
    const { ctx, admin, clientId, upload, names, clock } = await setUp();
    const documentId = await upload('Tax', 'Return.pdf');
    clock.advance(1000);
    await uploadNewVersion(ctx, admin, { documentId, ...content(2) });
    await renameDocument(ctx, admin, { documentId, name: 'Return 2025.pdf' });
    await moveDocument(ctx, admin, { documentId, folderPath: 'Tax/2025' });
    const [row] = (await list(ctx, admin, { clientId })).items;
    expect(row).toMatchObject({ folderPath: 'Tax/2025', name: 'Return 2025.pdf', size: 200, version: 2, updatedAt: clock.now().toISOString() });
    expect(row!.addedAt < row!.updatedAt).toBe(true);
    await removeDocument(ctx, admin, { documentId });
    expect(await names()).toEqual([]);
  });

  it('pages by folder path, name and id, a cursor staying right while rows are added', async () => {
    const { ctx, admin, clientId, upload } = await setUp();
    await upload('Tax', 'b.pdf');
    await upload('Letters', 'z.pdf');
    await upload('Tax', 'a.pdf');
    const first = await list(ctx, admin, { clientId, limit: 2 });
    expect(first.items.map((d) => d.name)).toEqual(['z.pdf', 'a.pdf']);
    await upload('Archive', 'old.pdf');
    const second = await list(ctx, admin, { clientId, limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((d) => d.name)).toEqual(['b.pdf']);
    expect(second.nextCursor).toBeNull();
  });

  it("shows who sees each document now, following the shared selection and access closing", async () => {
    const { ctx, admin, clientId, contactId, upload } = await setUp();
    await upload('Tax', 'Return.pdf');
    await upload('Payroll', 'Slip.pdf');
    const seenBy = async () => Object.fromEntries((await list(ctx, admin, { clientId })).items.map((d) => [d.name, d.visibleTo.map((v) => v.contactId)]));
    expect(await seenBy()).toEqual({ 'Return.pdf': [contactId], 'Slip.pdf': [] });
    await changeSharedSelection(ctx, admin, { contactId, sharedItems: [{ kind: 'folder', path: 'payroll' }] });
    expect(await seenBy()).toEqual({ 'Return.pdf': [], 'Slip.pdf': [contactId] });
    await closePortalAccess(ctx, admin, { contactId, via: 'toggle' });
    expect(await seenBy()).toEqual({ 'Return.pdf': [], 'Slip.pdf': [] });
  });

  it("lets a contact see their own upload, added by them", async () => {
    const { ctx, admin, clientId, contactId, contact } = await setUp();
    await uploadDocument(ctx, contact, { clientId, folderPath: 'Uploads', name: 'receipt.jpg', ...content() });
    const [row] = (await list(ctx, admin, { clientId })).items;
    expect(row).toMatchObject({ origin: 'client_upload', addedBy: { kind: 'contact', id: contactId, name: 'Olivia Owner' }, visibleTo: [{ contactId, name: 'Olivia Owner' }] });
  });
});

describe('documents read model: the trail', () => {
  it('lists downloads and views newest first, paged', async () => {
    const { ctx, admin, contactId, contact, upload, clock } = await setUp();
    const documentId = await upload('Tax', 'Return.pdf');
    await recordDownload(ctx, contact, { documentId, ipAddress: '203.0.113.7', userAgent: 'Firefox/128' });
    const downloadedAt = clock.now().toISOString();
    clock.advance(60_000);
    await recordView(ctx, contact, { documentId });
    const viewedAt = clock.now().toISOString();
    const first = await trail(ctx, admin, { documentId, limit: 1 });
    expect(first.items).toEqual([{ kind: 'viewed', contactId, contactName: 'Olivia Owner', at: viewedAt, ipAddress: null, userAgent: null }]);
    const second = await trail(ctx, admin, { documentId, limit: 1, cursor: first.nextCursor! });
    expect(second).toEqual({
      items: [{ kind: 'downloaded', contactId, contactName: 'Olivia Owner', at: downloadedAt, ipAddress: '203.0.113.7', userAgent: 'Firefox/128' }],
      nextCursor: null,
    });
  });
});

describe('documents read model: tenant isolation', () => {
  it("reads another firm's client and document as not found", async () => {
    const { ctx, clientId, upload } = await setUp();
    const documentId = await upload('Tax', 'Return.pdf');
    const other = await givenFirm(ctx);
    expect((await refusal(list(ctx, other.admin, { clientId }))).code).toBe('client.not_found');
    expect((await refusal(trail(ctx, other.admin, { documentId }))).code).toBe('document.not_found');
    expect((await refusal(list(ctx, other.admin, { clientId: 'no-such-client' }))).code).toBe('client.not_found');
  });

  it('refuses a contact and a malformed cursor', async () => {
    const { ctx, admin, clientId, contact } = await setUp();
    expect((await refusal(list(ctx, contact, { clientId }))).code).toBe('access.firm_only');
    expect((await refusal(list(ctx, admin, { clientId, cursor: 'not-a-cursor' }))).code).toBe('validation.failed');
  });
});

/** Every table of the documents read model, in a stable order. */
function snapshot(portal: ReturnType<typeof testPortal>) {
  const db = portal.readModels.db;
  return {
    current: db.prepare('SELECT * FROM rm_documents ORDER BY document_id').all(),
    versions: db.prepare('SELECT * FROM rm_document_versions ORDER BY document_id, valid_from, row_id').all().map((r: any) => ({ ...r, row_id: undefined })),
    trail: db.prepare('SELECT * FROM rm_document_trail ORDER BY position').all(),
  };
}

describe('documents read model: rebuilding and forgetting', () => {
  it('answers the same live and after a rebuild', async () => {
    const portal = await setUp();
    const { ctx, admin, contact, upload } = portal;
    const a = await upload('Tax', 'a.pdf');
    await upload('Tax', 'b.pdf');
    await renameDocument(ctx, admin, { documentId: a, name: 'a2.pdf' });
    await ctx.views();
    await recordDownload(ctx, contact, { documentId: a, ipAddress: '203.0.113.7' });
    await ctx.views();
    await removeDocument(ctx, admin, { documentId: a });
    await list(ctx, admin, { clientId: portal.clientId });
    const live = snapshot(portal);
    await portal.readModels.rebuild(['documents']);
    expect(snapshot(portal)).toEqual(live);
  });

  it("redacts a forgotten individual client's file names and the contact's trail, as a rebuild shows them", async () => {
    const portal = await setUp();
    const { ctx, admin, clientId, contactId, contact, upload } = portal;
    const documentId = await upload('Tax', 'Return.pdf');
    await renameDocument(ctx, admin, { documentId, name: 'Return 2025.pdf' });
    await recordDownload(ctx, contact, { documentId, ipAddress: '203.0.113.7', userAgent: 'Firefox/128' });
    await recordView(ctx, contact, { documentId });
    await ctx.views();
    await forgetContact(ctx, admin, { clientId, contactId });
    const { items } = await list(ctx, admin, { clientId });
    expect(items.map((d) => [d.folderPath, d.name])).toEqual([[ERASED, ERASED]]);
    const entries = (await trail(ctx, admin, { documentId })).items;
    expect(entries.map((e) => [e.ipAddress, e.userAgent])).toEqual([[null, null], [ERASED, ERASED]]);
    const live = snapshot(portal);
    expect(JSON.stringify(live)).not.toContain('Return');
    await portal.readModels.rebuild(['documents']);
    expect(snapshot(portal)).toEqual(live);
  });

  it("keeps a group's file names when a member is forgotten, erasing only that member's trail", async () => {
    const portal = testPortal();
    const { ctx } = portal;
    const { tenantId, admin } = await givenFirm(ctx);
    const group = await givenClient(ctx, admin, {
      owners: [
        { name: 'Gina Group', emails: ['gina@group.example'] },
        { name: 'Gus Group', emails: ['gus@group.example'] },
      ],
    });
    const [gina, gus] = group.contactIds as [string, string];
    for (const contactId of [gina, gus]) {
      await openPortalAccess(ctx, admin, { contactId, clientId: group.clientId, sharedItems: [{ kind: 'folder', path: 'Tax' }] });
      await acceptInvitation(ctx, { contactId, token: (await portal.outbox.lastTo(contactId))!.token, password: 'correct horse battery' });
    }
    const { document } = await uploadDocument(ctx, admin, { clientId: group.clientId, folderPath: 'Tax', name: 'Return.pdf', ...content() });
    for (const contactId of [gina, gus]) await recordDownload(ctx, contactCaller(tenantId, contactId), { documentId: document.documentId, ipAddress: '203.0.113.7' });
    await ctx.views();
    await forgetContact(ctx, admin, { clientId: group.clientId, contactId: gina });
    const [row] = (await list(ctx, admin, { clientId: group.clientId })).items;
    expect([row!.folderPath, row!.name, row!.visibleTo.map((v) => v.contactId)]).toEqual(['Tax', 'Return.pdf', [gus]]);
    const entries = (await trail(ctx, admin, { documentId: document.documentId })).items;
    expect(Object.fromEntries(entries.map((e) => [e.contactId, e.ipAddress]))).toEqual({ [gina]: ERASED, [gus]: '203.0.113.7' });
    const live = snapshot(portal);
    await portal.readModels.rebuild(['documents']);
    expect(snapshot(portal)).toEqual(live);
  });
});
