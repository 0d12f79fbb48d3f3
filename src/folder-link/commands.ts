import { z } from 'zod';
import { commandSchema } from '../core/validate.js';

const id = z.string().min(1);

/** The drive item the Graph adapter resolved the pasted address to: a fact, not checked by Graph again. */
export const resolvedDriveItem = z.object({
  driveId: id,
  itemId: id,
  /** 'personal' | 'business' | 'documentLibrary' as Graph reports it. */
  driveType: z.string().min(1),
  isFolder: z.boolean(),
  name: z.string().min(1),
});

export const linkFolderData = z.object({
  clientId: id,
  folderUrl: z.string().min(1),
  driveItem: resolvedDriveItem,
  /** The firm's connected OneDrive drive, when known: the folder must be in it. */
  connectedDriveId: id.optional(),
});

export const unlinkFolderData = z.object({ clientId: id });

export const folderLinkCommandSchema = z.discriminatedUnion('type', [
  commandSchema('LinkFolder', linkFolderData),
  commandSchema('UnlinkFolder', unlinkFolderData),
]);

export type FolderLinkCommand = z.input<typeof folderLinkCommandSchema>;
