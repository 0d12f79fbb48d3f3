/**
 * The end of a round: the round's entries applied to the tree, the files the folder now holds
 * worked out from it, and the difference to what the portal holds turned into one decision per item.
 */
import { documentNameInput } from '../document/name.js';
import { folderPathInput } from '../document/folder-path.js';
import type { Decision, Download } from './decision.js';
import { WALKS_BEFORE_DELTA_RETRY } from './round.js';
import type { FolderSyncState, RoundEntry, SyncedFile, TreeNode } from './state.js';

export interface RoundResult {
  /** The state to store once every decision was applied (its deltaLink is the round's). */
  state: FolderSyncState;
  /** One per item whose portal document must change, in folder order. */
  decisions: Decision[];
  /** Files of the folder the portal cannot hold (name or path beyond its limits, too large), with why. */
  skipped: { itemId: string; name: string; reason: string }[];
}

type Place = { at: 'inside'; folderPath: string } | { at: 'outside' } | { at: 'skipped' };

/** The round's entries over the tree (an enumeration's listing replaces it). */
function treeAfter(state: FolderSyncState, entries: Record<string, RoundEntry>, enumeration: boolean): Record<string, TreeNode> {
  const tree: Record<string, TreeNode> = enumeration ? {} : { ...state.tree };
  for (const [id, entry] of Object.entries(entries)) {
    if (id === state.rootId) continue;
    if (entry.deleted) {
      delete tree[id];
      continue;
    }
    const { deleted: _d, downloadUrl: _u, ...node } = entry;
    // A live entry without a parent (Graph has sent bare references) stays where it was.
    tree[id] = { ...node, parentId: node.parentId ?? state.tree[id]?.parentId ?? null };
  }
  return tree;
}

/** Where each item lies: under the linked folder (and at which path), outside it, or inside something skipped. */
function placesIn(tree: Record<string, TreeNode>, rootId: string): Map<string, Place> {
  const places = new Map<string, Place>();
  const placeOf = (id: string, seen: Set<string>): Place => {
    const known = places.get(id);
    if (known) return known;
    const node = tree[id];
    let place: Place;
    if (node === undefined || node.parentId === null || seen.has(id)) place = { at: 'outside' };
    else if (node.parentId === rootId) place = { at: 'inside', folderPath: '' };
    else {
      const parent = tree[node.parentId];
      const above = placeOf(node.parentId, seen.add(id));
      if (above.at !== 'inside' || parent === undefined) place = above;
      else if (parent.kind !== 'folder') place = { at: 'skipped' };
      else place = { at: 'inside', folderPath: above.folderPath === '' ? parent.name : `${above.folderPath}/${parent.name}` };
    }
    places.set(id, place);
    return place;
  };
  for (const id of Object.keys(tree)) placeOf(id, new Set());
  return places;
}

/** Same content: by cTag when both have one, else by quickXorHash and size, else by eTag and size. */
function sameContent(a: SyncedFile, b: SyncedFile): boolean {
  if (a.cTag !== null && b.cTag !== null) return a.cTag === b.cTag;
  if (a.quickXorHash !== null && b.quickXorHash !== null) return a.quickXorHash === b.quickXorHash && a.size === b.size;
  return a.eTag === b.eTag && a.size === b.size;
}

function decisionFor(itemId: string, before: SyncedFile | undefined, now: SyncedFile, downloadUrl: string | null): Decision | null {
  const added = before === undefined;
  const contentChanged = !added && !sameContent(before, now);
  const renamed = !added && before.name !== now.name;
  const moved = !added && before.folderPath.toLowerCase() !== now.folderPath.toLowerCase();
  const recased = !added && !moved && before.folderPath !== now.folderPath;
  if (!added && !contentChanged && !renamed && !moved && !recased) return null;
  // Without a cTag, applySyncedChange compares content by hash only: it needs the content for any change.
  const needsContent = added || contentChanged || now.cTag === null;
  const download: Download | null = needsContent ? { itemId, size: now.size, quickXorHash: now.quickXorHash, downloadUrl } : null;
  const what = added ? ['added' as const] : [
    ...(contentChanged ? ['content' as const] : []),
    ...(renamed ? ['renamed' as const] : []),
    ...(moved || recased ? ['moved' as const] : []),
  ];
  return { itemId, what, kind: 'upserted', folderPath: now.folderPath, name: now.name, cTag: now.cTag, eTag: now.eTag, download };
}

/**
 * Ends the round whose pages are all in (nextFetch says 'finish'): applies its entries to the tree,
 * decides per item, and commits the round's deltaLink. A listing that enumerated the folder removes
 * what it did not list; a round that never finishes decides nothing and removes nothing.
 */
