import type { DecisionContext } from '../core/decider.js';
import { DomainError } from '../core/errors.js';
import type { Reservation } from '../core/reservation.js';
import type { z } from 'zod';
import type {
  applySyncedChangeData,
  markForOneDriveSyncData,
  recordOneDriveUploadFailedData,
  recordOneDriveUploadSucceededData,
} from './commands.js';
import type { DocumentEvent } from './events.js';
import { conflictCopyName, oneDriveNameProblem, oneDrivePathProblem } from './name.js';
import { snapshot, type DocumentState, type ExistingDocument } from './state.js';

/**
 * The document id of a OneDrive item synced into a client's space: the same for every sync, so a
 * change applied twice lands on the same stream. ':' is always percent-encoded by
 * encodeURIComponent, so distinct (client, item) pairs never share an id.
 */
export function syncedDocumentId(clientId: string, driveItemId: string): string {
  return `onedrive:${encodeURIComponent(clientId)}:${encodeURIComponent(driveItemId)}`;
}

/**
 * A drive item the portal uploaded belongs to the document it came from: recordOneDriveUpload
 * reserves the item's synced id for that document, so every later change of the item (an edit, a
 * rename, a move, a deletion) lands on the original instead of a copy under syncedDocumentId.
 */
export function driveItemReservation(clientId: string, driveItemId: string, documentId: string): Reservation {
  return { kind: DRIVE_ITEM_RESERVATION, key: syncedDocumentId(clientId, driveItemId), ownerId: documentId };
}

export const DRIVE_ITEM_RESERVATION = 'onedrive-item';

const contentMissing = () =>
  new DomainError('document.sync_content_missing', 'The synced change has new content but the content was not fetched.');

/**
 * Applies one Graph change idempotently: a known tag changes nothing but name or place; the same
 * change applied twice decides nothing the second time.
 */
export function decideSyncedChange(
  data: z.output<typeof applySyncedChangeData>,
  state: DocumentState,
  ctx: DecisionContext,
): DocumentEvent[] {
  const now = ctx.now.toISOString();
  const { documentId, clientId, driveItemId, change } = data;
  // The item's deletion already met a portal change and the portal's version was kept: nothing more.
  if (change.kind === 'deleted' && state.status !== 'none' && state.driveItemId === null && state.lastSyncConflict?.oneDriveDeleted) return [];
  if (state.status !== 'none' && state.driveItemId !== driveItemId) {
    throw new DomainError('document.drive_item_mismatch', 'This document is not the OneDrive item the change is about.');
  }
  if (change.kind === 'deleted') {
    if (state.status !== 'present') return [];
    // Changed in the portal since it was last level with OneDrive: the portal's version is kept, the conflict recorded.
    if (state.oneDriveContentHash !== null && state.contentHash !== state.oneDriveContentHash) {
      const { folderPath, name, size, contentHash, blobRef, version } = state;
      const conflict = { documentId, clientId, driveItemId, folderPath, name, conflictName: name, portalVersion: version, size, contentHash, blobRef };
      return [{ type: 'DocumentSyncConflictRecorded', data: { ...conflict, oneDriveContentTag: null, oneDriveDeleted: true, detectedAt: now } }];
    }
    return [{ type: 'DocumentRemoved', data: { ...snapshot(state, 'onedrive_sync'), removedAt: now } }];
  }
  const contentTag = change.cTag ?? change.eTag ?? null;
  if (state.status !== 'present') {
    if (!change.content) throw contentMissing();
    const version = state.status === 'removed' ? state.version + 1 : 1;
    const facts = { documentId, clientId, origin: 'onedrive_sync' as const, folderPath: change.folderPath, name: change.name, ...change.content, driveItemId, contentTag };
    return [{ type: 'DocumentAdded', data: { ...facts, version, uploadedByContactId: null, addedAt: now } }];
  }
  const events: DocumentEvent[] = [];
  // Without any tag only the content hash can tell.
  const tagChanged = contentTag === null || contentTag !== state.contentTag;
  const contentChanged = tagChanged && change.content?.contentHash !== state.contentHash;
  if (contentChanged && !change.content) throw contentMissing();
  // A new tag with unchanged content (eTag moves with renames) is recorded with the rename or move, if any.
  let current: ExistingDocument = { ...state, contentTag: tagChanged && !contentChanged ? contentTag : state.contentTag };
  if (change.name !== state.name) {
    const facts = snapshot(current, 'onedrive_sync', { name: change.name });
    events.push({ type: 'DocumentRenamed', data: { ...facts, previousName: state.name, renamedAt: now } });
    current = { ...current, name: change.name };
  }
  if (change.folderPath !== state.folderPath) {
    const facts = snapshot(current, 'onedrive_sync', { folderPath: change.folderPath });
    events.push({ type: 'DocumentMoved', data: { ...facts, previousFolderPath: state.folderPath, movedAt: now } });
    current = { ...current, folderPath: change.folderPath };
  }
  // The portal's content changed since it was last level with OneDrive: keep both, say so.
  const portalChanged = state.oneDriveContentHash !== null && state.contentHash !== state.oneDriveContentHash;
  if (contentChanged && change.content && portalChanged && change.content.contentHash !== state.contentHash) {
    events.push({
      type: 'DocumentSyncConflictRecorded',
      data: {
        documentId,
        clientId,
        driveItemId,
        folderPath: current.folderPath,
        name: current.name,
        conflictName: conflictCopyName(state.name, ctx.now),
        portalVersion: state.version,
        size: state.size,
        contentHash: state.contentHash,
        blobRef: state.blobRef,
        oneDriveContentTag: contentTag,
        detectedAt: now,
      },
    });
  }
  if (contentChanged && change.content) {
    const facts = snapshot(current, 'onedrive_sync', { ...change.content, contentTag });
    events.push({ type: 'DocumentVersionAdded', data: { ...facts, version: state.version + 1, updatedAt: now } });
  }
  return events;
}

