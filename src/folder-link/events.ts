import { z } from 'zod';
import { defineEvent, personal, type EventsOf } from '../core/events.js';

const at = z.iso.datetime();
/** The folder as Graph resolved it; ids are opaque (Personal ids changed shape in 2024–2025). */
const folder = {
  clientId: z.string().min(1),
  driveId: z.string().min(1),
  itemId: z.string().min(1),
  folderName: personal(z.string().min(1)),
  /** The address as pasted; newer forms spell out the folder path, so it is personal too. */
  folderUrl: personal(z.string().min(1)),
};
const folderPersonal = [{ subject: 'clientId', fields: ['folderName', 'folderUrl'] }] as const;

export const folderLinked = defineEvent({
  type: 'FolderLinked',
  version: 1,
  schema: z.object({ ...folder, linkedAt: at }),
  personal: folderPersonal,
});

/** The client was linked to another folder: the previous folder is released. */
export const folderRelinked = defineEvent({
  type: 'FolderRelinked',
  version: 1,
  schema: z.object({ ...folder, previousDriveId: z.string().min(1), previousItemId: z.string().min(1), relinkedAt: at }),
  personal: folderPersonal,
});

export const folderUnlinked = defineEvent({
  type: 'FolderUnlinked',
  version: 1,
  schema: z.object({ clientId: z.string().min(1), driveId: z.string().min(1), itemId: z.string().min(1), unlinkedAt: at }),
});

export const folderLinkEvents = [folderLinked, folderRelinked, folderUnlinked] as const;
export type FolderLinkEvent = EventsOf<typeof folderLinkEvents>;
