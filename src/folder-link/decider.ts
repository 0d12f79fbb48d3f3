/**
 * FolderLink: one stream per client (streams.folderLink(clientId)) linking it to one OneDrive Personal folder.
 *
 * One client per folder within a firm is kept by the application, not here: before LinkFolder it
 * reserves folderReservationKey(tenantId, driveId, itemId) (streams.reservation('onedrive-folder', key)),
 * and on FolderRelinked / FolderUnlinked it releases the previous folder's key.
 * Process rules reacting to these events:
 * - FolderLinked / FolderRelinked → sync: start a full enumeration (delta without token) of the folder.
 * - FolderUnlinked → sync: stop polling the folder (documents already synced stay in the portal).
 * The sync reports back through RecordFolderSync / RecordFolderSyncFailure (FolderSynced / FolderSyncFailed).
 * "Save all changes" on the client list is the application's loop over LinkFolder, one result per row.
 */
import type { Decider, DecisionContext } from '../core/decider.js';
import { DomainError } from '../core/errors.js';
import { parseCommand } from '../core/validate.js';
import { linkFolderData, recordFolderSyncData, recordFolderSyncFailureData, unlinkFolderData, type FolderLinkCommand } from './commands.js';
import type { FolderLinkEvent } from './events.js';
import { parseFolderUrl } from './folder-url.js';

/** What the client list shows of the folder's sync. */
export interface FolderSyncSummary {
  lastSuccessAt: string | null;
  itemCount: number;
  lastError: { code: string; message: string; at: string } | null;
}

export interface LinkedFolder {
  driveId: string;
  itemId: string;
  name: string;
  url: string;
  linkedAt: string;
  sync: FolderSyncSummary;
}

export interface FolderLinkState {
  clientId: string | null;
  folder: LinkedFolder | null;
}

/** Personal driveIds come back in varying letter case; item ids are opaque and compared exactly. */
const sameDrive = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The key under which a folder is reserved for one client of a firm. */
export function folderReservationKey(tenantId: string, driveId: string, itemId: string): string {
  return `${tenantId}/${driveId.toLowerCase()}/${itemId}`;
}

function decide(command: FolderLinkCommand, state: FolderLinkState, ctx: DecisionContext): FolderLinkEvent[] {
  const now = ctx.now.toISOString();
  switch (command.type) {
    case 'LinkFolder': {
      const data = parseCommand(linkFolderData, command.data);
      parseFolderUrl(data.folderUrl);
      const item = data.driveItem;
      if (item.driveType !== 'personal') {
        throw new DomainError(
          'folder_link.business_not_supported',
          'This is a OneDrive for Business / SharePoint folder. Only OneDrive Personal folders can be linked.',
        );
      }
      if (!item.isFolder) {
        throw new DomainError('folder_link.not_a_folder', "This is a link to a file rather than a folder. Open the client's folder in OneDrive and copy its address.");
      }
      if (data.connectedDriveId !== undefined && !sameDrive(data.connectedDriveId, item.driveId)) {
        throw new DomainError('folder_link.other_drive', "This folder is not in your firm's connected OneDrive account.");
      }
      const current = state.folder;
      if (current && sameDrive(current.driveId, item.driveId) && current.itemId === item.itemId) return [];
      const linked = {
        clientId: data.clientId,
        driveId: item.driveId,
        itemId: item.itemId,
        folderName: item.name,
        folderUrl: data.folderUrl.trim(),
      };
      if (current === null) return [{ type: 'FolderLinked', data: { ...linked, linkedAt: now } }];
      return [
        { type: 'FolderRelinked', data: { ...linked, previousDriveId: current.driveId, previousItemId: current.itemId, relinkedAt: now } },
      ];
    }
    case 'UnlinkFolder': {
      const data = parseCommand(unlinkFolderData, command.data);
      if (state.folder === null) throw new DomainError('folder_link.not_linked', 'This client is not linked to a OneDrive folder.');
      const { driveId, itemId } = state.folder;
      return [{ type: 'FolderUnlinked', data: { clientId: data.clientId, driveId, itemId, unlinkedAt: now } }];
    }
    case 'RecordFolderSync': {
      const data = parseCommand(recordFolderSyncData, command.data);
      const { sync } = thisFolder(state, data.driveId, data.itemId);
      const { added, changed, removed, itemCount } = data;
      const problemChanged = (sync.lastError?.message ?? null) !== (data.problem?.message ?? null);
      const worthSaying = added + changed + removed > 0 || sync.lastSuccessAt === null || problemChanged || itemCount !== sync.itemCount;
      return worthSaying ? [{ type: 'FolderSynced', data: { ...data, syncedAt: now } }] : [];
    }
    case 'RecordFolderSyncFailure': {
      const data = parseCommand(recordFolderSyncFailureData, command.data);
      const { sync } = thisFolder(state, data.driveId, data.itemId);
      if (sync.lastError?.code === data.code) return [];
      return [{ type: 'FolderSyncFailed', data: { ...data, failedAt: now } }];
    }
  }
}

/** A sync report is about the folder linked now: a report for a folder since relinked or unlinked is refused. */
function thisFolder(state: FolderLinkState, driveId: string, itemId: string): LinkedFolder {
  const folder = state.folder;
  if (folder === null || !sameDrive(folder.driveId, driveId) || folder.itemId !== itemId) {
    throw new DomainError('folder_link.not_this_folder', 'This client is no longer linked to that OneDrive folder.');
  }
  return folder;
}

const notSynced: FolderSyncSummary = { lastSuccessAt: null, itemCount: 0, lastError: null };

function evolve(state: FolderLinkState, event: FolderLinkEvent): FolderLinkState {
  switch (event.type) {
    case 'FolderLinked':
    case 'FolderRelinked': {
      const { clientId, driveId, itemId, folderName, folderUrl } = event.data;
      const linkedAt = event.type === 'FolderLinked' ? event.data.linkedAt : event.data.relinkedAt;
      return { clientId, folder: { driveId, itemId, name: folderName, url: folderUrl, linkedAt, sync: notSynced } };
    }
    case 'FolderUnlinked':
      return { ...state, folder: null };
    case 'FolderSynced': {
      if (state.folder === null) return state;
      const problem = event.data.problem;
      const lastError = problem === undefined ? null : { ...problem, at: event.data.syncedAt };
      const sync = { lastSuccessAt: event.data.syncedAt, itemCount: event.data.itemCount, lastError };
      return { ...state, folder: { ...state.folder, sync } };
    }
    case 'FolderSyncFailed': {
      if (state.folder === null) return state;
      const lastError = { code: event.data.code, message: event.data.message, at: event.data.failedAt };
      return { ...state, folder: { ...state.folder, sync: { ...state.folder.sync, lastError } } };
    }
  }
}

export const folderLinkDecider: Decider<FolderLinkCommand, FolderLinkEvent, FolderLinkState> = {
  initialState: { clientId: null, folder: null },
  decide,
  evolve,
};
