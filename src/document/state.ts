import type { DocumentEvent, DocumentOrigin } from './events.js';

/** Where the document stands with the client's OneDrive folder. */
export type OneDriveCopy = 'not_synced' | 'pending' | 'in_sync' | 'failed';

export interface DocumentFile {
  documentId: string;
  clientId: string;
  /** Where the document was first added from; decides who may remove it. */
  origin: DocumentOrigin;
  uploadedByContactId: string | null;
  folderPath: string;
  name: string;
  size: number;
  contentHash: string;
  blobRef: string;
  driveItemId: string | null;
  contentTag: string | null;
  version: number;
  oneDrive: OneDriveCopy;
  /** The content last level with the OneDrive item (synced from it or uploaded to it); null when never. */
  oneDriveContentHash: string | null;
  /** Conflicts with OneDrive recorded on the document (DocumentSyncConflictRecorded), and the last one. */
  syncConflicts: number;
  lastSyncConflict: SyncConflict | null;
  /** Said when the last upload had to change the document's place for OneDrive (forbidden characters or names). */
  oneDriveNotice: string | null;
}

export interface SyncConflict {
  /** The name the portal's copy was uploaded beside under (for a deletion in OneDrive: the document's name). */
  conflictName: string;
  /** OneDrive deleted the item while the portal had changed the document: the portal's version was kept. */
  oneDriveDeleted: boolean;
  detectedAt: string;
}

export type DocumentState = { status: 'none' } | ({ status: 'present' | 'removed' } & DocumentFile);
export type ExistingDocument = Exclude<DocumentState, { status: 'none' }>;

/** The document facts every content event carries, as they stand after a change from `origin`. */
export function snapshot(state: DocumentFile, origin: DocumentOrigin, changes: Partial<DocumentFile> = {}) {
  const next = { ...state, ...changes };
  return {
    documentId: next.documentId,
    clientId: next.clientId,
    origin,
    folderPath: next.folderPath,
    name: next.name,
    size: next.size,
    contentHash: next.contentHash,
    blobRef: next.blobRef,
    driveItemId: next.driveItemId,
    contentTag: next.contentTag,
  };
}

type FileFacts = ReturnType<typeof snapshot>;

function withFacts(state: DocumentState, facts: FileFacts): ExistingDocument {
  const { origin: _changeOrigin, ...rest } = facts;
  if (state.status === 'none') {
    return { status: 'present', ...rest, origin: facts.origin, uploadedByContactId: null, version: 1, oneDrive: 'not_synced', oneDriveContentHash: null, syncConflicts: 0, lastSyncConflict: null, oneDriveNotice: null };
  }
  return { ...state, ...rest };
}

/** Content that came from OneDrive is level with it; content from the portal leaves the level mark where it was. */
const levelAfter = (facts: FileFacts, before: string | null): string | null => (facts.origin === 'onedrive_sync' ? facts.contentHash : before);

/** A change made in the portal leaves the OneDrive copy behind; one from the sync brings them level. */
const copyAfter = (facts: FileFacts, before: OneDriveCopy): OneDriveCopy =>
  facts.origin === 'onedrive_sync' ? 'in_sync' : before === 'pending' ? 'pending' : 'not_synced';

/** A rename or move from OneDrive says nothing about content: a portal version waiting for upload still waits. */
const placeAfter = (facts: FileFacts, before: OneDriveCopy): OneDriveCopy => (facts.origin === 'onedrive_sync' ? before : copyAfter(facts, before));

/** The sentence for an upload whose place OneDrive would not take as it was. */
export function sanitisedNotice(from: string, to: string): string {
  return `OneDrive does not allow "${from}": uploaded as "${to}", and the document takes that name when the sync next sees it.`;
}

export function evolveDocument(state: DocumentState, event: DocumentEvent): DocumentState {
  switch (event.type) {
    case 'DocumentAdded': {
      const { version, uploadedByContactId, addedAt: _at, ...facts } = event.data;
      const oneDriveContentHash = levelAfter(facts, null);
      return { ...withFacts({ status: 'none' }, facts), version, uploadedByContactId, oneDrive: copyAfter(facts, 'not_synced'), oneDriveContentHash };
    }
    case 'DocumentVersionAdded': {
      const { version, updatedAt: _at, ...facts } = event.data;
      if (state.status === 'none') return state;
      return { ...withFacts(state, facts), version, oneDrive: copyAfter(facts, state.oneDrive), oneDriveContentHash: levelAfter(facts, state.oneDriveContentHash) };
    }
    case 'DocumentRenamed': {
      const { previousName: _p, renamedAt: _at, ...facts } = event.data;
      return state.status === 'none' ? state : { ...withFacts(state, facts), oneDrive: placeAfter(facts, state.oneDrive) };
    }
    case 'DocumentMoved': {
      const { previousFolderPath: _p, movedAt: _at, ...facts } = event.data;
      return state.status === 'none' ? state : { ...withFacts(state, facts), oneDrive: placeAfter(facts, state.oneDrive) };
    }
    case 'DocumentRemoved':
      return state.status === 'none' ? state : { ...state, status: 'removed' };
    case 'DocumentMarkedForOneDriveSync':
      return state.status === 'none' ? state : { ...state, oneDrive: 'pending' };
    case 'DocumentUploadedToOneDrive': {
      const { driveItemId, contentTag, sanitisedFrom, sanitisedTo } = event.data;
      const oneDriveNotice = sanitisedFrom && sanitisedTo ? sanitisedNotice(sanitisedFrom, sanitisedTo) : null;
      return state.status === 'none' ? state : { ...state, driveItemId, contentTag, oneDrive: 'in_sync', oneDriveContentHash: state.contentHash, oneDriveNotice };
    }
    case 'DocumentOneDriveUploadFailed':
      return state.status === 'none' ? state : { ...state, oneDrive: 'failed' };
    case 'DocumentSyncConflictRecorded': {
      if (state.status === 'none') return state;
      const { conflictName, detectedAt, oneDriveDeleted = false } = event.data;
      const counted = { ...state, syncConflicts: state.syncConflicts + 1, lastSyncConflict: { conflictName, oneDriveDeleted, detectedAt } };
      // OneDrive deleted the item: the portal's version stays, no longer in OneDrive (marking it for sync uploads it anew).
      if (oneDriveDeleted) return { ...counted, driveItemId: null, contentTag: null, oneDrive: 'not_synced', oneDriveContentHash: null };
      // Otherwise the version after it brings the document level with OneDrive; the portal's copy is uploaded beside.
      return counted;
    }
    case 'DocumentDownloaded':
    case 'DocumentViewed':
      return state;
  }
}
