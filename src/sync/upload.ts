/**
 * Portal → OneDrive ("Sync"): how a document marked for sync (or the portal's copy in a conflict)
 * is uploaded, and what the upload's result tells the folder's sync so the item's echo in the next
 * delta round is recognised instead of imported again.
 */
import { oneDrivePathProblem, oneDriveSafeName } from '../document/name.js';
import { driveItemSchema, kindOf, quickXorHashOf } from './drive-item.js';
import type { FolderSyncState } from './state.js';

/** Above this, Graph's simple PUT is not used (the size every client uses; Graph allows more today). */
export const SIMPLE_UPLOAD_LIMIT = 4 * 1024 * 1024;
/** Upload session fragments must be multiples of this, except the last. */
export const CHUNK_UNIT = 320 * 1024;
/** 32 units: 10 MiB per fragment, well under Graph's 60 MiB. */
export const DEFAULT_CHUNK_SIZE = 32 * CHUNK_UNIT;

export interface UploadRequest {
  folderPath: string;
  name: string;
  size: number;
  /** The drive item to replace (a new version of a document already in OneDrive), or null for a new file. */
  replaceItemId: string | null;
  /** That item's eTag as last synced: the replace is refused (412) if OneDrive changed it since. */
  ifMatch: string | null;
  /** The linked folder's own path in the drive, when known: OneDrive limits whole paths. */
  rootPath?: string;
  chunkSize?: number;
}

/** One fragment: the bytes [start, end] inclusive, as Content-Range writes them. */
export interface Chunk {
  start: number;
  end: number;
}

export type UploadPlan =
  | {
      ok: true;
      folderPath: string;
      name: string;
      /** What was changed to make OneDrive accept the place ("Q1: plan.pdf" → "Q1： plan.pdf"), if anything. */
      sanitised: { from: string; to: string } | null;
      target: { kind: 'new'; conflictBehavior: 'rename' } | { kind: 'replace'; itemId: string; ifMatch: string | null };
      transfer: { kind: 'simple' } | { kind: 'session'; chunkSize: number; chunks: Chunk[] };
    }
  | { ok: false; code: 'document.name_not_allowed_in_onedrive'; message: string };

/**
 * Decides the upload: simple up to 4 MiB, else a session in fragments of a multiple of 320 KiB; new
 * files with Graph's rename on a name conflict (the name it picked comes back in the result and is
 * recorded as a rename), replacements guarded by If-Match. Names are sanitised; a path still too
 * long is refused with a sentence for the firm.
 */
export function planUpload(request: UploadRequest): UploadPlan {
  const segments = request.folderPath.split('/').filter((s) => s.length > 0);
  const folderPath = segments.map(oneDriveSafeName).join('/');
  const name = oneDriveSafeName(request.name);
  const problem = oneDrivePathProblem(folderPath, name, request.rootPath);
  if (problem) return { ok: false, code: 'document.name_not_allowed_in_onedrive', message: `${problem} Shorten the folder or file name first.` };
  const before = [...segments, request.name].join('/');
  const after = [folderPath, name].filter((s) => s.length > 0).join('/');
  const target =
    request.replaceItemId === null
      ? ({ kind: 'new', conflictBehavior: 'rename' } as const)
      : ({ kind: 'replace', itemId: request.replaceItemId, ifMatch: request.ifMatch } as const);
  return { ok: true, folderPath, name, sanitised: before === after ? null : { from: before, to: after }, target, transfer: transferOf(request) };
}

function transferOf(request: UploadRequest): Extract<UploadPlan, { ok: true }>['transfer'] {
  if (request.size <= SIMPLE_UPLOAD_LIMIT) return { kind: 'simple' };
  const asked = request.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const chunkSize = Math.max(CHUNK_UNIT, Math.floor(asked / CHUNK_UNIT) * CHUNK_UNIT);
  const chunks: Chunk[] = [];
  for (let start = 0; start < request.size; start += chunkSize) chunks.push({ start, end: Math.min(request.size, start + chunkSize) - 1 });
  return { kind: 'session', chunkSize, chunks };
}

