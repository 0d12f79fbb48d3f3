import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { memoryBlobStore } from '../../adapters/blobs/memory-blob-store.js';
import { AppContext, type Caller } from '../../src/application/context.js';
import { removeDocument, uploadDocument, uploadNewVersion } from '../../src/application/documents.js';
import { forgetContact } from '../../src/application/personal-data.js';
import type { BlobStore } from '../../src/core/blob-store.js';
import { streams } from '../../src/streams.js';
import { hashOf } from '../support/content-hash.js';
import { givenClient, givenFirm, testPortal } from '../support/portal.js';

/** A portal with a memory blob store, and a way to upload a document whose bytes are really stored. */
function portalWithBlobs() {
  const blobs = memoryBlobStore();
  const portal = testPortal({ blobs });
  const store = async (text: string) => {
    const { contentHash, size } = await blobs.put(Readable.from([Buffer.from(text)]), { maxBytes: 1000 });
    return { contentHash, size, blobRef: contentHash };
  };
  const upload = async (caller: Caller, clientId: string, name: string, text: string) => {
    const { document } = await uploadDocument(portal.ctx, caller, { clientId, folderPath: 'Tax', name, ...(await store(text)) });
    return document.documentId;
  };
  /** Whether the blob store still holds this text (its hash made apart, since storing it again would bring it back). */
  const holds = async (text: string) => (await blobs.stat(hashOf(text))) !== null;
  return { ...portal, blobs, store, upload, holds };
}

