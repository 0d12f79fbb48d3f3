import { z } from 'zod';
import { idOf, MAX_DRIVE_ITEM_ID_LENGTH, MAX_FILE_NAME_LENGTH, MAX_LABEL_LENGTH, MAX_TEXT_LENGTH, MAX_URL_LENGTH, multilineText, plainText } from '../core/limits.js';
import { commandSchema } from '../core/validate.js';

const id = idOf();
const driveItemId = idOf(MAX_DRIVE_ITEM_ID_LENGTH);

/** The drive item the Graph adapter resolved the pasted address to: a fact, not checked by Graph again. */
export const resolvedDriveItem = z.strictObject({
  driveId: driveItemId,
  itemId: driveItemId,
  /** 'personal' | 'business' | 'documentLibrary' as Graph reports it. */
  driveType: idOf(MAX_LABEL_LENGTH),
  isFolder: z.boolean(),
  name: plainText(MAX_FILE_NAME_LENGTH).min(1, 'cannot be empty'),
});

export const linkFolderData = z.strictObject({
  clientId: id,
  folderUrl: plainText(MAX_URL_LENGTH).min(1, 'cannot be empty'),
  driveItem: resolvedDriveItem,
  /** The firm's connected OneDrive drive, when known: the folder must be in it. */
  connectedDriveId: driveItemId.optional(),
});

export const unlinkFolderData = z.strictObject({ clientId: id });

const syncedFolder = { clientId: id, driveId: driveItemId, itemId: driveItemId };
/** Items of one folder: far beyond any OneDrive folder a client has. */
const count = z.number().int().nonnegative().max(10_000_000);

/** The sync process reports a finished round of the linked folder (see src/sync). */
export const recordFolderSyncData = z.strictObject({
  ...syncedFolder,
  itemCount: count,
  added: count,
  changed: count,
  removed: count,
  mode: z.enum(['delta', 'children-walk']),
  /** Files the round left out (too large, a name the portal refuses, a download that failed), named. */
  problem: z.strictObject({ code: idOf(MAX_LABEL_LENGTH), message: multilineText(MAX_TEXT_LENGTH).min(1, 'cannot be empty') }).optional(),
});

/** The sync process reports that the folder's sync stopped on an error. */
export const recordFolderSyncFailureData = z.strictObject({
  ...syncedFolder,
  code: idOf(MAX_LABEL_LENGTH),
  message: multilineText(MAX_TEXT_LENGTH).min(1, 'cannot be empty'),
});

export const folderLinkCommandSchema = z.discriminatedUnion('type', [
  commandSchema('LinkFolder', linkFolderData),
  commandSchema('UnlinkFolder', unlinkFolderData),
  commandSchema('RecordFolderSync', recordFolderSyncData),
  commandSchema('RecordFolderSyncFailure', recordFolderSyncFailureData),
]);

export type FolderLinkCommand = z.input<typeof folderLinkCommandSchema>;