/**
 * Where a document marked for sync goes: a new file when it has no drive item yet; else a
 * replacement of its item (a new portal version of a document already in OneDrive), guarded by the
 * eTag the folder's sync last saw, so a change made in OneDrive since is never overwritten. An item
 * the sync does not know yet (its echo not seen) waits for the folder's next round.
 */
export type SyncTarget =
  | { kind: 'new' }
  | { kind: 'replace'; itemId: string; ifMatch: string }
  | { kind: 'wait'; reason: string };

export function syncTarget(document: { driveItemId: string | null }, state: FolderSyncState): SyncTarget {
  const itemId = document.driveItemId;
  if (itemId === null) return { kind: 'new' };
  const eTag = state.synced[itemId]?.eTag ?? state.tree[itemId]?.eTag ?? null;
  if (eTag === null) return { kind: 'wait', reason: `OneDrive item ${itemId} is not known to the folder's sync yet.` };
  return { kind: 'replace', itemId, ifMatch: eTag };
}

/**
 * A replacement refused with 412: OneDrive changed the item since the sync last saw it. Nothing is
 * overwritten; the upload waits for the folder's next round, which brings OneDrive's change: if its
 * content changed too, the document records the conflict and keeps both (OneDrive's as a version,
 * the portal's uploaded beside under a conflict name, and this upload is then moot); if only its
 * name or place changed, the replacement goes again with the new eTag.
 */
export const REPLACE_REFUSED = 'OneDrive changed this file since the last sync; the next sync round decides (a conflict keeps both).';

/**
 * The fragments still to send after a crash or a 416, from the session's `nextExpectedRanges`
 * ("26-", "26-99"): the ranges the server lacks, cut at the plan's chunk size.
 */
export function remainingChunks(size: number, chunkSize: number, nextExpectedRanges: string[]): Chunk[] {
  const chunks: Chunk[] = [];
  for (const range of nextExpectedRanges) {
    const [from, to] = range.split('-');
    const start = Number(from);
    const end = to === undefined || to === '' ? size - 1 : Number(to);
    for (let at = start; at <= end; at += chunkSize) chunks.push({ start: at, end: Math.min(end, at + chunkSize - 1) });
  }
  return chunks;
}

/** Records the portal's copy of a conflict, uploaded beside the item: its echo is never imported as a document. */
export function recordConflictCopy(state: FolderSyncState, itemId: string): FolderSyncState {
  const copies = state.conflictCopies ?? [];
  return copies.includes(itemId) ? state : { ...state, conflictCopies: [...copies, itemId] };
}

/**
 * Records an item the portal uploaded (the driveItem Graph returned) in the folder's sync state,
 * under the place and name the portal document has. Its echo in the next delta round then decides
 * nothing; if Graph renamed it on a conflict, that round decides the rename, which the document
 * records (the document itself is found through driveItemReservation).
 *
 * Left as it is while a round is in progress (an enumeration begun before the upload would not list
 * the item and so remove it) or when the item landed in a folder the sync has not seen yet (one the
 * upload created): the echo then decides an add, which the document decider finds already applied.
 */
export function recordUploadedItem(state: FolderSyncState, returned: unknown, portal: { folderPath: string; name: string }): FolderSyncState {
  const item = driveItemSchema.parse(returned);
  const parentId = item.parentReference?.id ?? state.rootId;
  if (state.round !== null || (parentId !== state.rootId && state.tree[parentId] === undefined)) return state;
  const node = {
    parentId,
    name: item.name ?? portal.name,
    kind: kindOf(item),
    cTag: item.cTag ?? null,
    eTag: item.eTag ?? null,
    quickXorHash: quickXorHashOf(item),
    size: item.size ?? null,
  };
  const { cTag, eTag, quickXorHash, size } = node;
  return {
    ...state,
    tree: { ...state.tree, [item.id]: node },
    synced: { ...state.synced, [item.id]: { folderPath: portal.folderPath, name: portal.name, cTag, eTag, quickXorHash, size } },
    itemCount: state.itemCount + (item.id in state.synced ? 0 : 1),
  };
}
