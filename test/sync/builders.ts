import { parseDrivePage, type DrivePage } from '../../src/sync/drive-item.js';
import { applyPage, nextFetch } from '../../src/sync/round.js';
import { finishRound, type RoundResult } from '../../src/sync/finish-round.js';
import { initialSyncState, type FolderSyncState } from '../../src/sync/state.js';

export const driveId = 'B8f3a1C2d4E5f6A7';
export const rootId = 'B8F3A1C2D4E5F6A7!sea8cc6beffdb43d7976fbc7da445c639';
export const now = '2026-01-15T09:00:00.000Z';
export const fresh = () => initialSyncState(driveId, rootId);

const parent = (id: string) => ({ driveId: driveId.toLowerCase(), id });

/** A file entry as Graph's delta sends it (with a field the portal ignores). */
export function file(id: string, name: string, parentId = rootId, content = 'c1', size = 100) {
  return {
    id,
    name,
    parentReference: parent(parentId),
    file: { mimeType: 'application/pdf', hashes: { quickXorHash: `qx-${content}` } },
    size,
    cTag: `"c:{${id}},${content}"`,
    eTag: `"{${id}},${content}-${name}"`,
    lastModifiedDateTime: '2026-01-10T10:00:00Z',
    '@microsoft.graph.downloadUrl': `https://dl.example/${id}`,
    createdBy: { user: { displayName: 'someone' } },
  };
}
export const folder = (id: string, name: string, parentId = rootId) => ({ id, name, parentReference: parent(parentId), folder: { childCount: 1 } });
export const deleted = (id: string) => ({ id, parentReference: { driveId }, deleted: { state: 'deleted' }, file: { hashes: { quickXorHash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' } } });
export const rootEntry = () => ({ id: rootId, name: 'Acme Ltd', parentReference: parent('B8F3A1C2D4E5F6A7!101'), folder: { childCount: 3 } });
export const oneNote = (id: string, name: string, parentId = rootId) => ({ id, name, parentReference: parent(parentId), package: { type: 'oneNote' }, folder: {} });
export const shortcut = (id: string, name: string) => ({ id, name, parentReference: parent(rootId), remoteItem: { id: 'X!1', parentReference: { driveId: 'other' } }, folder: {} });

type Json = Record<string, unknown>;
export const deltaPage = (items: Json[], last = true, n = 1): DrivePage =>
  parseDrivePage({ value: items, ...(last ? { '@odata.deltaLink': `https://graph/delta?token=t${n}` } : { '@odata.nextLink': `https://graph/delta?page=${n}` }) });
export const childrenPage = (items: Json[], nextLink?: string): DrivePage =>
  parseDrivePage({ value: items, ...(nextLink ? { '@odata.nextLink': nextLink } : {}) });

/**
 * Answers the children listings a delta round asks for (folders moved in) from what the round's
 * pages listed: each folder's live items, by their last occurrence.
 */
export function listMovedIn(state: FolderSyncState, listed: Json[]): FolderSyncState {
  const latest = new Map<string, Json>();
  for (const item of listed) latest.set(item.id as string, item);
  let s = state;
  for (let fetch = nextFetch(s); fetch.kind === 'children' && s.round?.kind === 'delta'; fetch = nextFetch(s)) {
    const folderId = fetch.folderId;
    const children = [...latest.values()].filter((i) => i.deleted === undefined && (i.parentReference as { id?: string } | undefined)?.id === folderId);
    s = applyPage(s, childrenPage(children)).state;
  }
  return s;
}

/** Applies the pages (each as a delta page, the last one closing the round) and finishes the round. */
export function round(state: FolderSyncState, ...pages: Json[][]): RoundResult {
  let s = state;
  pages.forEach((items, i) => {
    s = applyPage(s, deltaPage(items, i === pages.length - 1, i + 1)).state;
  });
  s = listMovedIn(s, pages.flat());
  if (nextFetch(s).kind !== 'finish') throw new Error('round not complete');
  return finishRound(s, now);
}

/** The portal side after a round: item id → "path/name". */
export const placesOf = (state: FolderSyncState) =>
  Object.fromEntries(Object.entries(state.synced).map(([id, f]) => [id, f.folderPath ? `${f.folderPath}/${f.name}` : f.name]));
