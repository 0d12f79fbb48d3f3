/**
 * The sync's decisions through the portal's own applySyncedChange, as the runner will apply them:
 * a miniature runner with hand-written delta pages and a fake download (content named after the cTag).
 */
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../src/application/context.js';
import { createPortal } from '../../src/application/portal.js';
import { syncedDocumentId } from '../../src/document/onedrive.js';
import { streams } from '../../src/streams.js';
import { syncedChangeInput, type StoredContent } from '../../src/sync/decision.js';
import { recordUploadedItem } from '../../src/sync/upload.js';
import type { FolderSyncState } from '../../src/sync/state.js';
import { givenClient, givenFirm, givenOneDrive, testPortal } from '../support/portal.js';
import { hashOf } from '../support/content-hash.js';
import { deleted, file, folder, fresh, rootEntry, rootId, round } from './builders.js';

async function setUp() {
  const test = testPortal();
  const portal = createPortal(test.deps);
  const { tenantId, admin } = await givenFirm(test.ctx);
  await givenOneDrive(test.ctx, admin);
  const { clientId } = await givenClient(test.ctx, admin);
  await portal.folders.linkFolder(admin, {
    clientId,
    folderUrl: 'https://onedrive.live.com/?id=ABCDEF1234567890%211&cid=ABCDEF1234567890',
    driveItem: { driveId: 'abcdef1234567890', itemId: rootId, driveType: 'personal', isFolder: true, name: 'Client' },
  });
  const sync: Caller = { tenantId, actor: { kind: 'system', name: 'onedrive-sync' } };
  let downloads = 0;
  /** One poll: the round's decisions applied in order, content "downloaded" where asked. */
  const poll = async (state: FolderSyncState, ...pages: Record<string, unknown>[][]) => {
    const result = round(state, ...pages);
    for (const decision of result.decisions) {
      let content: StoredContent | undefined;
      if (decision.kind === 'upserted' && decision.download) {
        downloads++;
        content = { size: decision.download.size ?? 0, contentHash: hashOf(decision.cTag ?? ''), blobRef: `blob-${decision.cTag}` };
      }
      await portal.documents.applySyncedChange(sync, syncedChangeInput(clientId, decision, content));
    }
    return result.state;
  };
  const doc = (itemId: string) => portal.documents.getDocument(admin, { documentId: syncedDocumentId(clientId, itemId) });
  return { ...test, portal, admin, clientId, poll, doc, downloads: () => downloads };
}

describe('sync rounds applied through the portal', () => {
  it('adds, renames a folder (moving what is in it), changes and removes documents', async () => {
    const { poll, doc, ctx, clientId } = await setUp();
    let state = await poll(fresh(), [rootEntry(), folder('tax', 'Tax'), file('a', 'Return.pdf', 'tax'), file('b', 'Notes.txt')]);
    expect(await doc('a')).toMatchObject({ status: 'present', folderPath: 'Tax', name: 'Return.pdf', version: 1 });
    state = await poll(state, [folder('tax', 'Taxes'), file('b', 'Notes.txt', rootId, 'c2'), deleted('a')], [file('a', 'Return.pdf', 'tax')]);
    expect(await doc('a')).toMatchObject({ status: 'present', folderPath: 'Taxes', version: 1 });
    expect(await doc('b')).toMatchObject({ status: 'present', version: 2 });
    await poll(state, [deleted('b')]);
    expect(await doc('b')).toMatchObject({ status: 'removed' });
    const types = (await ctx.log.readStream(streams.document(syncedDocumentId(clientId, 'a')))).map((e) => e.type);
    expect(types).toEqual(['DocumentAdded', 'DocumentMoved']);
  });

  it('does not import the echo of a document the portal uploaded, nor download it', async () => {
    const { poll, portal, admin, clientId, ctx, downloads } = await setUp();
    const state = await poll(fresh(), [rootEntry(), folder('tax', 'Tax')]);
    const { document } = await portal.documents.uploadDocument(admin, { clientId, folderPath: 'Tax', name: 'Plan.pdf', size: 5, contentHash: hashOf('plan'), blobRef: 'blob-plan' });
    await portal.documents.markForOneDriveSync(admin, { documentId: document.documentId });
    const uploaded = file('up', 'Plan.pdf', 'tax', 'u1', 5);
    await portal.documents.recordOneDriveUpload(admin, { outcome: 'succeeded', documentId: document.documentId, driveItemId: 'up', cTag: uploaded.cTag });
    const after = recordUploadedItem(state, uploaded, { folderPath: 'Tax', name: 'Plan.pdf' });
    const before = downloads();
    await poll(after, [uploaded]);
    expect(downloads()).toBe(before);
    expect(await ctx.log.readStream(streams.document(syncedDocumentId(clientId, 'up')))).toEqual([]);
  });

  it('keeps both sides of a document changed in the portal and in OneDrive, recording the conflict', async () => {
    const { poll, portal, admin, clientId, ctx, doc } = await setUp();
    const state = await poll(fresh(), [rootEntry(), file('a', 'Return.pdf')]);
    const documentId = syncedDocumentId(clientId, 'a');
    await portal.documents.uploadNewVersion(admin, { documentId, size: 7, contentHash: hashOf('portal'), blobRef: 'blob-portal' });
    await poll(state, [file('a', 'Return.pdf', rootId, 'c2')]);
    const types = (await ctx.log.readStream(streams.document(documentId))).map((e) => e.type);
    // The portal's version asks for its upload as a replacement; OneDrive's change came first.
    expect(types).toEqual(['DocumentAdded', 'DocumentVersionAdded', 'DocumentMarkedForOneDriveSync', 'DocumentSyncConflictRecorded', 'DocumentVersionAdded']);
    const [conflict] = (await ctx.log.readStream(streams.document(documentId))).filter((e) => e.type === 'DocumentSyncConflictRecorded');
    expect(conflict!.data).toMatchObject({ portalVersion: 2, blobRef: 'blob-portal', conflictName: expect.stringMatching(/^Return \(portal copy \d{4}-\d\d-\d\d\)\.pdf$/) });
    expect(await doc('a')).toMatchObject({ version: 3, blobRef: expect.stringContaining('c2') });
  });
});
