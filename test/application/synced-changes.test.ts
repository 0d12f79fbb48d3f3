import { describe, expect, it } from 'vitest';
import type { Caller } from '../../src/application/context.js';
import { createPortal } from '../../src/application/portal.js';
import { syncedDocumentId } from '../../src/document/onedrive.js';
import { streams } from '../../src/streams.js';
import { contactCaller, eventCount, givenClient, givenFirm, givenOneDrive, testPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';
import { hashOf } from '../support/content-hash.js';

const syncProcess = (tenantId: string): Caller => ({ tenantId, actor: { kind: 'system', name: 'onedrive-sync' } });
const driveItemId = 'ABCDEF1234567890!42';
const content = { size: 2048, contentHash: hashOf('a'), blobRef: 'blob-a' };
const upserted = (overrides: Record<string, unknown> = {}) => ({ kind: 'upserted' as const, folderPath: 'Tax', name: 'Return 2024.pdf', cTag: 'c1', content, ...overrides });

/** A firm with OneDrive connected and a client whose folder is linked; the API as a host sees it. */
async function setUp(options: { linked?: boolean } = {}) {
  const test = testPortal();
  const { ctx } = test;
  const portal = createPortal(test.deps);
  const { tenantId, admin } = await givenFirm(ctx);
  await givenOneDrive(ctx, admin);
  const { clientId, contactIds } = await givenClient(ctx, admin);
  if (options.linked ?? true) {
    await portal.folders.linkFolder(admin, {
      clientId,
      folderUrl: 'https://onedrive.live.com/?id=ABCDEF1234567890%211&cid=ABCDEF1234567890',
      driveItem: { driveId: 'abcdef1234567890', itemId: 'ABCDEF1234567890!1', driveType: 'personal', isFolder: true, name: 'Client' },
    });
  }
  return { ...test, portal, tenantId, admin, clientId, contactId: contactIds[0]!, sync: syncProcess(tenantId) };
}

describe('applying a synced OneDrive change', () => {
  it('adds the OneDrive file as a document under its synced id', async () => {
    const { ctx, portal, sync, clientId } = await setUp();
    const { document } = await portal.documents.applySyncedChange(sync, { clientId, driveItemId, change: upserted() });
    const documentId = syncedDocumentId(clientId, driveItemId);
    expect(document).toMatchObject({ documentId, clientId, origin: 'onedrive_sync', folderPath: 'Tax', name: 'Return 2024.pdf', driveItemId, version: 1 });
    const [added] = await ctx.log.readStream(streams.document(documentId));
    expect(added).toMatchObject({ type: 'DocumentAdded', metadata: { actor: sync.actor, tenantId: sync.tenantId } });
  });

  it('decides nothing when the same change is applied twice', async () => {
    const { ctx, portal, sync, clientId } = await setUp();
    await portal.documents.applySyncedChange(sync, { clientId, driveItemId, change: upserted() });
    const before = await eventCount(ctx);
    const again = await portal.documents.applySyncedChange(sync, { clientId, driveItemId, change: upserted() });
    expect(again.changed).toBe(false);
    expect(await eventCount(ctx)).toBe(before);
  });

  it('follows renames and deletions', async () => {
    const { ctx, portal, sync, clientId } = await setUp();
    await portal.documents.applySyncedChange(sync, { clientId, driveItemId, change: upserted() });
    await portal.documents.applySyncedChange(sync, { clientId, driveItemId, change: upserted({ name: 'Return 2024 v2.pdf', content: undefined }) });
    const { document } = await portal.documents.applySyncedChange(sync, { clientId, driveItemId, change: { kind: 'deleted' } });
    expect(document).toMatchObject({ name: 'Return 2024 v2.pdf', status: 'removed' });
    const types = (await ctx.log.readStream(streams.document(syncedDocumentId(clientId, driveItemId)))).map((e) => e.type);
    expect(types).toEqual(['DocumentAdded', 'DocumentRenamed', 'DocumentRemoved']);
  });

  it('is taken from staff of the firm too', async () => {
    const { portal, admin, clientId } = await setUp();
    const { document } = await portal.documents.applySyncedChange(admin, { clientId, driveItemId, change: upserted() });
    expect(document.origin).toBe('onedrive_sync');
  });

  it("refuses a client whose folder is not linked, recording nothing", async () => {
    const { ctx, portal, sync, clientId } = await setUp({ linked: false });
    const before = await eventCount(ctx);
    const error = await refusal(portal.documents.applySyncedChange(sync, { clientId, driveItemId, change: upserted() }));
    expect(error.code).toBe('document.folder_not_linked');
    expect(await eventCount(ctx)).toBe(before);
  });

  it("refuses once the folder was unlinked", async () => {
    const { portal, admin, sync, clientId } = await setUp();
    await portal.folders.unlinkFolder(admin, { clientId });
    expect((await refusal(portal.documents.applySyncedChange(sync, { clientId, driveItemId, change: upserted() }))).code).toBe(
      'document.folder_not_linked',
    );
  });

  it("refuses a contact, and another firm's client reads as not found", async () => {
    const { ctx, portal, tenantId, clientId, contactId } = await setUp();
    const other = await givenFirm(ctx);
    const before = await eventCount(ctx);
    const change = { clientId, driveItemId, change: upserted() };
    expect((await refusal(portal.documents.applySyncedChange(contactCaller(tenantId, contactId), change))).code).toBe('access.firm_only');
    expect((await refusal(portal.documents.applySyncedChange(syncProcess(other.tenantId), change))).code).toBe('client.not_found');
    expect((await refusal(portal.documents.applySyncedChange(other.admin, change))).code).toBe('client.not_found');
    expect(await eventCount(ctx)).toBe(before);
  });

  it('refuses a malformed change with a ValidationError', async () => {
    const { ctx, portal, sync, clientId } = await setUp();
    const before = await eventCount(ctx);
    const error = await refusal(portal.documents.applySyncedChange(sync, { clientId, driveItemId, change: { kind: 'moved' } } as never));
    expect(error.code).toBe('validation.failed');
    expect(await eventCount(ctx)).toBe(before);
  });
});

describe('a document the portal uploaded to OneDrive', () => {
  const uploadedItem = 'D1!400';

  /** A firm upload the firm chose to "Sync", uploaded as drive item D1!400. */
  async function syncedBack() {
    const setup = await setUp();
    const { portal, admin, sync, clientId } = setup;
    const { document } = await portal.documents.uploadDocument(admin, { clientId, folderPath: 'Tax', name: 'Return 2024.pdf', ...content });
    await portal.documents.markForOneDriveSync(admin, { documentId: document.documentId });
    await portal.documents.recordOneDriveUpload(sync, { outcome: 'succeeded', documentId: document.documentId, driveItemId: uploadedItem, cTag: 'c1' });
    return { ...setup, documentId: document.documentId };
  }

  const noCopy = async (ctx: Parameters<typeof eventCount>[0], clientId: string) =>
    expect(await ctx.log.readStream(streams.document(syncedDocumentId(clientId, uploadedItem)))).toEqual([]);

  it('takes the echo of its own upload as nothing new', async () => {
    const { ctx, portal, sync, clientId, documentId } = await syncedBack();
    const before = await eventCount(ctx);
    const echo = await portal.documents.applySyncedChange(sync, { clientId, driveItemId: uploadedItem, change: upserted() });
    expect(echo).toMatchObject({ changed: false, document: { documentId, version: 1 } });
    expect(await eventCount(ctx)).toBe(before);
    await noCopy(ctx, clientId);
  });

  it('maps a later edit in OneDrive to a new version of the original document', async () => {
    const { ctx, portal, sync, clientId, documentId } = await syncedBack();
    const edited = { size: 4096, contentHash: hashOf('b'), blobRef: 'blob-b' };
    const { document } = await portal.documents.applySyncedChange(sync, { clientId, driveItemId: uploadedItem, change: upserted({ cTag: 'c2', content: edited }) });
    expect(document).toMatchObject({ documentId, version: 2, contentHash: hashOf('b'), origin: 'firm_upload' });
    await noCopy(ctx, clientId);
  });

  it('maps a rename, a move and a deletion in OneDrive to the original document', async () => {
    const { ctx, portal, sync, clientId, documentId } = await syncedBack();
    await portal.documents.applySyncedChange(sync, { clientId, driveItemId: uploadedItem, change: upserted({ name: 'Return final.pdf', folderPath: 'Tax/2024' }) });
    const { document } = await portal.documents.applySyncedChange(sync, { clientId, driveItemId: uploadedItem, change: { kind: 'deleted' } });
    expect(document).toMatchObject({ documentId, status: 'removed', name: 'Return final.pdf', folderPath: 'Tax/2024' });
    const types = (await ctx.log.readStream(streams.document(documentId))).map((e) => e.type);
    expect(types.slice(-3)).toEqual(['DocumentRenamed', 'DocumentMoved', 'DocumentRemoved']);
    await noCopy(ctx, clientId);
  });

  it('refuses to record a second document as the same drive item, recording nothing', async () => {
    const { ctx, portal, admin, sync, clientId } = await syncedBack();
    const { document } = await portal.documents.uploadDocument(admin, { clientId, folderPath: 'Tax', name: 'Other.pdf', ...content });
    await portal.documents.markForOneDriveSync(admin, { documentId: document.documentId });
    const before = await eventCount(ctx);
    const outcome = { outcome: 'succeeded' as const, documentId: document.documentId, driveItemId: uploadedItem, cTag: 'c9' };
    expect((await refusal(portal.documents.recordOneDriveUpload(sync, outcome))).code).toBe('document.drive_item_taken');
    expect(await eventCount(ctx)).toBe(before);
  });
});

describe('a sync conflict in the documents read model', () => {
  it("shows the conflict and the portal copy's name on the document's row and in getDocument", async () => {
    const { ctx, portal, sync, admin, clientId } = await setUp();
    await portal.documents.applySyncedChange(sync, { clientId, driveItemId, change: upserted() });
    const documentId = syncedDocumentId(clientId, driveItemId);
    await portal.documents.uploadNewVersion(admin, { documentId, size: 10, contentHash: hashOf('portal'), blobRef: 'blob-p' });
    const oneDrive = { size: 30, contentHash: hashOf('onedrive'), blobRef: 'blob-o' };
    await portal.documents.applySyncedChange(sync, { clientId, driveItemId, change: upserted({ cTag: 'c2', content: oneDrive }) });
    await ctx.views();
    const [row] = (await portal.documents.list(admin, { clientId })).items;
    expect(row).toMatchObject({ documentId, syncConflicts: 1, lastSyncConflict: { conflictName: expect.stringContaining('Return 2024'), oneDriveDeleted: false } });
    const document = await portal.documents.getDocument(admin, { documentId });
    expect(document).toMatchObject({ syncConflicts: 1, lastSyncConflict: { conflictName: row!.lastSyncConflict!.conflictName } });
    expect(row!.lastSyncConflict!.conflictName).not.toBe('Return 2024.pdf');
  });
});

describe('a OneDrive deletion of a document changed in the portal since the last sync', () => {
  it("keeps the portal's version and records the conflict instead of removing the document", async () => {
    const { ctx, portal, sync, admin, clientId } = await setUp();
    await portal.documents.applySyncedChange(sync, { clientId, driveItemId, change: upserted() });
    const documentId = syncedDocumentId(clientId, driveItemId);
    await portal.documents.uploadNewVersion(admin, { documentId, size: 10, contentHash: hashOf('portal'), blobRef: 'blob-p' });
    const { document } = await portal.documents.applySyncedChange(sync, { clientId, driveItemId, change: { kind: 'deleted' } });
    expect(document).toMatchObject({ status: 'present', version: 2, contentHash: hashOf('portal'), driveItemId: null, oneDrive: 'not_synced' });
    expect(document.lastSyncConflict).toMatchObject({ oneDriveDeleted: true });
    const types = (await ctx.log.readStream(streams.document(documentId))).map((e) => e.type);
    // The new version was marked for upload since the document is in OneDrive; the deletion ends that wait.
    expect(types).toEqual(['DocumentAdded', 'DocumentVersionAdded', 'DocumentMarkedForOneDriveSync', 'DocumentSyncConflictRecorded']);
    const again = await portal.documents.applySyncedChange(sync, { clientId, driveItemId, change: { kind: 'deleted' } });
    expect(again.changed).toBe(false);
    await ctx.views();
    const [row] = (await portal.documents.list(admin, { clientId })).items;
    expect(row).toMatchObject({ documentId, version: 2, syncConflicts: 1, lastSyncConflict: { oneDriveDeleted: true } });
  });

  it('still removes a document unchanged in the portal', async () => {
    const { portal, sync, admin, clientId } = await setUp();
    await portal.documents.applySyncedChange(sync, { clientId, driveItemId, change: upserted() });
    const documentId = syncedDocumentId(clientId, driveItemId);
    await portal.documents.renameDocument(admin, { documentId, name: 'Renamed.pdf' });
    const { document } = await portal.documents.applySyncedChange(sync, { clientId, driveItemId, change: { kind: 'deleted' } });
    expect(document.status).toBe('removed');
  });
});
