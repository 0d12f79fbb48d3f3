import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold } from '../../src/core/decider.js';
import { PortalError } from '../../src/core/errors.js';
import type { FolderLinkCommand } from '../../src/folder-link/commands.js';
import { folderLinkDecider, folderReservationKey } from '../../src/folder-link/decider.js';
import { folderLinkEvents, type FolderLinkEvent } from '../../src/folder-link/events.js';
import { spec, testContext } from '../support/decider-spec.js';
import {
  acmeFolder,
  folderLinked,
  folderRelinked,
  folderUnlinked,
  linkFolder,
  otherFolder,
  otherUrl,
  unlinkFolder,
} from './folder-link-builders.js';

const given = (...history: FolderLinkEvent[]) => spec(folderLinkDecider).given(...history);

describe('linking a client to a OneDrive folder', () => {
  it('links the client to the resolved folder', () => {
    given().when(linkFolder()).then(folderLinked());
  });

  it('does nothing when linked again to the same folder', () => {
    given(folderLinked()).when(linkFolder()).then();
  });

  it('compares drive ids without regard to letter case', () => {
    given(folderLinked()).when(linkFolder({ driveId: 'abcdef1234567890' })).then();
  });

  it('relinks a client linked to another folder', () => {
    given(folderLinked(otherFolder, otherUrl)).when(linkFolder()).then(folderRelinked(acmeFolder, otherFolder));
  });

  it('links again after an unlink', () => {
    given(folderLinked(), folderUnlinked()).when(linkFolder()).then(folderLinked());
  });

  it('refuses a folder that is not on a OneDrive Personal drive', () => {
    given().when(linkFolder({ driveType: 'business' })).thenThrows('folder_link.business_not_supported');
  });

  it('refuses a SharePoint document library', () => {
    given().when(linkFolder({ driveType: 'documentLibrary' })).thenThrows('folder_link.business_not_supported');
  });

  it('refuses a drive item that is a file', () => {
    given().when(linkFolder({ isFolder: false })).thenThrows('folder_link.not_a_folder');
  });

  it('refuses a pasted SharePoint address before anything else', () => {
    given().when(linkFolder({}, { folderUrl: 'https://contoso.sharepoint.com/sites/x' })).thenThrows('folder_link.business_not_supported');
  });

  it('refuses a pasted address that is not a URL', () => {
    given().when(linkFolder({}, { folderUrl: 'my clients folder' })).thenThrows('folder_link.invalid_url');
  });

  it('refuses a folder outside the firm’s connected drive', () => {
    given().when(linkFolder({}, { connectedDriveId: '1111222233334444' })).thenThrows('folder_link.other_drive');
  });

  it('links a folder of the firm’s connected drive', () => {
    given().when(linkFolder({}, { connectedDriveId: 'abcdef1234567890' })).then(folderLinked());
  });
});

describe('unlinking', () => {
  it('unlinks the linked folder', () => {
    given(folderLinked()).when(unlinkFolder()).then(folderUnlinked());
  });

  it('refuses to unlink a client without a folder', () => {
    given().when(unlinkFolder()).thenThrows('folder_link.not_linked');
  });
});

describe('folder reservation key', () => {
  it('is the same whatever the drive id’s letter case, and differs between firms', () => {
    expect(folderReservationKey('firm-1', 'ABCDEF', 'X!1')).toBe(folderReservationKey('firm-1', 'abcdef', 'X!1'));
    expect(folderReservationKey('firm-1', 'ABCDEF', 'X!1')).not.toBe(folderReservationKey('firm-2', 'ABCDEF', 'X!1'));
  });
});

describe('folder link invariants', () => {
  const folders = [acmeFolder, otherFolder, { ...acmeFolder, driveType: 'business' }, { ...otherFolder, isFolder: false }];
  const command: fc.Arbitrary<FolderLinkCommand> = fc.oneof(
    fc.constantFrom(...folders).map((f) => linkFolder(f)),
    fc.constant(unlinkFolder()),
  );
  const schemas = new Map(folderLinkEvents.map((d) => [d.type, d.schema]));

  it('random command sequences link at most one personal folder, and folding is deterministic', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 20 }), (commands) => {
        const history: FolderLinkEvent[] = [];
        for (const c of commands) {
          try {
            const events = folderLinkDecider.decide(c, fold(folderLinkDecider, history), testContext());
            for (const event of events) expect(schemas.get(event.type)!.safeParse(event.data).success).toBe(true);
            history.push(...events);
          } catch (error) {
            expect(error).toBeInstanceOf(PortalError);
          }
          const state = fold(folderLinkDecider, history);
          if (state.folder) expect([acmeFolder.itemId, otherFolder.itemId]).toContain(state.folder.itemId);
          // A link is always followed by a relink or an unlink, never by another plain link.
          const kinds = history.map((e) => e.type).filter((t) => t !== 'FolderRelinked');
          kinds.forEach((t, i) => expect(t).not.toBe(kinds[i - 1]));
        }
        expect(fold(folderLinkDecider, history)).toEqual(fold(folderLinkDecider, history));
      }),
    );
  });
});
