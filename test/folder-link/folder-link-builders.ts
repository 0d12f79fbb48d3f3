import type { FolderLinkCommand } from '../../src/folder-link/commands.js';
import type { FolderLinkEvent } from '../../src/folder-link/events.js';
import { testContext } from '../support/decider-spec.js';

export const clientId = 'client-1';
export const at = testContext().now.toISOString();
export const acmeUrl = 'https://onedrive.live.com/?id=ABCDEF1234567890%21123&cid=ABCDEF1234567890';
export const otherUrl = 'https://onedrive.live.com/?id=ABCDEF1234567890%21456&cid=ABCDEF1234567890';

type LinkData = Extract<FolderLinkCommand, { type: 'LinkFolder' }>['data'];
type DriveItem = LinkData['driveItem'];

export const acmeFolder: DriveItem = { driveId: 'ABCDEF1234567890', itemId: 'ABCDEF1234567890!123', driveType: 'personal', isFolder: true, name: 'Acme Ltd' };
export const otherFolder: DriveItem = { ...acmeFolder, itemId: 'ABCDEF1234567890!456', name: 'Acme (old)' };

export function linkFolder(driveItem: Partial<DriveItem> = {}, data: Partial<LinkData> = {}): FolderLinkCommand {
  return { type: 'LinkFolder', data: { clientId, folderUrl: acmeUrl, driveItem: { ...acmeFolder, ...driveItem }, ...data } };
}
export const unlinkFolder = (): FolderLinkCommand => ({ type: 'UnlinkFolder', data: { clientId } });

export function folderLinked(item: DriveItem = acmeFolder, folderUrl = acmeUrl): FolderLinkEvent {
  return { type: 'FolderLinked', data: { clientId, driveId: item.driveId, itemId: item.itemId, folderName: item.name, folderUrl, linkedAt: at } };
}
export function folderRelinked(item: DriveItem, previous: DriveItem, folderUrl = acmeUrl): FolderLinkEvent {
  return {
    type: 'FolderRelinked',
    data: {
      clientId,
      driveId: item.driveId,
      itemId: item.itemId,
      folderName: item.name,
      folderUrl,
      previousDriveId: previous.driveId,
      previousItemId: previous.itemId,
      relinkedAt: at,
    },
  };
}
export function folderUnlinked(item: DriveItem = acmeFolder): FolderLinkEvent {
  return { type: 'FolderUnlinked', data: { clientId, driveId: item.driveId, itemId: item.itemId, unlinkedAt: at } };
}

type SyncData = Extract<FolderLinkCommand, { type: 'RecordFolderSync' }>['data'];
const where = { clientId, driveId: acmeFolder.driveId, itemId: acmeFolder.itemId };
export const recordSync = (data: Partial<SyncData> = {}): FolderLinkCommand => ({
  type: 'RecordFolderSync',
  data: { ...where, itemCount: 3, added: 3, changed: 0, removed: 0, mode: 'delta', ...data },
});
export const recordSyncFailure = (code = 'quota_exceeded', message = 'The OneDrive account is full.'): FolderLinkCommand => ({
  type: 'RecordFolderSyncFailure',
  data: { ...where, code, message },
});
export const folderSynced = (data: Partial<Extract<FolderLinkEvent, { type: 'FolderSynced' }>['data']> = {}): FolderLinkEvent => ({
  type: 'FolderSynced',
  data: { ...where, itemCount: 3, added: 3, changed: 0, removed: 0, mode: 'delta', syncedAt: at, ...data },
});
export const folderSyncFailed = (code = 'quota_exceeded', message = 'The OneDrive account is full.'): FolderLinkEvent => ({
  type: 'FolderSyncFailed',
  data: { ...where, code, message, failedAt: at },
});
