import type { Drive, Item, ItemState } from './drive.js';
import { base64url } from './ids.js';

export interface Rendering {
  /** A fresh pre-authenticated download URL for a file. */
  downloadUrl: (drive: Drive, item: ItemState) => string;
  /** Another drive by id, for shortcuts (remoteItem). */
  drive: (id: string) => Drive | undefined;
}

export const eTagOf = (item: ItemState) => `a${base64url(`${item.id}.${item.etag}`)}`;
export const cTagOf = (item: ItemState) => `ad${base64url(`t:${item.id}.${item.ctag}`)}`;

const ZERO_HASH = 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function webUrl(drive: Drive, item: ItemState): string {
  if (drive.driveType === 'business') {
    return `https://contoso-my.sharepoint.com/personal/${encodeURIComponent(drive.owner.id)}/Documents/${encodeURIComponent(item.name)}`;
  }
  return `https://onedrive.live.com/?id=${encodeURIComponent(item.id)}&cid=${drive.cid}`;
}

/** The parentReference of an item; `path` only outside delta, as Graph does. */
function parentReference(drive: Drive, item: ItemState, withPath: boolean): Record<string, unknown> {
  const ref: Record<string, unknown> = { driveId: drive.referenceId, driveType: drive.driveType };
  if (item.parentId === null) return ref;
  ref.id = item.parentId;
  const parent = drive.items.get(item.parentId);
  if (withPath && parent !== undefined) ref.path = drive.pathOf(parent);
  return ref;
}

/**
 * The driveItem JSON of an item (current, or a past state from the change log). In delta
 * (`withPath` false) parentReference has no path; deleted items carry the `deleted` facet,
 * no cTag and no size, and files a zero hash, as OneDrive Personal sends them.
 */
export function itemJson(drive: Drive, item: ItemState, rendering: Rendering, withPath: boolean): Record<string, unknown> {
  const live = drive.items.get(item.id) as Item | undefined;
  const user = { user: { id: drive.owner.id, displayName: drive.owner.displayName } };
  const json: Record<string, unknown> = {
    id: item.id,
    name: item.name,
    eTag: eTagOf(item),
    createdDateTime: item.created,
    lastModifiedDateTime: item.modified,
    parentReference: parentReference(drive, item, withPath),
    webUrl: webUrl(drive, item),
    createdBy: user,
    lastModifiedBy: user,
    fileSystemInfo: { createdDateTime: item.created, lastModifiedDateTime: item.modified },
  };
  if (item.deleted) {
    json.deleted = { state: 'deleted' };
    if (item.kind === 'file') json.file = { mimeType: item.mimeType, hashes: { quickXorHash: ZERO_HASH } };
    if (item.kind === 'folder') json.folder = { childCount: 0 };
    return json;
  }
  json.cTag = cTagOf(item);
  json.size = item.kind === 'file' ? item.content.length : live !== undefined ? drive.folderSize(live) : 0;
  if (item.parentId === null) json.root = {};
  if (item.kind === 'folder') json.folder = { childCount: live?.children.size ?? 0 };
  if (item.kind === 'notebook') json.package = { type: 'oneNote' };
  if (item.kind === 'file') {
    json.file = { mimeType: item.mimeType, hashes: { quickXorHash: item.hash } };
    json['@microsoft.graph.downloadUrl'] = rendering.downloadUrl(drive, item);
  }
  if (item.kind === 'shortcut' && item.remote !== undefined) json.remoteItem = remoteItem(item.remote, rendering);
  return json;
}

function remoteItem(target: { driveId: string; itemId: string }, rendering: Rendering): Record<string, unknown> {
  const drive = rendering.drive(target.driveId);
  const item = drive?.items.get(target.itemId);
  if (drive === undefined || item === undefined) {
    return { id: target.itemId, parentReference: { driveId: target.driveId, driveType: 'personal' } };
  }
  return {
    id: item.id,
    name: item.name,
    parentReference: { driveId: drive.referenceId, driveType: drive.driveType },
    folder: { childCount: item.children.size },
    size: drive.folderSize(item),
    webUrl: webUrl(drive, item),
  };
}

/** Keeps only the `$select`ed properties (and `id`, which Graph always returns). */
export function selectFields(json: Record<string, unknown>, select: string | null): Record<string, unknown> {
  if (select === null || select === '') return json;
  const keep = new Set(['id', 'deleted', ...select.split(',').map((s) => s.trim())]);
  return Object.fromEntries(Object.entries(json).filter(([key]) => keep.has(key) || key.startsWith('@')));
}
