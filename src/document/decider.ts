/**
 * Document: one stream per document (streams.document(documentId)), whatever its origin: uploaded
 * by the firm, uploaded by a client contact, or synced from the client's OneDrive folder (the sync
 * process uses syncedDocumentId(clientId, driveItemId) for items it has not seen, and the document's
 * own id for items the portal uploaded, whose DocumentUploadedToOneDrive names the drive item).
 *
 * Process rules reacting to these events (application layer):
 * - DocumentAdded / DocumentVersionAdded with origin 'client_upload' → mail: tell the firm a client uploaded
 *   a document (no separate event: the origin says it).
 * - DocumentMarkedForOneDriveSync → OneDrive adapter uploads the blob into the client's folder, then
 *   RecordOneDriveUploadSucceeded { driveItemId, cTag, eTag } or RecordOneDriveUploadFailed { reason }.
 * Facts the commands carry: MarkForOneDriveSync.folderLinked (FolderLink), Record*.visibleToContact
 * (canSee over the contact's PortalAccess).
 */
import type { Decider, DecisionContext } from '../core/decider.js';
import type { Actor } from '../core/envelope.js';
import { DomainError, NotFoundError } from '../core/errors.js';
import { parseCommand } from '../core/validate.js';
import {
  applySyncedChangeData,
  markForOneDriveSyncData,
  moveDocumentData,
  recordDocumentAccessData,
  recordOneDriveUploadFailedData,
  recordOneDriveUploadSucceededData,
  removeDocumentData,
  renameDocumentData,
  uploadDocumentData,
  uploadNewVersionCommandData,
  type DocumentCommand,
} from './commands.js';
import type { DocumentEvent, DocumentOrigin } from './events.js';
import { decideMarkForSync, decideSyncedChange, decideUploadFailed, decideUploadSucceeded } from './onedrive.js';
import { evolveDocument, snapshot, type DocumentState, type ExistingDocument } from './state.js';
import { CLIENT_UPLOAD_FOLDER, isWithinFolder } from './folder-path.js';
import { requireNotProgram } from './name.js';

const notFound = () => new NotFoundError('document.not_found', 'This document does not exist.');
const removed = () => new DomainError('document.removed', 'This document was removed.');

function existing(state: DocumentState): ExistingDocument {
  if (state.status === 'none') throw notFound();
  return state;
}

function present(state: DocumentState): ExistingDocument & { status: 'present' } {
  const document = existing(state);
  if (document.status === 'removed') throw removed();
  return document as ExistingDocument & { status: 'present' };
}

/** A contact's documents go into their upload folder (or below it); throws 'document.outside_upload_area' else. */
export function requireUploadArea(folderPath: string): void {
  if (!isWithinFolder(folderPath, CLIENT_UPLOAD_FOLDER)) {
    throw new DomainError('document.outside_upload_area', `Your documents go into your ${CLIENT_UPLOAD_FOLDER} folder.`);
  }
}

/**
 * Throws what a new version of the document by `actor` is refused with, whatever its content: the
 * document was removed, or it is not theirs to change (a contact and the firm's file).
 */
export function requireVersionable(state: DocumentState, actor: Actor): void {
  changeOrigin(present(state), actor);
}

/**
 * Who may change a document: the firm always; a client contact only their own uploads, since
 * documents the firm shared can never be changed or deleted by the client. Returns the change's origin.
 */
function changeOrigin(state: ExistingDocument, actor: Actor): DocumentOrigin {
  if (actor.kind !== 'contact') return 'firm_upload';
  if (state.origin !== 'client_upload') {
    throw new DomainError('document.firm_file_protected', 'Documents shared by your firm cannot be changed or deleted.');
  }
  if (state.uploadedByContactId !== actor.contactId) {
    throw new DomainError('document.not_yours', 'Someone else uploaded this document: only they or your firm can change or delete it.');
  }
  return 'client_upload';
}

function firmOnly(actor: Actor): void {
  if (actor.kind === 'contact') throw new DomainError('document.firm_only', 'Only the firm can do this.');
}

