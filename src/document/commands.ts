import { z } from 'zod';
import {
  contentHash,
  idOf,
  ipAddress,
  MAX_BLOB_REF_LENGTH,
  MAX_DOCUMENT_ID_LENGTH,
  MAX_DRIVE_ITEM_ID_LENGTH,
  MAX_FILE_BYTES,
  MAX_TAG_LENGTH,
  MAX_TEXT_LENGTH,
  multilineText,
  userAgent,
} from '../core/limits.js';
import { commandSchema } from '../core/validate.js';
import { documentNameInput } from './name.js';
import { folderPathInput } from './folder-path.js';

const id = idOf();
const documentId = idOf(MAX_DOCUMENT_ID_LENGTH);
const driveItemId = idOf(MAX_DRIVE_ITEM_ID_LENGTH);
const tag = idOf(MAX_TAG_LENGTH);
const content = { size: z.number().int().nonnegative().max(MAX_FILE_BYTES), contentHash, blobRef: idOf(MAX_BLOB_REF_LENGTH) };

/** A document uploaded in the portal: by the firm, or by a client contact into their upload area. */
export const uploadDocumentData = z.strictObject({ documentId, clientId: id, folderPath: folderPathInput, name: documentNameInput, ...content });

export const uploadNewVersionData = z.strictObject({ documentId, ...content });
/** The command adds a fact from FolderLink: whether the client's OneDrive folder is linked now. */
export const uploadNewVersionCommandData = uploadNewVersionData.extend({ folderLinked: z.boolean().optional() });
export const renameDocumentData = z.strictObject({ documentId, name: documentNameInput });
export const moveDocumentData = z.strictObject({ documentId, folderPath: folderPathInput });
export const removeDocumentData = z.strictObject({ documentId });

/**
 * One Graph delta entry for an item of the client's folder, turned into facts by the sync process.
 * `content` (fetched to blob storage) is needed when the item is new or its tag changed.
 */
export const syncedChange = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('upserted'),
    folderPath: folderPathInput,
    name: documentNameInput,
    cTag: tag.optional(),
    eTag: tag.optional(),
    content: z.strictObject(content).optional(),
  }),
  z.strictObject({ kind: z.literal('deleted') }),
]);

export const applySyncedChangeData = z.strictObject({ documentId, clientId: id, driveItemId, change: syncedChange });

export const markForOneDriveSyncData = z.strictObject({
  documentId,
  /** Fact from FolderLink: the client has a linked OneDrive folder. */
  folderLinked: z.boolean(),
});

export const recordOneDriveUploadSucceededData = z.strictObject({
  documentId,
  driveItemId,
  cTag: tag.optional(),
  eTag: tag.optional(),
  /** The place OneDrive would not take as it was, and the one the file was uploaded to instead. */
  sanitised: z.strictObject({ from: z.string().min(1).max(2000), to: z.string().min(1).max(2000) }).optional(),
});

export const recordOneDriveUploadFailedData = z.strictObject({ documentId, reason: multilineText(MAX_TEXT_LENGTH).min(1, 'cannot be empty') });

/** A contact's download or view; `visibleToContact` is canSee(access, document), worked out by the application. */
export const recordDocumentAccessData = z.strictObject({
  documentId,
  visibleToContact: z.boolean(),
  ipAddress: ipAddress.optional(),
  userAgent: userAgent.optional(),
});

export const documentCommandSchema = z.discriminatedUnion('type', [
  commandSchema('UploadDocument', uploadDocumentData),
  commandSchema('UploadNewVersion', uploadNewVersionCommandData),
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
