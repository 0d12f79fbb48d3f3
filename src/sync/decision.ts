/**
 * What a round decided for one drive item, and the ApplySyncedChange input it becomes once its
 * content (if any) is in the blob store. The document is found by the application
 * (applySyncedChange: the portal document the item was uploaded from, else its synced document).
 */
import type { z } from 'zod';
import type { applySyncedChangeData } from '../document/commands.js';

/** Content to fetch before the decision is applied, and what the download must match. */
export interface Download {
  itemId: string;
  /** Expected byte count (null when Graph did not say). */
  size: number | null;
  /** Expected QuickXorHash (base64), null when Graph had none yet. */
  quickXorHash: string | null;
  /** Graph's pre-authenticated URL from the listing, if any: short-lived, fetched without the bearer token. */
  downloadUrl: string | null;
}

/** Why the document changes: for logs, summaries and tests; the change itself says what to apply. */
export type Change = 'added' | 'content' | 'renamed' | 'moved' | 'removed';

export type Decision =
  | {
      itemId: string;
      what: Change[];
      kind: 'upserted';
      folderPath: string;
      name: string;
      cTag: string | null;
      eTag: string | null;
      /** Set when the item is new, its content changed, or it has no cTag to compare by. */
      download: Download | null;
    }
  | { itemId: string; what: ['removed']; kind: 'deleted' };

/** The input of the application's applySyncedChange (the document id is resolved there). */
export type SyncedChangeInput = Omit<z.input<typeof applySyncedChangeData>, 'documentId'>;

/** Blob-store facts of downloaded content: what ApplySyncedChange carries. */
export interface StoredContent {
  size: number;
  contentHash: string;
  blobRef: string;
}

/** Turns a decision into the applySyncedChange input; content is required when the decision asked for a download. */
export function syncedChangeInput(clientId: string, decision: Decision, content?: StoredContent): SyncedChangeInput {
  const driveItemId = decision.itemId;
  if (decision.kind === 'deleted') return { clientId, driveItemId, change: { kind: 'deleted' } };
  if (decision.download !== null && content === undefined) {
    throw new Error(`Item ${driveItemId} needs its content downloaded before its change is applied.`);
  }
  const { folderPath, name } = decision;
  const tags = { ...(decision.cTag !== null ? { cTag: decision.cTag } : {}), ...(decision.eTag !== null ? { eTag: decision.eTag } : {}) };
  return { clientId, driveItemId, change: { kind: 'upserted', folderPath, name, ...tags, ...(content ? { content } : {}) } };
}
