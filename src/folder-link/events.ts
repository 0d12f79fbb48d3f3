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

const where = { clientId: z.string().min(1), driveId: z.string().min(1), itemId: z.string().min(1) };

/**
 * A sync round of the linked folder applied something, or was the first, or ended a failure: what
 * the client list shows as the last sync. Rounds that change nothing are not recorded (one every
 * few minutes per folder); the sync's own checkpoint knows when it last looked.
 */
export const folderSynced = defineEvent({
  type: 'FolderSynced',
  version: 1,
  schema: z.object({
    ...where,
    itemCount: z.number().int().nonnegative(),
    added: z.number().int().nonnegative(),
    changed: z.number().int().nonnegative(),
    removed: z.number().int().nonnegative(),
    mode: z.enum(['delta', 'children-walk']),
    /** Files the round left out, named (shown as the folder's last error until a round has none). */
    problem: z.object({ code: z.string().min(1), message: z.string().min(1) }).optional(),
    syncedAt: at,
  }),
});

/** The folder's sync stopped on an error (recorded once per kind of error, not at every poll). */
export const folderSyncFailed = defineEvent({
  type: 'FolderSyncFailed',
  version: 1,
  /** Graph's messages may quote file names, so the message is personal. */
  schema: z.object({ ...where, code: z.string().min(1), message: personal(z.string().min(1)), failedAt: at }),
  personal: [{ subject: 'clientId', fields: ['message'] }],
});

export const folderLinkEvents = [folderLinked, folderRelinked, folderUnlinked, folderSynced, folderSyncFailed] as const;
export type FolderLinkEvent = EventsOf<typeof folderLinkEvents>;
