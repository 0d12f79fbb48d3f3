import { describe, expect, it } from 'vitest';
import { fold } from '../../src/core/decider.js';
import { folderLinkDecider } from '../../src/folder-link/decider.js';
import type { FolderLinkEvent } from '../../src/folder-link/events.js';
import { spec } from '../support/decider-spec.js';
import {
  acmeFolder,
  at,
  folderLinked,
  folderRelinked,
  folderSynced,
  folderSyncFailed,
  folderUnlinked,
  otherFolder,
  recordSync,
  recordSyncFailure,
} from './folder-link-builders.js';

const given = (...history: FolderLinkEvent[]) => spec(folderLinkDecider, { actor: { kind: 'system', name: 'onedrive-sync' } }).given(...history);
const unchanged = { added: 0, changed: 0, removed: 0 };

describe('recording the folder sync', () => {
  it('records the first round, whatever it changed', () => {
    given(folderLinked()).when(recordSync({ itemCount: 0, added: 0 })).then(folderSynced({ itemCount: 0, added: 0 }));
  });

  it('records a round that changed documents', () => {
    given(folderLinked(), folderSynced()).when(recordSync({ added: 0, removed: 1, itemCount: 2 })).then(folderSynced({ added: 0, removed: 1, itemCount: 2 }));
  });

  it('records nothing for a round that changed nothing', () => {
    given(folderLinked(), folderSynced()).when(recordSync(unchanged)).then();
  });

  it('records the round that ends a failure, even when it changed nothing', () => {
    given(folderLinked(), folderSynced(), folderSyncFailed()).when(recordSync(unchanged)).then(folderSynced(unchanged));
  });

  it('records a failure once, not at every poll, and a different one again', () => {
    given(folderLinked()).when(recordSyncFailure()).then(folderSyncFailed());
    given(folderLinked(), folderSyncFailed()).when(recordSyncFailure()).then();
    given(folderLinked(), folderSyncFailed()).when(recordSyncFailure('needs_reconnect', 'Reconnect OneDrive.')).then(folderSyncFailed('needs_reconnect', 'Reconnect OneDrive.'));
  });

  it('refuses a report about a folder the client is no longer linked to', () => {
    given(folderLinked(), folderUnlinked()).when(recordSync()).thenThrows('folder_link.not_this_folder');
    given(folderLinked(), folderRelinked(otherFolder, acmeFolder)).when(recordSyncFailure()).thenThrows('folder_link.not_this_folder');
  });

  it('keeps the last success, item count and last error for the client list; a relink starts afresh', () => {
    const state = fold(folderLinkDecider, [folderLinked(), folderSynced({ itemCount: 5 }), folderSyncFailed()]);
    expect(state.folder?.sync).toEqual({ lastSuccessAt: at, itemCount: 5, lastError: { code: 'quota_exceeded', message: 'The OneDrive account is full.', at } });
    const relinked = fold(folderLinkDecider, [folderLinked(), folderSynced(), folderRelinked(otherFolder, acmeFolder)]);
    expect(relinked.folder?.sync).toEqual({ lastSuccessAt: null, itemCount: 0, lastError: null });
  });
});
