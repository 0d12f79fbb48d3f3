import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/envelope.js';
import { documentDecider } from '../../src/document/decider.js';
import type { DocumentEvent } from '../../src/document/events.js';
import { syncedDocumentId } from '../../src/document/onedrive.js';
import { spec } from '../support/decider-spec.js';
import {
  clientId,
  contact,
  documentAdded,
  driveItemId,
  markedForSync,
  markForSync,
  moved,
  removed,
  renamed,
  staff,
  syncedAdded,
  syncedDelete,
  syncedFacts,
  syncedId,
  syncedUpsert,
  syncProcess,
  uploadedToOneDrive,
  uploadFailed,
  uploadNewVersion,
  uploadSucceeded,
  uploadToOneDriveFailed,
  versionAdded,
  documentId,
} from './builders.js';
import { hashOf } from '../support/content-hash.js';

const as = (actor: Actor) => ({ given: (...history: DocumentEvent[]) => spec(documentDecider, { actor }).given(...history) });
const sync = as(syncProcess);
const firm = as(staff);

describe('synced document ids', () => {
  it('gives the same id for the same client and drive item', () => {
    expect(syncedDocumentId(clientId, driveItemId)).toBe(syncedDocumentId(clientId, driveItemId));
  });

  it('tells apart pairs that would read the same once joined', () => {
    expect(syncedDocumentId('a:b', 'c')).not.toBe(syncedDocumentId('a', 'b:c'));
    expect(syncedDocumentId('client-1', 'x')).not.toBe(syncedDocumentId('client-2', 'x'));
  });
});

describe('applying OneDrive changes', () => {
  it('adds a new OneDrive file with its drive item and cTag', () => {
    sync.given().when(syncedUpsert()).then(syncedAdded());
  });

  it('does nothing when the same change is applied twice', () => {
    sync.given(syncedAdded()).when(syncedUpsert()).then();
  });

  it('renames only, when the name changed and the cTag did not', () => {
    sync.given(syncedAdded()).when(syncedUpsert({ name: 'Return 2024 v2.pdf', content: undefined })).then(renamed('Return 2024 v2.pdf', 'Return 2024.pdf', syncedFacts));
  });

  it('moves only, when the parent changed and the cTag did not', () => {
    sync.given(syncedAdded()).when(syncedUpsert({ folderPath: 'Tax/2024', content: undefined })).then(moved('Tax/2024', 'Tax', syncedFacts));
  });

  it('adds a new version when the cTag changed', () => {
    sync
      .given(syncedAdded())
      .when(syncedUpsert({ cTag: 'ctag-2', content: { size: 2000, contentHash: hashOf(2), blobRef: 'blob-2' } }))
      .then(versionAdded({ ...syncedFacts, contentTag: 'ctag-2' }));
  });

  it('falls back to the eTag, and a rename moving the eTag adds no version', () => {
    sync
      .given(syncedAdded({ contentTag: 'etag-1' }))
      .when(syncedUpsert({ cTag: undefined, eTag: 'etag-2', name: 'Renamed.pdf' }))
      .then(renamed('Renamed.pdf', 'Return 2024.pdf', { ...syncedFacts, contentTag: 'etag-2' }));
  });

  it('refuses a changed tag whose content was not fetched', () => {
    sync.given(syncedAdded()).when(syncedUpsert({ cTag: 'ctag-2', content: undefined })).thenThrows('document.sync_content_missing');
  });

  it('removes a file deleted in OneDrive', () => {
    sync.given(syncedAdded()).when(syncedDelete()).then(removed(syncedFacts));
  });

  it('does nothing when the deletion is applied twice', () => {
    sync.given(syncedAdded(), removed(syncedFacts)).when(syncedDelete()).then();
  });

  it('does nothing for the deletion of a file never synced', () => {
    sync.given().when(syncedDelete()).then();
  });

  it('adds a file again when it comes back after a deletion', () => {
    sync.given(syncedAdded(), removed(syncedFacts)).when(syncedUpsert()).then(documentAdded(syncedFacts, { version: 2 }));
  });

  it('refuses a change about another drive item', () => {
    sync.given(syncedAdded()).when(syncedUpsert({}, { driveItemId: 'ABCDEF1234567890!999' })).thenThrows('document.drive_item_mismatch');
  });

  it('refuses a change from a client contact', () => {
    as(contact).given().when(syncedUpsert()).thenThrows('document.firm_only');
  });
});

