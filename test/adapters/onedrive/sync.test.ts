/** The sync runner against the simulator: first sync, incremental changes, uploads and their echoes. */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { streams } from '../../../src/streams.js';
import { filesUnder, oneDriveWorld, type World } from './sync-support.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function linked(options: Parameters<typeof oneDriveWorld>[0] = {}) {
  const w = (world = await oneDriveWorld(options));
  await w.connect();
  const d = w.sim.personal;
  d.addFolder('/', 'Acme');
  d.addFolder('/Acme', 'Tax');
  d.addFile('/Acme', 'engagement.pdf', 'engagement letter');
  d.addFile('/Acme/Tax', '2025 return.pdf', 'the return');
  d.addNotebook('/Acme', 'Meeting notes');
  d.addFolder('/', 'Elsewhere');
  const clientId = await w.client();
  const answer = await w.http('PUT', `/clients/${clientId}/folder-link`, { folderUrl: w.sim.share(d, '/Acme') });
  if (answer.status !== 200) throw new Error(JSON.stringify(answer.body));
  return { w, d, clientId };
}

const bytesOf = async (w: World, contentHash: string) => {
  const stream = await w.blobs.get(contentHash);
  const parts: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) parts.push(chunk);
  return Buffer.concat(parts);
};

describe('syncing a linked folder into the portal', () => {
  it('first sync: every file with its sub-folder path, content verified in the blob store; OneNote skipped; the client list shows it', async () => {
    const { w, clientId } = await linked();
    await w.poll();
    expect(await w.documents(clientId)).toEqual(['Tax/2025 return.pdf', 'engagement.pdf']);
    const item = w.sim.personal.byPath('/Acme/engagement.pdf');
    const doc = await w.portal.documents.getDocument(w.admin, { documentId: w.syncedDocumentId(clientId, item.id) });
    expect((await bytesOf(w, doc.contentHash)).toString()).toBe('engagement letter');
    const row = (await w.portal.clientList.folders(w.admin, { text: 'acme' })).items[0]!;
    expect(row.folder).toMatchObject({ syncState: 'synced', itemCount: 2, lastError: null });
  });

  it('an unchanged folder costs one request per poll', async () => {
    const { w } = await linked();
    await w.poll();
    w.sim.requests.reset();
    await w.poll();
    expect(w.sim.requests.graph()).toBe(1);
  });

  it('follows additions, new content, renames, moves inside, moves out and in, and deletions', async () => {
    const { w, d, clientId } = await linked();
    await w.poll();
    const letter = d.byPath('/Acme/engagement.pdf');
    d.addFile('/Acme/Tax', 'receipts.zip', 'zip');
    d.modify('/Acme/Tax/2025 return.pdf', 'the amended return');
    d.rename(letter.id, 'engagement (signed).pdf');
    d.addFolder('/Acme', 'Archive');
    d.move('/Acme/Tax/receipts.zip', '/Acme/Archive');
    d.addFile('/Elsewhere', 'incoming.txt', 'moved in');
    d.move('/Elsewhere/incoming.txt', '/Acme');
    await w.poll();
    expect(await w.documents(clientId)).toEqual(['Archive/receipts.zip', 'Tax/2025 return.pdf', 'engagement (signed).pdf', 'incoming.txt']);
    const letterEvents = (await w.test.ctx.log.readStream(streams.document(w.syncedDocumentId(clientId, letter.id)))).map((e) => e.type);
    expect(letterEvents).toEqual(['DocumentAdded', 'DocumentRenamed']);
    const returned = await w.portal.documents.getDocument(w.admin, { documentId: w.syncedDocumentId(clientId, d.byPath('/Acme/Tax/2025 return.pdf').id) });
    expect(returned.version).toBe(2);

    d.move('/Acme/incoming.txt', '/Elsewhere');
    d.remove('/Acme/Archive');
    d.rename('/Acme/Tax', 'Taxes');
    await w.poll();
    expect(await w.documents(clientId)).toEqual(['Taxes/2025 return.pdf', 'engagement (signed).pdf']);
    expect(filesUnder(w.sim, '/Acme')).toEqual(await w.documents(clientId));
  });

  it('brings in the files of a folder moved into the linked folder (delta lists only the folder: its contents are listed)', async () => {
    const { w, d, clientId } = await linked();
    await w.poll();
    d.addFolder('/Elsewhere', 'Old year');
    d.addFolder('/Elsewhere/Old year', 'Q4');
    d.addFile('/Elsewhere/Old year', 'ledger.xlsx', 'ledger');
    d.addFile('/Elsewhere/Old year/Q4', 'vat.pdf', 'vat');
    await w.poll();
    d.move('/Elsewhere/Old year', '/Acme');
    await w.poll();
    expect(await w.documents(clientId)).toEqual(['Old year/Q4/vat.pdf', 'Old year/ledger.xlsx', 'Tax/2025 return.pdf', 'engagement.pdf']);
    w.sim.requests.reset();
    await w.poll();
    expect(w.sim.requests.graph()).toBe(1);
  });

  it('downloads a large file in full and verified', async () => {
    const { w, d, clientId } = await linked();
    const big = randomBytes(9 * 1024 * 1024 + 123);
    d.addFile('/Acme', 'scan.bin', big);
    await w.poll();
    const doc = await w.portal.documents.getDocument(w.admin, { documentId: w.syncedDocumentId(clientId, d.byPath('/Acme/scan.bin').id) });
    expect(doc.size).toBe(big.length);
    expect((await bytesOf(w, doc.contentHash)).equals(big)).toBe(true);
  });

  it.each([
    ['simple', 1000],
    ['session', 5 * 1024 * 1024 + 17],
  ])('uploads a document marked for Sync (%s upload) and does not import its echo', async (_kind, size) => {
    const { w, clientId } = await linked();
    await w.poll();
    const content = randomBytes(size);
    const stored = await w.blobs.put(Readable.from([content]), { maxBytes: size });
    const { document } = await w.portal.documents.uploadDocument(w.admin, { clientId, folderPath: 'Tax/2026', name: 'Plan draft.pdf', size, contentHash: stored.contentHash, blobRef: stored.contentHash });
    await w.portal.documents.markForOneDriveSync(w.admin, { documentId: document.documentId });
    await w.poll();
    const uploaded = w.sim.personal.byPath('/Acme/Tax/2026/Plan draft.pdf');
    expect(uploaded.content.equals(content)).toBe(true);
    expect(await w.portal.documents.getDocument(w.admin, { documentId: document.documentId })).toMatchObject({ oneDrive: 'in_sync', driveItemId: uploaded.id });
    await w.poll();
    // The echo is the same document: no synced copy of it, one document at that place.
    expect(await w.test.ctx.log.readStream(streams.document(w.syncedDocumentId(clientId, uploaded.id)))).toEqual([]);
    expect((await w.documents(clientId)).filter((p) => p.startsWith('Tax/2026/'))).toHaveLength(1);
    // A later change in OneDrive lands on the original document.
    w.sim.personal.modify(uploaded.id, 'changed in OneDrive');
    await w.poll();
    expect(await w.portal.documents.getDocument(w.admin, { documentId: document.documentId })).toMatchObject({ version: 2 });
  });

  it('keeps both versions of a document changed on both sides, uploading the portal’s beside it under a conflict name', async () => {
    const { w, d, clientId } = await linked();
    await w.poll();
    const item = d.byPath('/Acme/engagement.pdf');
    const documentId = w.syncedDocumentId(clientId, item.id);
    const mine = Buffer.from('changed in the portal');
    const stored = await w.blobs.put(Readable.from([mine]), { maxBytes: mine.length });
    await w.portal.documents.uploadNewVersion(w.admin, { documentId, size: stored.size, contentHash: stored.contentHash, blobRef: stored.contentHash });
    d.modify(item.id, 'changed in OneDrive');
    await w.poll();
    const types = (await w.test.ctx.log.readStream(streams.document(documentId))).map((e) => e.type);
    expect(types).toContain('DocumentSyncConflictRecorded');
    await w.poll();
    const copies = filesUnder(w.sim, '/Acme').filter((p) => p !== 'engagement.pdf' && p.startsWith('engagement'));
    expect(copies).toHaveLength(1);
    expect(d.byPath(`/Acme/${copies[0]}`).content.toString()).toBe('changed in the portal');
    expect(d.byPath('/Acme/engagement.pdf').content.toString()).toBe('changed in OneDrive');
    // The copy's echo is not imported back as a document of its own (the portal holds that version already).
    await w.poll();
    await w.poll();
    expect(await w.documents(clientId)).toEqual(['Tax/2025 return.pdf', 'engagement.pdf']);
  });

  const newVersion = async (w: World, documentId: string, content: Buffer) => {
    const stored = await w.blobs.put(Readable.from([content]), { maxBytes: content.length });
    await w.portal.documents.uploadNewVersion(w.admin, { documentId, size: stored.size, contentHash: stored.contentHash, blobRef: stored.contentHash });
  };

  it.each([
    ['simple', 2000],
    ['session', 5 * 1024 * 1024 + 17],
  ])('uploads a new portal version of a synced document as a replacement of its item (%s), If-Match on its eTag', async (_kind, size) => {
    const { w, d, clientId } = await linked();
    await w.poll();
    const item = d.byPath('/Acme/engagement.pdf');
    const documentId = w.syncedDocumentId(clientId, item.id);
    const content = randomBytes(size);
    await newVersion(w, documentId, content);
    w.sim.requests.reset();
    await w.poll();
    expect(d.byPath('/Acme/engagement.pdf').id).toBe(item.id);
    expect(d.byPath('/Acme/engagement.pdf').content.equals(content)).toBe(true);
    expect(filesUnder(w.sim, '/Acme')).toEqual(['Tax/2025 return.pdf', 'engagement.pdf']);
    expect(w.sim.requests.records.filter((r) => r.status === 412)).toEqual([]);
    expect(await w.portal.documents.getDocument(w.admin, { documentId })).toMatchObject({ oneDrive: 'in_sync', version: 2 });
    // Its echo changes nothing.
    await w.poll();
    const types = (await w.test.ctx.log.readStream(streams.document(documentId))).map((e) => e.type);
    expect(types).toEqual(['DocumentAdded', 'DocumentVersionAdded', 'DocumentMarkedForOneDriveSync', 'DocumentUploadedToOneDrive']);
  });

  it('never adopts a file already synced as another document, even with the same name, size and hash: the upload goes beside it', async () => {
    const { w, d, clientId } = await linked();
    await w.poll();
    const original = d.byPath('/Acme/engagement.pdf');
    const syncedId = w.syncedDocumentId(clientId, original.id);
    const bytes = Buffer.from('engagement letter');
    const stored = await w.blobs.put(Readable.from([bytes]), { maxBytes: bytes.length });
    const { document } = await w.portal.documents.uploadDocument(w.admin, { clientId, folderPath: '', name: 'engagement.pdf', size: bytes.length, contentHash: stored.contentHash, blobRef: stored.contentHash });
    await w.portal.documents.markForOneDriveSync(w.admin, { documentId: document.documentId });
    await w.poll();
    await w.poll();
    const mine = await w.portal.documents.getDocument(w.admin, { documentId: document.documentId });
    expect(mine).toMatchObject({ oneDrive: 'in_sync' });
    expect(mine.driveItemId).not.toBe(original.id);
    expect(await w.portal.documents.getDocument(w.admin, { documentId: syncedId })).toMatchObject({ status: 'present', driveItemId: original.id });
    expect(filesUnder(w.sim, '/Acme').filter((p) => p.startsWith('engagement'))).toHaveLength(2);
  });

  it('says so on the document when a name OneDrive forbids was sanitised for the upload, before the echo renames it', async () => {
    const { w, clientId } = await linked();
    await w.poll();
    const bytes = Buffer.from('plan');
    const stored = await w.blobs.put(Readable.from([bytes]), { maxBytes: bytes.length });
    const { document } = await w.portal.documents.uploadDocument(w.admin, { clientId, folderPath: '', name: 'Plan.pdf', size: bytes.length, contentHash: stored.contentHash, blobRef: stored.contentHash });
    await w.portal.documents.markForOneDriveSync(w.admin, { documentId: document.documentId });
    // Renamed while waiting for the upload, to a name OneDrive forbids.
    await w.portal.documents.renameDocument(w.admin, { documentId: document.documentId, name: 'Q1: plan.pdf' });
    await w.poll();
    const uploaded = await w.portal.documents.getDocument(w.admin, { documentId: document.documentId });
    // The echo brings OneDrive's name; the document says why it changed.
    expect(uploaded).toMatchObject({ oneDrive: 'in_sync', name: 'Q1： plan.pdf' });
    expect(uploaded.oneDriveNotice).toContain('Q1: plan.pdf');
    expect(uploaded.oneDriveNotice).toContain('Q1： plan.pdf');
    const events = await w.test.ctx.log.readStream(streams.document(document.documentId));
    expect(events.find((e) => e.type === 'DocumentUploadedToOneDrive')?.data).toMatchObject({ sanitisedFrom: 'Q1: plan.pdf', sanitisedTo: 'Q1： plan.pdf' });
  });

  it('replaces the item of a document the portal uploaded, on its next version', async () => {
    const { w, clientId } = await linked();
    await w.poll();
    const first = Buffer.from('first');
    const stored = await w.blobs.put(Readable.from([first]), { maxBytes: first.length });
    const { document } = await w.portal.documents.uploadDocument(w.admin, { clientId, folderPath: '', name: 'Plan.pdf', size: first.length, contentHash: stored.contentHash, blobRef: stored.contentHash });
    await w.portal.documents.markForOneDriveSync(w.admin, { documentId: document.documentId });
    await w.poll();
    const uploaded = w.sim.personal.byPath('/Acme/Plan.pdf');
    await newVersion(w, document.documentId, Buffer.from('second'));
    await w.poll();
    await w.poll();
    expect(w.sim.personal.byPath('/Acme/Plan.pdf')).toMatchObject({ id: uploaded.id });
    expect(w.sim.personal.byPath('/Acme/Plan.pdf').content.toString()).toBe('second');
    expect(filesUnder(w.sim, '/Acme').filter((p) => p.startsWith('Plan'))).toEqual(['Plan.pdf']);
    expect((await w.documents(clientId)).filter((p) => p.startsWith('Plan'))).toEqual(['Plan.pdf']);
    expect(await w.portal.documents.getDocument(w.admin, { documentId: document.documentId })).toMatchObject({ oneDrive: 'in_sync', version: 2 });
  });

  it('never overwrites a change made in OneDrive meanwhile: the replacement is refused (412) and the conflict keeps both', async () => {
    const { w, d, clientId } = await linked();
    await w.poll();
    const item = d.byPath('/Acme/engagement.pdf');
    const documentId = w.syncedDocumentId(clientId, item.id);
    d.modify(item.id, 'changed in OneDrive');
    await newVersion(w, documentId, Buffer.from('changed in the portal'));
    w.sim.requests.reset();
    await w.poll();
    expect(w.sim.requests.records.filter((r) => r.status === 412)).toHaveLength(1);
    await w.poll();
    expect(d.byPath('/Acme/engagement.pdf').content.toString()).toBe('changed in OneDrive');
    const copies = filesUnder(w.sim, '/Acme').filter((p) => p.startsWith('engagement'));
    expect(copies).toHaveLength(2);
    expect(d.byPath(`/Acme/${copies.find((p) => p !== 'engagement.pdf')}`).content.toString()).toBe('changed in the portal');
    const types = (await w.test.ctx.log.readStream(streams.document(documentId))).map((e) => e.type);
    expect(types.filter((t) => t === 'DocumentSyncConflictRecorded')).toHaveLength(1);
    expect(await w.portal.documents.getDocument(w.admin, { documentId })).toMatchObject({ version: 3 });
  });

  it('replaces after a rename in OneDrive (a new eTag, the same content): no conflict', async () => {
    const { w, d, clientId } = await linked();
    await w.poll();
    const item = d.byPath('/Acme/engagement.pdf');
    const documentId = w.syncedDocumentId(clientId, item.id);
    d.rename(item.id, 'engagement (signed).pdf');
    await newVersion(w, documentId, Buffer.from('portal version'));
    w.sim.requests.reset();
    await w.poll();
    await w.poll();
    expect(w.sim.requests.records.filter((r) => r.status === 412)).toHaveLength(1);
    expect(d.byPath('/Acme/engagement (signed).pdf').content.toString()).toBe('portal version');
    expect(filesUnder(w.sim, '/Acme').filter((p) => p.startsWith('engagement'))).toEqual(['engagement (signed).pdf']);
    const types = (await w.test.ctx.log.readStream(streams.document(documentId))).map((e) => e.type);
    expect(types).not.toContain('DocumentSyncConflictRecorded');
    expect(await w.portal.documents.getDocument(w.admin, { documentId })).toMatchObject({ oneDrive: 'in_sync', name: 'engagement (signed).pdf' });
  });

  it('records a failure the client list shows, and clears it with the next good round', async () => {
    const { w, clientId } = await linked();
    await w.poll();
    w.sim.faults.add({ path: /delta/, status: 507, times: 1 });
    await w.poll();
    const row = async () => (await w.portal.clientList.folders(w.admin, { text: 'acme' })).items[0]!.folder;
    expect(await row()).toMatchObject({ syncState: 'failed', lastError: 'The OneDrive account is full.' });
    await w.poll();
    expect(await row()).toMatchObject({ syncState: 'synced', lastError: null });
    expect(await w.documents(clientId)).toEqual(['Tax/2025 return.pdf', 'engagement.pdf']);
  });
});
