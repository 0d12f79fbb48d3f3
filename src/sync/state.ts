/**
 * The sync state of one linked folder: a plain JSON value the runner keeps as its checkpoint (it
 * can always be rebuilt by a full enumeration, so it is not an event stream of its own; the folder
 * link's stream records what the client list shows: see FolderSynced / FolderSyncFailed).
 *
 * Two pictures are kept apart: `tree`, the folder as Graph last showed it (every item by id, paths
 * rebuilt from parent ids since delta never sends paths), and `synced`, the files the portal holds
 * as far as the sync knows. A round's decisions are the difference between the two.
 */
import type { ItemKind } from './drive-item.js';

export interface TreeNode {
  parentId: string | null;
  name: string;
  kind: ItemKind;
  cTag: string | null;
  eTag: string | null;
  quickXorHash: string | null;
  size: number | null;
}

/** One item of a round: its latest entry (the last occurrence in the round wins). */
export type RoundEntry = (TreeNode & { deleted: false; downloadUrl: string | null }) | { deleted: true };

/** A file as the portal holds it: where, under which name, and the content tags it was synced at. */
export interface SyncedFile {
  folderPath: string;
  name: string;
  cTag: string | null;
  eTag: string | null;
  quickXorHash: string | null;
  size: number | null;
}

/**
 * A round in progress. `enumeration`: its listing is complete by itself (first sync, after a 410,
 * every children walk), so the items it does not list are gone; a delta round lists changes only.
 */
export type Round =
  | {
      kind: 'delta';
      enumeration: boolean;
      /** The link to fetch next; null: a delta on the folder without token (or the committed deltaLink). */
      next: string | null;
      /** The deltaLink of the round's last page, committed by finishRound only. */
      deltaLink: string | null;
      entries: Record<string, RoundEntry>;
      /**
       * Once the delta pages are in: folders new to the tree (moved in from outside), whose contents
       * delta does not list, to list by children (the head first; `expandNext` its next page).
       */
      expand?: string[];
      expandNext?: string | null;
    }
  | {
      kind: 'walk';
      enumeration: true;
      current: { folderId: string; next: string | null } | null;
      queue: string[];
      entries: Record<string, RoundEntry>;
    };

export type SyncMode = 'delta' | 'children-walk';

export interface SyncFailure {
  code: string;
  message: string;
  at: string;
}

export interface FolderSyncState {
  driveId: string;
  /** The linked folder's item id: never a document itself. */
  rootId: string;
  mode: SyncMode;
  /** Stored only once every page of its round was applied. */
  deltaLink: string | null;
  tree: Record<string, TreeNode>;
  synced: Record<string, SyncedFile>;
  round: Round | null;
  /** Consecutive resync answers (410) of the folder delta; too many switch to the children walk. */
  resyncs: number;
  /** Rounds done by children walk since the last try of folder delta. */
  walks: number;
  /** The linked folder was deleted or moved away in OneDrive: nothing is removed, the firm is told. */
  folderGone: boolean;
  lastSuccessAt: string | null;
  lastError: SyncFailure | null;
  itemCount: number;
  /**
   * Items the portal uploaded as the portal's copy in a conflict: the portal holds that version
   * already (the document's earlier version), so they are never imported as documents of their own.
   */
  conflictCopies?: string[];
}

/** The state of a folder just linked: its first round enumerates it by folder delta. */
export function initialSyncState(driveId: string, rootId: string): FolderSyncState {
  return {
    driveId,
    rootId,
    mode: 'delta',
    deltaLink: null,
    tree: {},
    synced: {},
    round: null,
    resyncs: 0,
    walks: 0,
    folderGone: false,
    lastSuccessAt: null,
    lastError: null,
    itemCount: 0,
  };
}