export function finishRound(state: FolderSyncState, now: string, limits: { maxFileBytes?: number } = {}): RoundResult {
  const round = state.round;
  const complete = round !== null && (round.kind === 'delta' ? round.deltaLink !== null && (round.expand ?? []).length === 0 : round.current === null);
  if (!complete) throw new Error('The round is not complete: fetch its remaining pages first.');
  // The linked folder itself deleted: nothing is removed on that signal alone; the firm relinks.
  const rootEntry = round.entries[state.rootId];
  if (rootEntry?.deleted) {
    return { state: { ...state, round: null, folderGone: true }, decisions: [], skipped: [] };
  }
  const tree = treeAfter(state, round.entries, round.enumeration);
  const places = placesIn(tree, state.rootId);
  const files: Record<string, SyncedFile> = {};
  const skipped: RoundResult['skipped'] = [];
  const copies = new Set(state.conflictCopies ?? []);
  for (const [id, node] of Object.entries(tree)) {
    const place = places.get(id);
    // Moved out of the linked folder: no longer tracked (it comes back as new if moved back in).
    if (place?.at === 'outside') delete tree[id];
    if (node.kind !== 'file' || place?.at !== 'inside' || copies.has(id)) continue;
    const name = documentNameInput.safeParse(node.name);
    const folderPath = folderPathInput.safeParse(place.folderPath);
    if (!name.success || !folderPath.success) {
      skipped.push({ itemId: id, name: node.name, reason: !name.success ? `Its name: ${name.error.issues[0]?.message}` : `Its folder path: ${folderPath.error?.issues[0]?.message}` });
      continue;
    }
    const { cTag, eTag, quickXorHash, size } = node;
    if (limits.maxFileBytes !== undefined && size !== null && size > limits.maxFileBytes) {
      // Never downloaded (so not again every poll); a version the portal already holds stays.
      skipped.push({ itemId: id, name: node.name, reason: `larger than the portal takes (${megabytes(size)} over ${megabytes(limits.maxFileBytes)})` });
      const held = state.synced[id];
      if (held !== undefined) files[id] = held;
      continue;
    }
    files[id] = { folderPath: folderPath.data, name: name.data, cTag, eTag, quickXorHash, size };
  }
  const decisions: Decision[] = [];
  for (const [id, file] of Object.entries(files)) {
    const entry = round.entries[id];
    const decision = decisionFor(id, state.synced[id], file, entry && !entry.deleted ? entry.downloadUrl : null);
    if (decision) decisions.push(decision);
  }
  for (const id of Object.keys(state.synced)) {
    if (!(id in files)) decisions.push({ itemId: id, what: ['removed'], kind: 'deleted' });
  }
  decisions.sort(byFolderOrder(files, state.synced));
  const walks = round.kind === 'walk' ? state.walks + 1 : 0;
  const backToDelta = round.kind === 'walk' && walks >= WALKS_BEFORE_DELTA_RETRY;
  const next: FolderSyncState = {
    ...state,
    tree,
    synced: files,
    round: null,
    deltaLink: round.kind === 'delta' ? round.deltaLink : null,
    mode: backToDelta ? 'delta' : state.mode,
    walks: backToDelta ? 0 : walks,
    // Only a delta round that was no enumeration shows the folder's delta works again.
    resyncs: round.kind === 'delta' && !round.enumeration ? 0 : state.resyncs,
    folderGone: false,
    lastSuccessAt: now,
    lastError: null,
    itemCount: Object.keys(files).length,
    ...(copies.size > 0 ? { conflictCopies: [...copies].filter((id) => id in tree) } : {}),
  };
  return { state: next, decisions, skipped };
}

const megabytes = (bytes: number) => `${Math.ceil(bytes / 1024 / 102.4) / 10} MB`;

function byFolderOrder(files: Record<string, SyncedFile>, before: Record<string, SyncedFile>) {
  const key = (d: Decision) => {
    const f = files[d.itemId] ?? before[d.itemId];
    return f ? `${f.folderPath}/${f.name}\u0000${d.itemId}` : d.itemId;
  };
  return (a: Decision, b: Decision) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

/**
 * The finished state with some decisions not applied (a download that failed its size or hash
 * check, a document refusing the change): those items keep what the portal had, so the next round
 * decides them again, even if Graph does not list them again.
 */
export function withhold(before: FolderSyncState, finished: FolderSyncState, itemIds: Iterable<string>): FolderSyncState {
  const synced = { ...finished.synced };
  for (const id of itemIds) {
    const previous = before.synced[id];
    if (previous === undefined) delete synced[id];
    else synced[id] = previous;
  }
  return { ...finished, synced, itemCount: Object.keys(synced).length };
}