/** "Sync": the firm asks for the portal document to be uploaded to the client's OneDrive folder. */
export function decideMarkForSync(data: z.output<typeof markForOneDriveSyncData>, state: ExistingDocument, ctx: DecisionContext): DocumentEvent[] {
  if (state.status === 'removed') throw new DomainError('document.removed', 'This document was removed.');
  if (!data.folderLinked) {
    throw new DomainError('document.folder_not_linked', "This client has no linked OneDrive folder. Link the client's folder first.");
  }
  if (state.oneDrive === 'in_sync') {
    throw new DomainError('document.already_in_onedrive', "This document is already in the client's OneDrive folder.");
  }
  if (state.oneDrive === 'pending') return [];
  const problem = oneDriveNameProblem(state.name) ?? oneDrivePathProblem(state.folderPath, state.name);
  if (problem) throw new DomainError('document.name_not_allowed_in_onedrive', `${problem} Rename the document first.`);
  const { documentId, clientId, folderPath, name } = state;
  return [{ type: 'DocumentMarkedForOneDriveSync', data: { documentId, clientId, folderPath, name, markedAt: ctx.now.toISOString() } }];
}

const notMarked = () =>
  new DomainError('document.not_marked_for_sync', 'This document is not waiting to be uploaded to OneDrive.');

export function decideUploadSucceeded(
  data: z.output<typeof recordOneDriveUploadSucceededData>,
  state: ExistingDocument,
  ctx: DecisionContext,
): DocumentEvent[] {
  const contentTag = data.cTag ?? data.eTag;
  if (contentTag === undefined) {
    throw new DomainError('document.upload_tag_missing', 'The OneDrive upload result carries neither a cTag nor an eTag.');
  }
  // The same result reported twice (a retried process step) changes nothing.
  if (state.oneDrive === 'in_sync' && state.driveItemId === data.driveItemId && state.contentTag === contentTag) return [];
  if (state.oneDrive !== 'pending') throw notMarked();
  const { documentId, clientId } = state;
  const sanitised = data.sanitised ? { sanitisedFrom: data.sanitised.from, sanitisedTo: data.sanitised.to } : {};
  return [{ type: 'DocumentUploadedToOneDrive', data: { documentId, clientId, driveItemId: data.driveItemId, contentTag, ...sanitised, uploadedAt: ctx.now.toISOString() } }];
}

export function decideUploadFailed(
  data: z.output<typeof recordOneDriveUploadFailedData>,
  state: ExistingDocument,
  ctx: DecisionContext,
): DocumentEvent[] {
  if (state.oneDrive !== 'pending') throw notMarked();
  const { documentId, clientId } = state;
  return [{ type: 'DocumentOneDriveUploadFailed', data: { documentId, clientId, reason: data.reason, failedAt: ctx.now.toISOString() } }];
}
