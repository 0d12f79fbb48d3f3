import { z } from 'zod';
import { commandSchema } from '../core/validate.js';
import { documentNameInput } from './name.js';
import { folderPathInput } from './folder-path.js';

const id = z.string().min(1);
const content = { size: z.number().int().nonnegative(), contentHash: z.string().min(1), blobRef: z.string().min(1) };

/** A document uploaded in the portal: by the firm, or by a client contact into their upload area. */
export const uploadDocumentData = z.object({ documentId: id, clientId: id, folderPath: folderPathInput, name: documentNameInput, ...content });

export const uploadNewVersionData = z.object({ documentId: id, ...content });
export const renameDocumentData = z.object({ documentId: id, name: documentNameInput });
export const moveDocumentData = z.object({ documentId: id, folderPath: folderPathInput });
export const removeDocumentData = z.object({ documentId: id });

/**
 * One Graph delta entry for an item of the client's folder, turned into facts by the sync process.
 * `content` (fetched to blob storage) is needed when the item is new or its tag changed.
 */
export const syncedChange = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('upserted'),
    folderPath: folderPathInput,
    name: documentNameInput,
    cTag: z.string().min(1).optional(),
    eTag: z.string().min(1).optional(),
    content: z.object(content).optional(),
  }),
  z.object({ kind: z.literal('deleted') }),
]);

export const applySyncedChangeData = z.object({ documentId: id, clientId: id, driveItemId: id, change: syncedChange });

export const markForOneDriveSyncData = z.object({
  documentId: id,
  /** Fact from FolderLink: the client has a linked OneDrive folder. */
  folderLinked: z.boolean(),
});

export const recordOneDriveUploadSucceededData = z.object({
  documentId: id,
  driveItemId: id,
  cTag: z.string().min(1).optional(),
  eTag: z.string().min(1).optional(),
});

export const recordOneDriveUploadFailedData = z.object({ documentId: id, reason: z.string().min(1) });

/** A contact's download or view; `visibleToContact` is canSee(access, document), worked out by the application. */
export const recordDocumentAccessData = z.object({
  documentId: id,
  visibleToContact: z.boolean(),
  ipAddress: z.string().min(1).optional(),
  userAgent: z.string().min(1).optional(),
});

export const documentCommandSchema = z.discriminatedUnion('type', [
  commandSchema('UploadDocument', uploadDocumentData),
  commandSchema('UploadNewVersion', uploadNewVersionData),
  commandSchema('RenameDocument', renameDocumentData),
  commandSchema('MoveDocument', moveDocumentData),
  commandSchema('RemoveDocument', removeDocumentData),
  commandSchema('ApplySyncedChange', applySyncedChangeData),
  commandSchema('MarkForOneDriveSync', markForOneDriveSyncData),
  commandSchema('RecordOneDriveUploadSucceeded', recordOneDriveUploadSucceededData),
  commandSchema('RecordOneDriveUploadFailed', recordOneDriveUploadFailedData),
  commandSchema('RecordDocumentDownloaded', recordDocumentAccessData),
  commandSchema('RecordDocumentViewed', recordDocumentAccessData),
]);

export type DocumentCommand = z.input<typeof documentCommandSchema>;