function decide(command: DocumentCommand, state: DocumentState, ctx: DecisionContext): DocumentEvent[] {
  const now = ctx.now.toISOString();
  switch (command.type) {
    case 'UploadDocument': {
      const data = parseCommand(uploadDocumentData, command.data);
      if (state.status !== 'none') throw new DomainError('document.already_exists', 'This document already exists.');
      const byContact = ctx.actor.kind === 'contact' ? ctx.actor.contactId : null;
      if (byContact !== null) {
        requireUploadArea(data.folderPath);
        requireNotProgram(data.name);
      }
      const origin: DocumentOrigin = byContact !== null ? 'client_upload' : 'firm_upload';
      return [
        {
          type: 'DocumentAdded',
          data: { ...data, origin, driveItemId: null, contentTag: null, version: 1, uploadedByContactId: byContact, addedAt: now },
        },
      ];
    }
    case 'UploadNewVersion': {
      const data = parseCommand(uploadNewVersionCommandData, command.data);
      const document = present(state);
      const origin = changeOrigin(document, ctx.actor);
      if (data.contentHash === document.contentHash) return [];
      const { documentId: _id, folderLinked, ...content } = data;
      const events: DocumentEvent[] = [
        { type: 'DocumentVersionAdded', data: { ...snapshot(document, origin, content), version: document.version + 1, updatedAt: now } },
      ];
      // A document in OneDrive (uploaded there or synced from there) takes its new version there too.
      if (document.driveItemId !== null && folderLinked === true && document.oneDrive !== 'pending') {
        const { documentId, clientId, folderPath, name } = document;
        events.push({ type: 'DocumentMarkedForOneDriveSync', data: { documentId, clientId, folderPath, name, markedAt: now } });
      }
      return events;
    }
    case 'RenameDocument': {
      const data = parseCommand(renameDocumentData, command.data);
      const document = present(state);
      const origin = changeOrigin(document, ctx.actor);
      if (origin === 'client_upload') requireNotProgram(data.name);
      if (data.name === document.name) return [];
      return [{ type: 'DocumentRenamed', data: { ...snapshot(document, origin, { name: data.name }), previousName: document.name, renamedAt: now } }];
    }
    case 'MoveDocument': {
      const data = parseCommand(moveDocumentData, command.data);
      const document = present(state);
      const origin = changeOrigin(document, ctx.actor);
      if (origin === 'client_upload') requireUploadArea(data.folderPath);
      if (data.folderPath === document.folderPath) return [];
      const facts = snapshot(document, origin, { folderPath: data.folderPath });
      return [{ type: 'DocumentMoved', data: { ...facts, previousFolderPath: document.folderPath, movedAt: now } }];
    }
    case 'RemoveDocument': {
      parseCommand(removeDocumentData, command.data);
      const document = present(state);
      const origin = changeOrigin(document, ctx.actor);
      return [{ type: 'DocumentRemoved', data: { ...snapshot(document, origin), removedAt: now } }];
    }
    case 'ApplySyncedChange': {
      const data = parseCommand(applySyncedChangeData, command.data);
      firmOnly(ctx.actor);
      return decideSyncedChange(data, state, ctx);
    }
    case 'MarkForOneDriveSync': {
      const data = parseCommand(markForOneDriveSyncData, command.data);
      firmOnly(ctx.actor);
      return decideMarkForSync(data, existing(state), ctx);
    }
    case 'RecordOneDriveUploadSucceeded': {
      const data = parseCommand(recordOneDriveUploadSucceededData, command.data);
      firmOnly(ctx.actor);
      return decideUploadSucceeded(data, existing(state), ctx);
    }
    case 'RecordOneDriveUploadFailed': {
      const data = parseCommand(recordOneDriveUploadFailedData, command.data);
      firmOnly(ctx.actor);
      return decideUploadFailed(data, existing(state), ctx);
    }
    case 'RecordDocumentDownloaded':
    case 'RecordDocumentViewed': {
      const data = parseCommand(recordDocumentAccessData, command.data);
      if (ctx.actor.kind !== 'contact') {
        throw new DomainError('document.not_a_contact', "Only a client contact's downloads and views are recorded.");
      }
      const document = present(state);
      if (!data.visibleToContact) throw new DomainError('document.not_shared', 'This document is not shared with you.');
      const access = {
        documentId: document.documentId,
        clientId: document.clientId,
        contactId: ctx.actor.contactId,
        at: now,
        ipAddress: data.ipAddress ?? null,
        userAgent: data.userAgent ?? null,
      };
      return [{ type: command.type === 'RecordDocumentDownloaded' ? 'DocumentDownloaded' : 'DocumentViewed', data: access }];
    }
  }
}

export const documentDecider: Decider<DocumentCommand, DocumentEvent, DocumentState> = {
  initialState: { status: 'none' },
  decide,
  evolve: evolveDocument,
};
