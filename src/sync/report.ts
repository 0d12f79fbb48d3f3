/**
 * What the runner reports to the folder link after a round or a failure (RecordFolderSync,
 * RecordFolderSyncFailure): the folder link records it only when it tells the firm something new.
 */
import type { z } from 'zod';
import type { recordFolderSyncData, recordFolderSyncFailureData } from '../folder-link/commands.js';
import type { RoundResult } from './finish-round.js';
import type { FolderSyncState } from './state.js';

export type FolderSyncReport = z.input<typeof recordFolderSyncData>;
export type FolderSyncFailureReport = z.input<typeof recordFolderSyncFailureData>;

/** The round's counts (a document both renamed and changed counts once, as changed). */
export function roundReport(clientId: string, before: FolderSyncState, result: RoundResult): FolderSyncReport {
  const count = (test: (what: string[]) => boolean) => result.decisions.filter((d) => test(d.what)).length;
  return {
    clientId,
    driveId: before.driveId,
    itemId: before.rootId,
    itemCount: result.state.itemCount,
    added: count((w) => w.includes('added')),
    changed: count((w) => !w.includes('added') && !w.includes('removed')),
    removed: count((w) => w.includes('removed')),
    mode: before.mode,
  };
}

/** The failure the state records (after onFault stopped), or null; a folder deleted in OneDrive is one too. */
export function failureReport(clientId: string, state: FolderSyncState): FolderSyncFailureReport | null {
  const where = { clientId, driveId: state.driveId, itemId: state.rootId };
  if (state.folderGone) {
    return { ...where, code: 'folder_gone', message: "The linked folder was deleted or moved out of reach in OneDrive. Link the client's folder again." };
  }
  if (state.lastError === null) return null;
  return { ...where, code: state.lastError.code, message: state.lastError.message };
}
