import { describe, it } from 'vitest';
import type { Actor } from '../../src/core/envelope.js';
import { documentDecider } from '../../src/document/decider.js';
import type { DocumentEvent } from '../../src/document/events.js';
import { spec } from '../support/decider-spec.js';
import {
  clientUploaded,
  contact,
  documentAdded,
  downloaded,
  moved,
  moveDocument,
  otherContact,
  recordDownload,
  recordView,
  removed,
  removeDocument,
  renameDocument,
  renamed,
  staff,
  syncedAdded,
  syncedId,
  uploadDocument,
  uploadNewVersion,
  versionAdded,
  viewed,
} from './builders.js';
import { hashOf } from '../support/content-hash.js';

const as = (actor: Actor) => ({ given: (...history: DocumentEvent[]) => spec(documentDecider, { actor }).given(...history) });
const firm = as(staff);
const client = as(contact);

describe('uploading documents', () => {
  it('adds a document the firm uploads', () => {
    firm.given().when(uploadDocument()).then(documentAdded());
  });

  it('adds a client contact’s upload to their upload area, remembering who uploaded it', () => {
    client.given().when(uploadDocument({ folderPath: 'Uploads', name: 'Payslip.pdf' })).then(clientUploaded());
  });

  it('accepts a client upload into a subfolder of the upload area', () => {
    client.given().when(uploadDocument({ folderPath: 'uploads/2024', name: 'Payslip.pdf' })).then(clientUploaded({ folderPath: 'uploads/2024' }));
  });

  it('refuses a client upload outside the upload area', () => {
    client.given().when(uploadDocument({ folderPath: 'Tax' })).thenThrows('document.outside_upload_area');
  });

  it('tidies the folder path and the name', () => {
    firm.given().when(uploadDocument({ folderPath: '/Tax/', name: '  Return 2024.pdf ' })).then(documentAdded());
  });

  it('refuses a name holding a path separator', () => {
    firm.given().when(uploadDocument({ name: 'Tax/Return.pdf' })).thenThrows('validation.failed');
  });

  it('refuses a program or script from a client contact, however its name is padded', () => {
    for (const name of ['setup.exe', 'run.EXE.', 'a.bat ', 'tool.ps1. . ', 'evil.exe:x.pdf', 'full-width．exe']) {
      client.given().when(uploadDocument({ folderPath: 'Uploads', name })).thenThrows('document.program_refused');
    }
  });

  it('lets the firm upload a program (its own files are not the client portal’s business)', () => {
    firm.given().when(uploadDocument({ name: 'setup.exe' })).then(documentAdded({ name: 'setup.exe' }));
  });

  it('refuses to add the same document twice', () => {
    firm.given(documentAdded()).when(uploadDocument()).thenThrows('document.already_exists');
  });
});

describe('new versions', () => {
  it('adds a new version the firm uploads', () => {
    firm.given(documentAdded()).when(uploadNewVersion()).then(versionAdded());
  });

  it('does nothing when the content is the same', () => {
    firm.given(documentAdded()).when(uploadNewVersion({ contentHash: hashOf(1) })).then();
  });

  it('lets a client replace their own upload', () => {
    client.given(clientUploaded()).when(uploadNewVersion()).then(versionAdded({ origin: 'client_upload', folderPath: 'Uploads', name: 'Payslip.pdf' }));
  });

  it('refuses a client’s new version of a document the firm shared', () => {
    client.given(documentAdded()).when(uploadNewVersion()).thenThrows('document.firm_file_protected');
  });

  it('refuses a new version of a removed document', () => {
    firm.given(documentAdded(), removed()).when(uploadNewVersion()).thenThrows('document.removed');
  });

  it('refuses a new version of a document that does not exist', () => {
    firm.given().when(uploadNewVersion()).thenThrows('document.not_found');
  });
});

describe('renaming and moving', () => {
  it('renames a document', () => {
    firm.given(documentAdded()).when(renameDocument('Return 2024 (signed).pdf')).then(renamed('Return 2024 (signed).pdf', 'Return 2024.pdf'));
  });

  it('does nothing when the name is the same', () => {
    firm.given(documentAdded()).when(renameDocument('Return 2024.pdf')).then();
  });

  it('refuses a client renaming a document the firm shared', () => {
    client.given(documentAdded()).when(renameDocument('Mine.pdf')).thenThrows('document.firm_file_protected');
  });

  it('refuses a client renaming their upload to a program or script', () => {
    client.given(clientUploaded()).when(renameDocument('notes.exe')).thenThrows('document.program_refused');
    client.given(clientUploaded()).when(renameDocument('notes.bat.')).thenThrows('document.program_refused');
  });

  it('moves a document to another folder', () => {
    firm.given(documentAdded()).when(moveDocument('Tax/2024')).then(moved('Tax/2024', 'Tax'));
  });

  it('lets a client move their own upload within the upload area', () => {
    client.given(clientUploaded()).when(moveDocument('Uploads/2024')).then(moved('Uploads/2024', 'Uploads', { origin: 'client_upload', name: 'Payslip.pdf' }));
  });

  it('refuses a client moving their upload out of the upload area', () => {
    client.given(clientUploaded()).when(moveDocument('Tax')).thenThrows('document.outside_upload_area');
  });
});

describe('removing documents', () => {
  it('removes a document for the firm', () => {
    firm.given(documentAdded()).when(removeDocument()).then(removed());
  });

  it('refuses a client removing a document the firm shared', () => {
    client.given(documentAdded()).when(removeDocument()).thenThrows('document.firm_file_protected');
  });

  it('refuses a client removing a document synced from the firm’s OneDrive', () => {
    client.given(syncedAdded()).when(removeDocument(syncedId)).thenThrows('document.firm_file_protected');
  });

  it('refuses a client removing another contact’s upload', () => {
    as(otherContact).given(clientUploaded()).when(removeDocument()).thenThrows('document.not_yours');
    as(otherContact).given(clientUploaded()).when(renameDocument('Mine.pdf')).thenThrows('document.not_yours');
  });

  it('lets a client remove their own upload', () => {
    client.given(clientUploaded()).when(removeDocument()).then(removed({ origin: 'client_upload', folderPath: 'Uploads', name: 'Payslip.pdf' }));
  });

  it('refuses to remove a document twice', () => {
    firm.given(documentAdded(), removed()).when(removeDocument()).thenThrows('document.removed');
  });
});

describe('downloads and views by client contacts', () => {
  it('records a download with the contact, address and browser', () => {
    client
      .given(documentAdded())
      .when(recordDownload({ ipAddress: '203.0.113.7', userAgent: 'Safari' }))
      .then(downloaded({ ipAddress: '203.0.113.7', userAgent: 'Safari' }));
  });

  it('records a view', () => {
    client.given(documentAdded()).when(recordView()).then(viewed());
  });

  it('refuses a download of a document not shared with the contact', () => {
    client.given(documentAdded()).when(recordDownload({ visibleToContact: false })).thenThrows('document.not_shared');
  });

  it('refuses a view of a document not shared with the contact', () => {
    client.given(documentAdded()).when(recordView({ visibleToContact: false })).thenThrows('document.not_shared');
  });

  it('refuses a download of a removed document', () => {
    client.given(documentAdded(), removed()).when(recordDownload()).thenThrows('document.removed');
  });

  it('refuses a download of a document that does not exist', () => {
    client.given().when(recordDownload()).thenThrows('document.not_found');
  });

  it('records only contacts’ downloads', () => {
    firm.given(documentAdded()).when(recordDownload()).thenThrows('document.not_a_contact');
  });
});
