/**
 * Paging through a round: which request comes next, and one page folded into the round in
 * progress. Nothing is decided per page: an item may come back later in the same round (the last
 * occurrence wins) and a folder rename does not re-send what lies below it, so decisions wait for
 * the round's end (finishRound). The round in progress is part of the state, so a runner that stores
 * it after each page resumes from the last page it applied.
 */
import { kindOf, quickXorHashOf, sameDriveId, type DriveItem, type DrivePage } from './drive-item.js';
import type { FolderSyncState, Round, RoundEntry } from './state.js';

/** What the adapter fetches next. `url: null`: the first request of its kind, built from the ids. */
export type Fetch =
  | { kind: 'delta'; driveId: string; itemId: string; url: string | null }
  | { kind: 'children'; driveId: string; folderId: string; url: string | null }
  /** Every page of the round is in: call finishRound. */
  | { kind: 'finish' };

/** Rounds by children walk before folder delta is tried again. */
export const WALKS_BEFORE_DELTA_RETRY = 24;

/** The round a state starts when none is in progress. */
export function startRound(state: FolderSyncState): Round {
  if (state.mode === 'children-walk') {
    return { kind: 'walk', enumeration: true, current: { folderId: state.rootId, next: null }, queue: [], entries: {} };
  }
  return { kind: 'delta', enumeration: state.deltaLink === null, next: state.deltaLink, deltaLink: null, entries: {} };
}

/** The request that continues the folder's round (or starts the next one). */
export function nextFetch(state: FolderSyncState): Fetch {
  const round = state.round ?? startRound(state);
  const driveId = state.driveId;
  if (round.kind === 'delta') {
    if (round.deltaLink === null) return { kind: 'delta', driveId, itemId: state.rootId, url: round.next };
    const folderId = round.expand?.[0];
    if (folderId === undefined) return { kind: 'finish' };
    return { kind: 'children', driveId, folderId, url: round.expandNext ?? null };
  }
  if (round.current === null) return { kind: 'finish' };
  return { kind: 'children', driveId, folderId: round.current.folderId, url: round.current.next };
}

/** Stands for a parent on another drive: never in the tree, so whatever lies there is outside the folder. */
const OTHER_DRIVE = '\u0000other-drive';

function entryOf(item: DriveItem, driveId: string, listedUnder: string | null): RoundEntry {
  if (item.deleted !== undefined) return { deleted: true };
  const parentDrive = item.parentReference?.driveId;
  const elsewhere = parentDrive !== undefined && !sameDriveId(parentDrive, driveId);
  return {
    deleted: false,
    parentId: elsewhere ? OTHER_DRIVE : (item.parentReference?.id ?? listedUnder),
    name: item.name ?? '',
    kind: kindOf(item),
    cTag: item.cTag ?? null,
    eTag: item.eTag ?? null,
    quickXorHash: quickXorHashOf(item),
    size: item.size ?? null,
    downloadUrl: item['@microsoft.graph.downloadUrl'] ?? null,
  };
}

/** Later entries of an item replace earlier ones: the last occurrence in a round wins. */
function withEntries(entries: Record<string, RoundEntry>, items: DriveItem[], driveId: string, listedUnder: string | null) {
  const next = { ...entries };
  for (const item of items) {
    next[item.id] = entryOf(item, driveId, listedUnder);
  }
  return next;
}

const subFoldersOf = (items: DriveItem[]) => items.filter((i) => i.deleted === undefined && kindOf(i) === 'folder').map((i) => i.id);

/**
 * Folders a delta round lists that the tree does not know, whose parent is not one of them: moved
 * in from outside the linked folder (or made in it). Delta lists such a folder alone, not what it
 * holds, so their contents are listed by children before the round ends.
 */
function foldersMovedIn(state: FolderSyncState, entries: Record<string, RoundEntry>): string[] {
  const isNew = (id: string) => {
    const entry = entries[id];
    return id !== state.rootId && entry !== undefined && !entry.deleted && entry.kind === 'folder' && state.tree[id] === undefined;
  };
  return Object.keys(entries).filter((id) => {
    const entry = entries[id]!;
    return isNew(id) && !entry.deleted && (entry.parentId === null || !isNew(entry.parentId));
  });
}

/** A children page of a folder moved in: its items join the round; its sub-folders the tree does not know are listed next. */
function withExpandedPage(state: FolderSyncState, round: Extract<Round, { kind: 'delta' }>, page: DrivePage): Round {
  const [folderId, ...rest] = round.expand ?? [];
  if (folderId === undefined) throw new Error('This round is complete: finish it before applying another page.');
  const entries = withEntries(round.entries, page.items, state.driveId, folderId);
  const queued = new Set(round.expand);
  const more = subFoldersOf(page.items).filter((id) => state.tree[id] === undefined && !queued.has(id));
  if (page.nextLink !== null) return { ...round, entries, expand: [folderId, ...rest, ...more], expandNext: page.nextLink };
  return { ...round, entries, expand: [...rest, ...more], expandNext: null };
}

/**
 * Folds the page answering nextFetch(state) into the round. Returns the state to store and the
 * request to make next ('finish' once the round's listing is complete).
 */
export function applyPage(state: FolderSyncState, page: DrivePage): { state: FolderSyncState; next: Fetch } {
  const round = state.round ?? startRound(state);
  let updated: Round;
  if (round.kind === 'delta' && round.deltaLink !== null) {
    updated = withExpandedPage(state, round, page);
  } else if (round.kind === 'delta') {
    if (page.nextLink === null && page.deltaLink === null) throw new Error('A delta page carries neither a nextLink nor a deltaLink.');
    const entries = withEntries(round.entries, page.items, state.driveId, null);
    const expand = page.deltaLink !== null && !round.enumeration ? foldersMovedIn(state, entries) : [];
    updated = { ...round, entries, next: page.nextLink, deltaLink: page.deltaLink, ...(expand.length > 0 ? { expand, expandNext: null } : {}) };
  } else {
    if (round.current === null) throw new Error('This round is complete: finish it before applying another page.');
    const folderId = round.current.folderId;
    const entries = withEntries(round.entries, page.items, state.driveId, folderId);
    // Sub-folders are listed in turn; the inside of OneNote notebooks and shortcuts is not.
    const subFolders = subFoldersOf(page.items);
    const known = new Set([...round.queue, ...Object.keys(round.entries), folderId]);
    const queue = [...round.queue, ...new Set(subFolders.filter((id) => !known.has(id)))];
    const current = page.nextLink !== null ? { folderId, next: page.nextLink } : queue.length > 0 ? { folderId: queue[0]!, next: null } : null;
    updated = { ...round, entries, current, queue: page.nextLink !== null ? queue : queue.slice(1) };
  }
  const next = { ...state, round: updated };
  return { state: next, next: nextFetch(next) };
}
