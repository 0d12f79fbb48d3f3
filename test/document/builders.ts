import type { Actor } from '../../src/core/envelope.js';
import type { DocumentCommand } from '../../src/document/commands.js';
import type { DocumentEvent, DocumentOrigin } from '../../src/document/events.js';
import { syncedDocumentId } from '../../src/document/onedrive.js';
import { testContext } from '../support/decider-spec.js';
import { hashOf } from '../support/content-hash.js';

export const clientId = 'client-1';
export const documentId = 'doc-1';
export const at = testContext().now.toISOString();
export const driveItemId = 'ABCDEF1234567890!201';
export const syncedId = syncedDocumentId(clientId, driveItemId);

export const staff: Actor = { kind: 'staff', userId: 'user-1' };
export const contact: Actor = { kind: 'contact', contactId: 'contact-1' };
export const otherContact: Actor = { kind: 'contact', contactId: 'contact-2' };
export const syncProcess: Actor = { kind: 'system', name: 'onedrive-sync' };

type Cmd<T extends DocumentCommand['type']> = Extract<DocumentCommand, { type: T }>['data'];
type Ev<T extends DocumentEvent['type']> = Extract<DocumentEvent, { type: T }>['data'];
type Facts = Omit<Ev<'DocumentRemoved'>, 'removedAt'>;

/** A firm-uploaded tax return: the base every file fact below starts from. */
const returnPdf: Facts = {
  documentId,
  clientId,
  origin: 'firm_upload',
  folderPath: 'Tax',
  name: 'Return 2024.pdf',
  size: 1000,
  contentHash: hashOf(1),
  blobRef: 'blob-1',
  driveItemId: null,
  contentTag: null,
};
export const syncedFacts: Partial<Facts> = { documentId: syncedId, origin: 'onedrive_sync', driveItemId, contentTag: 'ctag-1' };
export const clientUploadFacts: Partial<Facts> = { origin: 'client_upload', folderPath: 'Uploads', name: 'Payslip.pdf' };

// Commands
export function uploadDocument(data: Partial<Cmd<'UploadDocument'>> = {}): DocumentCommand {
  const { documentId: id, clientId: client, folderPath, name, size, contentHash, blobRef } = returnPdf;
  return { type: 'UploadDocument', data: { documentId: id, clientId: client, folderPath, name, size, contentHash, blobRef, ...data } };
}
export const uploadNewVersion = (data: Partial<Cmd<'UploadNewVersion'>> = {}): DocumentCommand => ({
  type: 'UploadNewVersion',
  data: { documentId, size: 2000, contentHash: hashOf(2), blobRef: 'blob-2', ...data },
});
export const renameDocument = (name: string, id = documentId): DocumentCommand => ({ type: 'RenameDocument', data: { documentId: id, name } });
export const moveDocument = (folderPath: string, id = documentId): DocumentCommand => ({ type: 'MoveDocument', data: { documentId: id, folderPath } });
export const removeDocument = (id = documentId): DocumentCommand => ({ type: 'RemoveDocument', data: { documentId: id } });
export function syncedUpsert(change: Partial<Extract<Cmd<'ApplySyncedChange'>['change'], { kind: 'upserted' }>> = {}, data: Partial<Cmd<'ApplySyncedChange'>> = {}): DocumentCommand {
  return {
    type: 'ApplySyncedChange',
    data: {
      documentId: syncedId,
      clientId,
      driveItemId,
      change: { kind: 'upserted', folderPath: 'Tax', name: 'Return 2024.pdf', cTag: 'ctag-1', content: { size: 1000, contentHash: hashOf(1), blobRef: 'blob-1' }, ...change },
      ...data,
    },
  };
}
export const syncedDelete = (data: Partial<Cmd<'ApplySyncedChange'>> = {}): DocumentCommand => ({
  type: 'ApplySyncedChange',
  data: { documentId: syncedId, clientId, driveItemId, change: { kind: 'deleted' }, ...data },
});
export const markForSync = (folderLinked = true, id = documentId): DocumentCommand => ({ type: 'MarkForOneDriveSync', data: { documentId: id, folderLinked } });
export const uploadSucceeded = (data: Partial<Cmd<'RecordOneDriveUploadSucceeded'>> = {}): DocumentCommand => ({
  type: 'RecordOneDriveUploadSucceeded',
  data: { documentId, driveItemId, cTag: 'ctag-up', ...data },
});
export const uploadFailed = (reason = 'Insufficient storage (507)'): DocumentCommand => ({ type: 'RecordOneDriveUploadFailed', data: { documentId, reason } });
export function recordDownload(data: Partial<Cmd<'RecordDocumentDownloaded'>> = {}): DocumentCommand {
  return { type: 'RecordDocumentDownloaded', data: { documentId, visibleToContact: true, ...data } };
}
export function recordView(data: Partial<Cmd<'RecordDocumentViewed'>> = {}): DocumentCommand {
  return { type: 'RecordDocumentViewed', data: { documentId, visibleToContact: true, ...data } };
}