describe('forgetting an individual client deletes the content only its documents refer to', () => {
  it('deletes every version of its documents, removed ones too, and keeps content another client shares', async () => {
    const { ctx, blobs, store, upload, holds } = portalWithBlobs();
    const { admin } = await givenFirm(ctx);
    const { admin: otherFirm } = await givenFirm(ctx);
    const ann = await givenClient(ctx, admin, { name: 'Ann Smith' });
    const neighbour = await givenClient(ctx, admin, { name: 'Ned Neighbour' });
    const elsewhere = await givenClient(ctx, otherFirm, { name: 'Eve Elsewhere' });

    const returnId = await upload(admin, ann.clientId, 'Return.pdf', 'return v1');
    await uploadNewVersion(ctx, admin, { documentId: returnId, ...(await store('return v2')) });
    const passportId = await upload(admin, ann.clientId, 'Passport.pdf', 'passport');
    await removeDocument(ctx, admin, { documentId: passportId });
    await upload(admin, ann.clientId, 'Form.pdf', 'the same blank form');
    await upload(admin, neighbour.clientId, 'Form.pdf', 'the same blank form');
    await upload(admin, ann.clientId, 'Terms.pdf', 'terms every firm sends');
    await upload(otherFirm, elsewhere.clientId, 'Terms.pdf', 'terms every firm sends');
    const unrelated = await store('nobody uploaded this as a document yet');

    const result = await forgetContact(ctx, admin, { clientId: ann.clientId, contactId: ann.contactIds[0]! });

    expect(result).toMatchObject({ clientForgotten: true, blobs: { deleted: 3, complete: true } });
    for (const gone of ['return v1', 'return v2', 'passport']) expect(await holds(gone), gone).toBe(false);
    for (const kept of ['the same blank form', 'terms every firm sends']) expect(await holds(kept), kept).toBe(true);
    expect(await blobs.stat(unrelated.contentHash)).not.toBeNull();
  });

  it("leaves a group's content alone when one of its members is forgotten", async () => {
    const { ctx, blobs, upload } = portalWithBlobs();
    const { admin } = await givenFirm(ctx);
    const group = await givenClient(ctx, admin, { kind: 'group', owners: [{ name: 'Gina', emails: ['gina@x.example'] }, { name: 'Gus', emails: ['gus@x.example'] }] });
    await upload(admin, group.clientId, 'Minutes.pdf', 'minutes');

    const result = await forgetContact(ctx, admin, { clientId: group.clientId, contactId: group.contactIds[0]! });

    expect(result).toMatchObject({ clientForgotten: false, blobs: null });
    expect(blobs.count).toBe(1);
  });

  it('records the forgetting even when deleting content fails, and a repeated forget deletes what is left', async () => {
    const { ctx, deps, blobs, upload, readModels } = portalWithBlobs();
    const { admin } = await givenFirm(ctx);
    const ann = await givenClient(ctx, admin, { name: 'Ann Smith' });
    await upload(admin, ann.clientId, 'Return.pdf', 'return');
    await upload(admin, ann.clientId, 'Passport.pdf', 'passport');
    let failures = 1;
    const flakyBlobs: BlobStore = { ...blobs, delete: (hash) => (failures-- > 0 ? Promise.reject(new Error('disk unplugged')) : blobs.delete(hash)) };
    const flaky = new AppContext({ ...deps, blobs: flakyBlobs });
    const contactId = ann.contactIds[0]!;

    const first = await forgetContact(flaky, admin, { clientId: ann.clientId, contactId });
    expect(first).toMatchObject({ alreadyForgotten: false, blobs: { deleted: 1, complete: false } });
    const [forgotten] = await ctx.log.readStream(streams.dataSubject(contactId));
    expect(forgotten?.type).toBe('PersonalDataForgotten');
    expect(blobs.count).toBe(1);

    // The read models rebuilt after the forgetting still know the content hashes (they are not personal data).
    await readModels.rebuild();
    const again = await forgetContact(flaky, admin, { clientId: ann.clientId, contactId });
    expect(again).toMatchObject({ alreadyForgotten: true, blobs: { deleted: 1, complete: true } });
    expect(blobs.count).toBe(0);
  });

  it('leaves content an upload of the same bytes is still recording, and a repeated forget keeps it once recorded', async () => {
    const { ctx, blobs, upload, holds } = portalWithBlobs();
    const { admin } = await givenFirm(ctx);
    const ann = await givenClient(ctx, admin, { name: 'Ann Smith' });
    const neighbour = await givenClient(ctx, admin, { name: 'Ned Neighbour' });
    await upload(admin, ann.clientId, 'Form.pdf', 'the blank form');
    // Ned's upload of the same bytes: stored (found there already), its document not yet recorded.
    let recorded = () => {};
    const stored = await blobs.put(Readable.from([Buffer.from('the blank form')]), { maxBytes: 1000, holdUntil: new Promise<void>((resolve) => (recorded = resolve)) });
    const contactId = ann.contactIds[0]!;

    const first = await forgetContact(ctx, admin, { clientId: ann.clientId, contactId });
    expect(first).toMatchObject({ clientForgotten: true, blobs: { deleted: 0, complete: false } });
    expect(await holds('the blank form')).toBe(true);

    await uploadDocument(ctx, admin, { clientId: neighbour.clientId, folderPath: 'Tax', name: 'Form.pdf', ...stored, blobRef: stored.contentHash });
    recorded();
    const again = await forgetContact(ctx, admin, { clientId: ann.clientId, contactId });
    expect(again).toMatchObject({ blobs: { deleted: 0, complete: true } });
    expect(await holds('the blank form')).toBe(true);
  });

  it('keeps content an upload of the same bytes recorded after the forget first looked', async () => {
    const { ctx, deps, blobs, upload, holds } = portalWithBlobs();
    const { admin } = await givenFirm(ctx);
    const ann = await givenClient(ctx, admin, { name: 'Ann Smith' });
    const neighbour = await givenClient(ctx, admin, { name: 'Ned Neighbour' });
    await upload(admin, ann.clientId, 'Form.pdf', 'the blank form');
    // Between the forget's first look and its delete, Ned uploads the same bytes, wholly.
    let interleaved = false;
    const racing: BlobStore = {
      ...blobs,
      delete: async (hash, options) => {
        if (!interleaved) {
          interleaved = true;
          await upload(admin, neighbour.clientId, 'Form.pdf', 'the blank form');
        }
        return blobs.delete(hash, options);
      },
    };
    const result = await forgetContact(new AppContext({ ...deps, blobs: racing }), admin, { clientId: ann.clientId, contactId: ann.contactIds[0]! });
    expect(interleaved).toBe(true);
    expect(result).toMatchObject({ clientForgotten: true, blobs: { deleted: 0, complete: true } });
    expect(await holds('the blank form')).toBe(true);
  });

  it('forgets as before without a blob store', async () => {
    const { ctx } = testPortal();
    const { admin } = await givenFirm(ctx);
    const ann = await givenClient(ctx, admin, { name: 'Ann Smith' });
    expect(await forgetContact(ctx, admin, { clientId: ann.clientId, contactId: ann.contactIds[0]! })).toMatchObject({ clientForgotten: true, blobs: null });
  });
});