describe('syncing a portal document to OneDrive', () => {
  it('marks the document for upload to the client’s folder', () => {
    firm.given(documentAdded()).when(markForSync()).then(markedForSync());
  });

  it('refuses when the client has no linked folder', () => {
    firm.given(documentAdded()).when(markForSync(false)).thenThrows('document.folder_not_linked');
  });

  it('does nothing when the document is already waiting for upload', () => {
    firm.given(documentAdded(), markedForSync()).when(markForSync()).then();
  });

  it('refuses a document that came from OneDrive', () => {
    firm.given(syncedAdded()).when(markForSync(true, syncedId)).thenThrows('document.already_in_onedrive');
  });

  it('refuses a removed document', () => {
    firm.given(documentAdded(), removed()).when(markForSync()).thenThrows('document.removed');
  });

  it('refuses a name OneDrive does not allow', () => {
    firm.given(documentAdded({ name: 'Q1: summary.pdf' })).when(markForSync()).thenThrows('document.name_not_allowed_in_onedrive');
  });

  it('refuses a client contact asking for the sync', () => {
    as(contact).given(documentAdded()).when(markForSync()).thenThrows('document.firm_only');
  });

  it('records the upload with the drive item and its cTag', () => {
    sync.given(documentAdded(), markedForSync()).when(uploadSucceeded()).then(uploadedToOneDrive());
  });

  it('records the eTag when the upload returned no cTag', () => {
    sync.given(documentAdded(), markedForSync()).when(uploadSucceeded({ cTag: undefined, eTag: 'etag-up' })).then(uploadedToOneDrive('etag-up'));
  });

  it('refuses an upload result carrying neither a cTag nor an eTag', () => {
    sync
      .given(documentAdded(), markedForSync())
      .when(uploadSucceeded({ cTag: undefined, eTag: undefined }))
      .thenThrows('document.upload_tag_missing');
  });

  it('does nothing when the same upload result is recorded twice', () => {
    sync.given(documentAdded(), markedForSync(), uploadedToOneDrive()).when(uploadSucceeded()).then();
  });

  it('makes the echo of its own upload in the next delta a no-op', () => {
    sync
      .given(documentAdded(), markedForSync(), uploadedToOneDrive())
      .when(syncedUpsert({ cTag: 'ctag-up', content: undefined }, { documentId }))
      .then();
  });

  it('refuses an upload result for a document not marked for sync', () => {
    sync.given(documentAdded()).when(uploadSucceeded()).thenThrows('document.not_marked_for_sync');
  });

  it('records a failed upload with its reason', () => {
    sync.given(documentAdded(), markedForSync()).when(uploadFailed()).then(uploadToOneDriveFailed());
  });

  it('refuses a failure for a document not marked for sync', () => {
    sync.given(documentAdded()).when(uploadFailed()).thenThrows('document.not_marked_for_sync');
  });

  it('can be marked again after a failed upload', () => {
    firm.given(documentAdded(), markedForSync(), uploadToOneDriveFailed()).when(markForSync()).then(markedForSync());
  });

  it('can be marked again after a new version was uploaded in the portal', () => {
    firm
      .given(documentAdded(), markedForSync(), uploadedToOneDrive(), versionAdded({ driveItemId, contentTag: 'ctag-up' }))
      .when(markForSync())
      .then(markedForSync());
  });

  it('refuses a document already uploaded and unchanged since', () => {
    firm.given(documentAdded(), markedForSync(), uploadedToOneDrive()).when(markForSync()).thenThrows('document.already_in_onedrive');
  });

  it('refuses a new version from OneDrive for a portal document not uploaded yet', () => {
    sync.given(documentAdded()).when(syncedUpsert({}, { documentId })).thenThrows('document.drive_item_mismatch');
  });

});

describe('a new portal version of a document in OneDrive', () => {
  const inOneDrive = { driveItemId, contentTag: 'ctag-up' };

  it('is marked for upload as a replacement when the document was uploaded to OneDrive', () => {
    firm
      .given(documentAdded(), markedForSync(), uploadedToOneDrive())
      .when(uploadNewVersion({ folderLinked: true }))
      .then(versionAdded(inOneDrive), markedForSync());
  });

  it('is marked for upload when the document came from OneDrive', () => {
    firm
      .given(syncedAdded())
      .when(uploadNewVersion({ documentId: syncedId, folderLinked: true }))
      .then(versionAdded({ ...syncedFacts, origin: 'firm_upload' }), markedForSync({ ...syncedFacts }));
  });

  it('is not marked when the folder is no longer linked, nor when the document never was in OneDrive', () => {
    firm.given(documentAdded(), markedForSync(), uploadedToOneDrive()).when(uploadNewVersion({ folderLinked: false })).then(versionAdded(inOneDrive));
    firm.given(documentAdded()).when(uploadNewVersion({ folderLinked: true })).then(versionAdded());
  });

  it('is not marked twice while an upload is waiting', () => {
    firm
      .given(syncedAdded(), versionAdded({ ...syncedFacts, origin: 'firm_upload' }), markedForSync({ ...syncedFacts }))
      .when(uploadNewVersion({ documentId: syncedId, contentHash: hashOf(3), folderLinked: true }))
      .then(versionAdded({ ...syncedFacts, origin: 'firm_upload', contentHash: hashOf(3) }, 3));
  });
});

