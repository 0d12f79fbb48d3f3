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

/** The files a round left out, by name and why: what the client list shows until a round has none. */
export type RoundProblem = NonNullable<FolderSyncReport['problem']>;

/** Most files a problem names; the rest are counted. */
const NAMED = 5;

/** The round's left-out files (skipped, or `failed` with the reason) as one problem to report, or null. */
export function roundProblem(result: RoundResult, failed: { itemId: string; reason: string }[]): RoundProblem | null {
  const nameOf = (id: string) => result.state.synced[id]?.name ?? result.state.tree[id]?.name ?? id;
  const all = [...result.skipped.map((s) => `${s.name} (${s.reason})`), ...failed.map((f) => `${nameOf(f.itemId)} (${f.reason})`)];
  if (all.length === 0) return null;
  const more = all.length > NAMED ? `; and ${all.length - NAMED} more` : '';
  const message = `Not synced from OneDrive: ${all.slice(0, NAMED).join('; ')}${more}.`;
  return { code: 'files_not_synced', message: message.length > 2000 ? `${message.slice(0, 1997)}...` : message };
}

/**
 * The round's counts (a document both renamed and changed counts once, as changed); `stored`, the
 * state stored after it (the items that failed withheld), gives the item count.
 */
export function roundReport(clientId: string, before: FolderSyncState, result: RoundResult, stored = result.state, problem: RoundProblem | null = null): FolderSyncReport {
  const count = (test: (what: string[]) => boolean) => result.decisions.filter((d) => test(d.what)).length;
  return {
    clientId,
    driveId: before.driveId,
    itemId: before.rootId,
    itemCount: stored.itemCount,
    added: count((w) => w.includes('added')),
    changed: count((w) => !w.includes('added') && !w.includes('removed')),
    removed: count((w) => w.includes('removed')),
    mode: before.mode,
    ...(problem !== null ? { problem } : {}),
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
