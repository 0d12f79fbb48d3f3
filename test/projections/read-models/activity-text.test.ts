import { describe as group, expect, it } from 'vitest';
import { describe, type Names } from '../../../projections/read-models/activity-text.js';
import { ERASED } from '../../../src/core/events.js';

const names: Names = {
  contact: (id) => ({ ann: 'Ann Smith' })[id] ?? id,
  staff: (id) => ({ bob: 'Bob Books', pat: 'Pat Partner' })[id] ?? id,
  document: (streamId) => (streamId === 'document-d1' ? 'Q3.pdf' : undefined),
  subjectKind: (id) => (id === 'client-1' ? 'client' : 'contact'),
};

const line = (type: string, data: object, streamId = 'x') => describe({ type, streamId, position: 10, data }, names);

group('the wording of events the client life does not show', () => {
  it.each([
    ['StaffRoleChanged', { userId: 'bob', role: 'partner_admin' }, 'Staff user Bob Books is now partner admin'],
    ['StaffUserRemoved', { userId: 'bob' }, 'Staff user Bob Books removed'],
    ['InvitationSent', { email: 'ann@x.example', reason: 'resend', expiresAt: '2026-12-31T10:00:00.000Z' }, 'Invitation sent again to ann@x.example (valid until 2026-12-31)'],
    ['InvitationCancelled', { contactId: 'ann', reason: 'withdrawn_by_firm' }, 'Invitation of Ann Smith cancelled (withdrawn by the firm)'],
    ['LoginEmailChanged', { contactId: 'ann', previousLoginEmail: 'a@x.example', loginEmail: 'b@x.example' }, 'Login of Ann Smith changed from a@x.example to b@x.example'],
    ['PortalAccessClosed', { contactId: 'ann', reason: 'access_window' }, 'Portal access closed for Ann Smith (access period ended)'],
    ['SharedSelectionChanged', { sharedItems: [{ kind: 'folder', path: '' }, { kind: 'document', documentId: 'd1' }] }, 'Shared folders changed: all documents; and 1 document'],
    ['FolderLinked', { folderName: 'Ann Smith' }, 'OneDrive folder “Ann Smith” linked'],
    ['FolderUnlinked', {}, 'OneDrive folder unlinked'],
    ['DocumentRenamed', { previousName: 'Q3.pdf', name: 'Q3 final.pdf' }, 'Document “Q3.pdf” renamed to “Q3 final.pdf”'],
    ['DocumentMoved', { name: 'Q3.pdf', previousFolderPath: 'Uploads', folderPath: 'Tax' }, 'Document “Q3.pdf” moved from Uploads to Tax'],
    ['DocumentAdded', { name: 'Q3.pdf', origin: 'onedrive_sync' }, 'Document “Q3.pdf” added from OneDrive'],
    ['FolderSynced', { itemCount: 12, added: 2, changed: 0, removed: 1 }, 'OneDrive folder synced (12 files; 2 added, 1 removed)'],
    ['FolderSynced', { itemCount: 1, added: 0, changed: 0, removed: 0 }, 'OneDrive folder synced (1 file)'],
    ['FolderSyncFailed', { message: 'The OneDrive account is full.' }, 'OneDrive folder sync failed: The OneDrive account is full.'],
    [
      'DocumentSyncConflictRecorded',
      { name: 'Q3.pdf', conflictName: 'Q3 (portal copy 2026-01-15).pdf' },
      "“Q3.pdf” changed in the portal and in OneDrive: OneDrive's version kept, the portal's copied beside it as “Q3 (portal copy 2026-01-15).pdf”",
    ],
    ['OneDriveNeedsReconnect', { reason: 'token_expired' }, 'OneDrive needs to be reconnected (sign-in expired)'],
    ['MemberRemoved', { contactId: 'ann', role: 'guest' }, 'Guest Ann Smith removed'],
    ['PersonalDataForgotten', { subjectId: 'client-1' }, 'Personal data of the client erased'],
  ])('%s', (type, data, text) => {
    expect(line(type, data)).toBe(text);
  });

  it('names a downloaded or uploaded document by its name then, and says so when it is not known', () => {
    expect(line('DocumentUploadedToOneDrive', {}, 'document-d1')).toBe("“Q3.pdf” copied to the client's OneDrive folder");
    expect(line('DocumentUploadedToOneDrive', {}, 'document-d2')).toBe("A document copied to the client's OneDrive folder");
    expect(line('DocumentViewed', { contactId: 'ann' }, 'document-d2')).toBe('Ann Smith viewed a document');
  });

  it('shows erased values as erased', () => {
    expect(line('ContactEmailAdded', { contactId: ERASED, email: ERASED })).toBe(`Email ${ERASED} added for ${ERASED}`);
  });
});
