import type { Account } from './accounts.js';
import type { Drive, Item } from './drive.js';
import { invalidRequest, notFound } from './errors.js';
import { driveById, type SimState } from './state.js';

/**
 * `/v1.0/me/drive/root`, `/v1.0/drives/{d}/items/{id}`, optionally followed by a path
 * (`:/a/b.txt:`) and an action (`/children`, `/content`, `/delta`, `/createUploadSession`).
 */
export const ITEM_PATH = /^\/v1\.0\/(?:me\/drive|drives\/([^/]+))\/(?:root|items\/([^/:]+))(?::([^:]*):?)?(\/.*)?$/;

export interface Addressed {
  drive: Drive;
  /** The item named by id (or the root), before any path. */
  base: Item;
  /** The decoded path segments after the item, if any. */
  path: string[];
  /** '', 'children', 'content', 'delta', 'createUploadSession'. */
  action: string;
  /** A token given in the `delta(token='…')` form. */
  actionToken?: string;
}

export function addressed(state: SimState, account: Account, match: RegExpExecArray): Addressed {
  const [, driveId, itemId, rawPath, rawAction] = match;
  const drive = driveById(state, driveId === undefined ? account.driveId : decodeURIComponent(driveId));
  const base = itemId === undefined ? drive.root : drive.resolve(decodeURIComponent(itemId));
  const path = (rawPath ?? '').split('/').filter((s) => s.length > 0).map((s) => decodeURIComponent(s));
  const actionText = (rawAction ?? '').replace(/^\//, '');
  const tokenForm = /^delta\(token='([^']*)'\)$/.exec(actionText);
  if (tokenForm !== null) return { drive, base, path, action: 'delta', actionToken: decodeURIComponent(tokenForm[1]!) };
  return { drive, base, path, action: actionText };
}

/** The addressed item itself (404 when the path names nothing). */
export function targetOf(a: Addressed): Item {
  return a.path.length === 0 ? a.base : a.drive.byPath(a.path.join('/'), a.base);
}

/** For uploads and creation by path: the folder the last segment goes in, and that name. */
export function placeOf(a: Addressed): { parent: Item; name: string } {
  const name = a.path.at(-1);
  if (name === undefined) throw invalidRequest('A file name is needed after the parent (items/{parent-id}:/{name}:/content).');
  const parent = a.path.length === 1 ? a.base : a.drive.byPath(a.path.slice(0, -1).join('/'), a.base);
  if (parent.kind !== 'folder') throw notFound('Parent folder');
  return { parent, name };
}

/** The request log's name for an item request: 'item', 'children', 'delta', 'content', 'upload', 'createUploadSession'. */
export function itemRouteName(method: string, match: RegExpExecArray): string {
  const action = (match[4] ?? '').replace(/^\//, '').replace(/\(.*$/, '');
  if (action === '') return 'item';
  if (action === 'content' && method === 'PUT') return 'upload';
  return action;
}