describe('a document changed on both sides since the last sync', () => {
  const portalVersion = versionAdded({ ...syncedFacts, origin: 'firm_upload' });
  const oneDriveChange = syncedUpsert({ cTag: 'ctag-3', content: { size: 3000, contentHash: hashOf(3), blobRef: 'blob-3' } });
  const oneDriveVersion = (version = 3) => versionAdded({ ...syncedFacts, contentTag: 'ctag-3', size: 3000, contentHash: hashOf(3), blobRef: 'blob-3' }, version);
  const conflict = (data: Partial<Extract<DocumentEvent, { type: 'DocumentSyncConflictRecorded' }>['data']> = {}): DocumentEvent => ({
    type: 'DocumentSyncConflictRecorded',
    data: {
      documentId: syncedId,
      clientId,
      driveItemId,
      folderPath: 'Tax',
      name: 'Return 2024.pdf',
      conflictName: 'Return 2024 (portal copy 2026-01-15).pdf',
      portalVersion: 2,
      size: 2000,
      contentHash: hashOf(2),
      blobRef: 'blob-2',
      oneDriveContentTag: 'ctag-3',
      detectedAt: '2026-01-15T09:00:00.000Z',
      ...data,
    },
  });

  it("records a conflict naming the portal's version and keeps OneDrive's as the next version", () => {
    sync.given(syncedAdded(), portalVersion).when(oneDriveChange).then(conflict(), oneDriveVersion());
  });

  it('does the same for a portal document uploaded to OneDrive and changed in both places since', () => {
    const uploaded = [documentAdded(), markedForSync(), uploadedToOneDrive(), versionAdded({ driveItemId, contentTag: 'ctag-up' })];
    sync
      .given(...uploaded)
      .when(syncedUpsert({ cTag: 'ctag-3', content: { size: 3000, contentHash: hashOf(3), blobRef: 'blob-3' } }, { documentId }))
      .then((events) => {
        expect(events.map((e) => e.type)).toEqual(['DocumentSyncConflictRecorded', 'DocumentVersionAdded']);
        expect(events[0]!.data).toMatchObject({ documentId, portalVersion: 2, contentHash: hashOf(2), blobRef: 'blob-2' });
      });
  });

  it('is no conflict when the portal only renamed the document', () => {
    sync
      .given(syncedAdded(), renamed('Renamed.pdf', 'Return 2024.pdf', { ...syncedFacts, origin: 'firm_upload' }))
      .when(syncedUpsert({ name: 'Renamed.pdf', cTag: 'ctag-3', content: { size: 3000, contentHash: hashOf(3), blobRef: 'blob-3' } }))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['DocumentVersionAdded']));
  });

  it('is no conflict when both sides hold the same content', () => {
    sync
      .given(syncedAdded(), portalVersion)
      .when(syncedUpsert({ cTag: 'ctag-3', content: { size: 2000, contentHash: hashOf(2), blobRef: 'blob-2' } }))
      .then();
  });

  it('decides nothing when the conflicting change is applied again, and no conflict for the next OneDrive change', () => {
    sync.given(syncedAdded(), portalVersion, conflict(), oneDriveVersion()).when(oneDriveChange).then();
    sync
      .given(syncedAdded(), portalVersion, conflict(), oneDriveVersion())
      .when(syncedUpsert({ cTag: 'ctag-4', content: { size: 4000, contentHash: hashOf(4), blobRef: 'blob-4' } }))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['DocumentVersionAdded']));
  });

  it('refuses to mark for sync a document in a folder OneDrive would refuse', () => {
    firm.given(documentAdded({ folderPath: 'Tax|2024' })).when(markForSync()).thenThrows('document.name_not_allowed_in_onedrive');
  });
});

