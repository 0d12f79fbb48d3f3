import { z } from 'zod';
import { personal } from '../core/events.js';
import { idOf, listOf, MAX_DOCUMENT_ID_LENGTH, MAX_SHARED_ITEMS } from '../core/limits.js';
import { folderPathInput, isWithinFolder } from '../document/folder-path.js';

/** What a contact may see: a whole folder of the client's space (by path) or a single document. */
export const sharedItemSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('folder'), path: personal(z.string()) }),
  z.object({ kind: z.literal('document'), documentId: z.string().min(1) }),
]);
export type SharedItem = z.infer<typeof sharedItemSchema>;

/** Command input for the shared selection: paths tidied, at least one item, at most MAX_SHARED_ITEMS. */
export const sharedItemsInput = listOf(
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('folder'), path: folderPathInput }),
    z.strictObject({ kind: z.literal('document'), documentId: idOf(MAX_DOCUMENT_ID_LENGTH) }),
  ]),
  MAX_SHARED_ITEMS,
  'folders or documents to share',
).min(1, 'Choose at least one folder or document to share.');

const keyOf = (item: SharedItem) => (item.kind === 'folder' ? `folder:${item.path.toLowerCase()}` : `document:${item.documentId}`);

/** The selection without duplicates, in a stable order, so equal selections compare equal. */
export function tidySelection(items: readonly SharedItem[]): SharedItem[] {
  const byKey = new Map<string, SharedItem>();
  for (const item of items) if (!byKey.has(keyOf(item))) byKey.set(keyOf(item), item);
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, item]) => item);
}

export function sameSelection(a: readonly SharedItem[], b: readonly SharedItem[]): boolean {
  const ka = tidySelection(a).map(keyOf);
  const kb = tidySelection(b).map(keyOf);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i]);
}

/** The part of a portal access state that decides visibility. */
export interface VisibilityState {
  status: 'none' | 'pending' | 'active' | 'closed';
  contactId: string | null;
  sharedItems: readonly SharedItem[];
}

export interface DocumentPlace {
  /** The folder holding the document ('' for the client's root folder). */
  folderPath: string;
  documentId: string;
  /** The contact who uploaded it, for client uploads: they always see their own uploads. */
  uploadedByContactId?: string | null;
}

/**
 * Whether a document lies within what is shared with the contact: under a shared folder (matched
 * segment by segment, case-insensitively, as OneDrive names are) or shared by its id. Nothing is
 * visible unless the access is open (pending or active).
 */
export function canSee(access: VisibilityState, document: DocumentPlace): boolean {
  if (access.status !== 'pending' && access.status !== 'active') return false;
  if (document.uploadedByContactId != null && document.uploadedByContactId === access.contactId) return true;
  return access.sharedItems.some((item) =>
    item.kind === 'folder' ? isWithinFolder(document.folderPath, item.path) : item.documentId === document.documentId,
  );
}
