import { describe, expect, it } from 'vitest';
import { sqliteReadModels } from '../../../projections/read-models/index.js';
import { removeDocument, uploadDocument } from '../../../src/application/documents.js';
import { hashOf } from '../../support/content-hash.js';
import { givenClient, givenFirm, testPortal } from '../../support/portal.js';

describe('documents read model: content hashes', () => {
  it('replays a read model made before versions kept their content hash, leaving the other read models as they are', async () => {
    const { ctx, readModels } = testPortal();
    const { admin } = await givenFirm(ctx);
    const { clientId } = await givenClient(ctx, admin);
    await uploadDocument(ctx, admin, { clientId, folderPath: 'Tax', name: 'Return.pdf', size: 1, contentHash: hashOf(1), blobRef: 'b' });
    await ctx.views();
    await readModels.stop();
    const activityBefore = readModels.db.prepare('SELECT COUNT(*) AS n FROM rm_activity').get();
    // The shape before: no content_hash column (nor its index).
    readModels.db.exec('DROP INDEX rm_document_versions_by_content; ALTER TABLE rm_document_versions DROP COLUMN content_hash');

    const reopened = sqliteReadModels({ db: readModels.db })(ctx.log);
    await reopened.start();
    expect(await reopened.documents.contentOnlyReferencedBy(admin.tenantId, clientId)).toEqual([hashOf(1)]);
    expect((await reopened.documents.list(admin.tenantId, clientId, { limit: 10 })).items.map((d) => d.name)).toEqual(['Return.pdf']);
    expect(readModels.db.prepare('SELECT COUNT(*) AS n FROM rm_activity').get()).toEqual(activityBefore);
    await reopened.stop();
  });

  it("knows which content a firm holds: any version of its documents, removed ones too, never another firm's", async () => {
    const { ctx } = testPortal();
    const { admin } = await givenFirm(ctx);
    const { admin: other } = await givenFirm(ctx);
    const { clientId } = await givenClient(ctx, admin);
    const { document } = await uploadDocument(ctx, admin, { clientId, folderPath: 'Tax', name: 'Return.pdf', size: 1, contentHash: hashOf(1), blobRef: 'b' });
    await removeDocument(ctx, admin, { documentId: document.documentId });
    const views = await ctx.views();
    expect(await views.documents.firmHoldsContent(admin.tenantId, hashOf(1))).toBe(true);
    expect(await views.documents.firmHoldsContent(other.tenantId, hashOf(1))).toBe(false);
    expect(await views.documents.firmHoldsContent(admin.tenantId, hashOf(2))).toBe(false);
  });
});