// Events
export function documentAdded(facts: Partial<Facts> = {}, extra: Partial<Ev<'DocumentAdded'>> = {}): DocumentEvent {
  const uploadedByContactId = facts.origin === 'client_upload' ? 'contact-1' : null;
  return { type: 'DocumentAdded', data: { ...returnPdf, ...facts, version: 1, uploadedByContactId, addedAt: at, ...extra } };
}
export const clientUploaded = (facts: Partial<Facts> = {}) => documentAdded({ ...clientUploadFacts, ...facts });
export const syncedAdded = (facts: Partial<Facts> = {}) => documentAdded({ ...syncedFacts, ...facts });

export function versionAdded(facts: Partial<Facts> = {}, version = 2): DocumentEvent {
  return { type: 'DocumentVersionAdded', data: { ...returnPdf, size: 2000, contentHash: hashOf(2), blobRef: 'blob-2', ...facts, version, updatedAt: at } };
}
export function renamed(name: string, previousName: string, facts: Partial<Facts> = {}): DocumentEvent {
  return { type: 'DocumentRenamed', data: { ...returnPdf, ...facts, name, previousName, renamedAt: at } };
}
export function moved(folderPath: string, previousFolderPath: string, facts: Partial<Facts> = {}): DocumentEvent {
  return { type: 'DocumentMoved', data: { ...returnPdf, ...facts, folderPath, previousFolderPath, movedAt: at } };
}
export function removed(facts: Partial<Facts> = {}): DocumentEvent {
  return { type: 'DocumentRemoved', data: { ...returnPdf, ...facts, removedAt: at } };
}
export function markedForSync(facts: Partial<Facts> = {}): DocumentEvent {
  const { documentId: id, clientId: client, folderPath, name } = { ...returnPdf, ...facts };
  return { type: 'DocumentMarkedForOneDriveSync', data: { documentId: id, clientId: client, folderPath, name, markedAt: at } };
}
export const uploadedToOneDrive = (contentTag = 'ctag-up'): DocumentEvent => ({
  type: 'DocumentUploadedToOneDrive',
  data: { documentId, clientId, driveItemId, contentTag, uploadedAt: at },
});
export const uploadToOneDriveFailed = (reason = 'Insufficient storage (507)'): DocumentEvent => ({
  type: 'DocumentOneDriveUploadFailed',
  data: { documentId, clientId, reason, failedAt: at },
});
export function downloaded(data: Partial<Ev<'DocumentDownloaded'>> = {}): DocumentEvent {
  return { type: 'DocumentDownloaded', data: { documentId, clientId, contactId: 'contact-1', at, ipAddress: null, userAgent: null, ...data } };
}
export function viewed(data: Partial<Ev<'DocumentViewed'>> = {}): DocumentEvent {
  return { type: 'DocumentViewed', data: { documentId, clientId, contactId: 'contact-1', at, ipAddress: null, userAgent: null, ...data } };
}
export type { DocumentOrigin };
