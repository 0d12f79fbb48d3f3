import { z } from 'zod';
import { defineEvent, personal, type EventsOf } from '../core/events.js';

/** Where a change to a document came from: the OneDrive sync, the firm, or a client contact. */
export const documentOrigins = ['onedrive_sync', 'firm_upload', 'client_upload'] as const;
export type DocumentOrigin = (typeof documentOrigins)[number];

const at = z.iso.datetime();
const id = z.string().min(1);

/** The document as it stands after the change: every content event carries the whole picture. */
const file = {
  documentId: id,
  clientId: id,
  origin: z.enum(documentOrigins),
  folderPath: personal(z.string()),
  name: personal(z.string().min(1)),
  size: z.number().int().nonnegative(),
  contentHash: z.string().min(1),
  blobRef: z.string().min(1),
  /** The OneDrive item, for documents that came from or went to the client's folder. */
  driveItemId: z.string().min(1).nullable(),
  /** cTag (else eTag) of that item's content: the same tag twice means nothing changed. */
  contentTag: z.string().min(1).nullable(),
};
const fileNames = { subject: 'clientId', fields: ['folderPath', 'name'] } as const;

/** A new document. A client upload (origin client_upload) also tells the firm: the mail process reacts to it. */
export const documentAdded = defineEvent({
  type: 'DocumentAdded',
  version: 1,
  schema: z.object({ ...file, version: z.number().int().positive(), uploadedByContactId: id.nullable(), addedAt: at }),
  personal: [fileNames],
});

export const documentVersionAdded = defineEvent({
  type: 'DocumentVersionAdded',
  version: 1,
  schema: z.object({ ...file, version: z.number().int().positive(), updatedAt: at }),
  personal: [fileNames],
});

export const documentRenamed = defineEvent({
  type: 'DocumentRenamed',
  version: 1,
  schema: z.object({ ...file, previousName: personal(z.string().min(1)), renamedAt: at }),
  personal: [{ subject: 'clientId', fields: ['folderPath', 'name', 'previousName'] }],
});

export const documentMoved = defineEvent({
  type: 'DocumentMoved',
  version: 1,
  schema: z.object({ ...file, previousFolderPath: personal(z.string()), movedAt: at }),
  personal: [{ subject: 'clientId', fields: ['folderPath', 'name', 'previousFolderPath'] }],
});

export const documentRemoved = defineEvent({
  type: 'DocumentRemoved',
  version: 1,
  schema: z.object({ ...file, removedAt: at }),
  personal: [fileNames],
});

/** The firm chose "Sync": the document is to be uploaded to the client's OneDrive folder. */
export const documentMarkedForOneDriveSync = defineEvent({
  type: 'DocumentMarkedForOneDriveSync',
  version: 1,
  schema: z.object({ documentId: id, clientId: id, folderPath: personal(z.string()), name: personal(z.string().min(1)), markedAt: at }),
  personal: [fileNames],
});

/** The upload landed; its item and tag make the echo in the next delta a no-op. */
export const documentUploadedToOneDrive = defineEvent({
  type: 'DocumentUploadedToOneDrive',
  version: 1,
  schema: z.object({
    documentId: id,
    clientId: id,
    driveItemId: id,
    contentTag: id,
    /** OneDrive forbids part of the document's place: the path it had and the one it was uploaded to. */
    sanitisedFrom: personal(z.string().min(1)).optional(),
    sanitisedTo: personal(z.string().min(1)).optional(),
    uploadedAt: at,
  }),
  personal: [{ subject: 'clientId', fields: ['sanitisedFrom', 'sanitisedTo'] }],
});

export const documentOneDriveUploadFailed = defineEvent({
  type: 'DocumentOneDriveUploadFailed',
  version: 1,
  /** Free text from Graph may quote the file name, so it is treated as personal. */
  schema: z.object({ documentId: id, clientId: id, reason: personal(z.string().min(1)), failedAt: at }),
  personal: [{ subject: 'clientId', fields: ['reason'] }],
});

/**
 * The document changed both in the portal and in OneDrive since they were last level. Neither side
 * is overwritten: OneDrive's content becomes the next version (the DocumentVersionAdded after this),
 * and the portal's version named here is uploaded beside it in the client's folder as `conflictName`.
 */
export const documentSyncConflictRecorded = defineEvent({
  type: 'DocumentSyncConflictRecorded',
  version: 1,
  schema: z.object({
    documentId: id,
    clientId: id,
    driveItemId: id,
    folderPath: personal(z.string()),
    name: personal(z.string().min(1)),
    conflictName: personal(z.string().min(1)),
    /** The portal's version kept beside OneDrive's. */
    portalVersion: z.number().int().positive(),
    size: z.number().int().nonnegative(),
    contentHash: z.string().min(1),
    blobRef: z.string().min(1),
    /** The tag of OneDrive's content that met it. */
    oneDriveContentTag: z.string().min(1).nullable(),
    /** OneDrive deleted the item the portal had changed: the portal's version is kept, nothing uploaded beside. */
    oneDriveDeleted: z.literal(true).optional(),
    detectedAt: at,
  }),
  personal: [{ subject: 'clientId', fields: ['folderPath', 'name', 'conflictName'] }],
});

const access = {
  documentId: id,
  clientId: id,
  contactId: id,
  at,
  ipAddress: personal(z.string().min(1)).nullable(),
  userAgent: personal(z.string().min(1)).nullable(),
};
const accessPersonal = [{ subject: 'contactId', fields: ['ipAddress', 'userAgent'] }] as const;

/** A client contact downloaded the document (per-document audit trail). */
export const documentDownloaded = defineEvent({ type: 'DocumentDownloaded', version: 1, schema: z.object(access), personal: accessPersonal });

/** A client contact opened the document in the portal's viewer. */
export const documentViewed = defineEvent({ type: 'DocumentViewed', version: 1, schema: z.object(access), personal: accessPersonal });

export const documentEvents = [
  documentAdded,
  documentVersionAdded,
  documentRenamed,
  documentMoved,
  documentRemoved,
  documentMarkedForOneDriveSync,
  documentUploadedToOneDrive,
  documentOneDriveUploadFailed,
  documentSyncConflictRecorded,
  documentDownloaded,
  documentViewed,
] as const;
export type DocumentEvent = EventsOf<typeof documentEvents>;
