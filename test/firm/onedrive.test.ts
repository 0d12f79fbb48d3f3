import { describe, it } from 'vitest';
import { firmDecider } from '../../src/firm/decider.js';
import { spec } from '../support/decider-spec.js';
import {
  asContact,
  asStaff,
  asSync,
  bob,
  carol,
  connectOneDrive,
  disconnectOneDrive,
  firmCreated,
  markNeedsReconnect,
  oneDriveAccountChanged,
  oneDriveConnected,
  oneDriveDisconnected,
  oneDriveNeedsReconnect,
  staffAdded,
} from './builders.js';

// Bob is a partner admin: the firm-wide connection is theirs to make.
const staff = spec(firmDecider, asStaff(bob.userId));
const firm = [firmCreated(), staffAdded(bob, 'partner_admin')] as const;

describe('connecting OneDrive', () => {
  it('connects the firm-wide OneDrive, recording by whom and when', () => {
    staff.given(...firm).when(connectOneDrive()).then(oneDriveConnected('od-1', bob.userId));
  });

  it.each(['business', 'documentLibrary'] as const)('refuses a %s drive: OneDrive Personal only', (driveType) => {
    const error = staff.given(...firm).when(connectOneDrive({ driveType })).thenThrows('onedrive.personal_only');
    if (error.message !== 'OneDrive Personal only: OneDrive for Business and SharePoint accounts are not supported.') {
      throw new Error(`unexpected message: ${error.message}`);
    }
  });

  it('refuses someone who is not a staff user of the firm', () => {
    spec(firmDecider, asStaff('user-elsewhere')).given(...firm).when(connectOneDrive()).thenThrows('firm.not_staff');
  });

  it('refuses a staff user who is not a partner admin, to connect or to replace the account', () => {
    const plainStaff = spec(firmDecider, asStaff(carol.userId));
    plainStaff.given(...firm, staffAdded(carol)).when(connectOneDrive()).thenThrows('firm.not_partner_admin');
    plainStaff.given(...firm, staffAdded(carol), oneDriveConnected()).when(connectOneDrive({ accountId: 'od-2' })).thenThrows('firm.not_partner_admin');
  });

  it('refuses a contact', () => {
    spec(firmDecider, asContact).given(...firm).when(connectOneDrive()).thenThrows('firm.not_staff');
  });

  it('decides nothing when the same account is already connected', () => {
    staff.given(...firm, oneDriveConnected()).when(connectOneDrive()).then();
  });

  it('reconnects an account that needs reconnecting', () => {
    staff.given(...firm, oneDriveConnected(), oneDriveNeedsReconnect()).when(connectOneDrive()).then(oneDriveConnected('od-1', bob.userId));
  });

  it('allows another account while client folders are linked, and records the change', () => {
    staff
      .given(...firm, oneDriveConnected('od-1'))
      .when(connectOneDrive({ accountId: 'od-2', linkedClientIds: ['client-1', 'client-2'] }))
      .then(oneDriveConnected('od-2', bob.userId), oneDriveAccountChanged('od-1', 'od-2', ['client-1', 'client-2']));
  });

  it('records a change of account after a disconnect too', () => {
    staff
      .given(...firm, oneDriveConnected('od-1'), oneDriveDisconnected('od-1'))
      .when(connectOneDrive({ accountId: 'od-2', linkedClientIds: ['client-1'] }))
      .then(oneDriveConnected('od-2', bob.userId), oneDriveAccountChanged('od-1', 'od-2', ['client-1']));
  });

  it('switches account without a change record when no folders are linked', () => {
    staff.given(...firm, oneDriveConnected('od-1')).when(connectOneDrive({ accountId: 'od-2' })).then(oneDriveConnected('od-2', bob.userId));
  });
});

describe('a connection that needs reconnecting', () => {
  it('is recorded by a system process, with the reason', () => {
    spec(firmDecider, asSync).given(...firm, oneDriveConnected()).when(markNeedsReconnect('consent_revoked')).then(oneDriveNeedsReconnect());
  });

  it('is recorded by staff too', () => {
    staff.given(...firm, oneDriveConnected()).when(markNeedsReconnect('token_expired')).then(oneDriveNeedsReconnect('od-1', 'token_expired'));
  });

  it('decides nothing when already marked', () => {
    spec(firmDecider, asSync).given(...firm, oneDriveConnected(), oneDriveNeedsReconnect()).when(markNeedsReconnect()).then();
  });

  it('refuses when OneDrive is not connected', () => {
    spec(firmDecider, asSync).given(...firm).when(markNeedsReconnect()).thenThrows('firm.onedrive_not_connected');
  });

  it('refuses when OneDrive was disconnected', () => {
    spec(firmDecider, asSync).given(...firm, oneDriveConnected(), oneDriveDisconnected()).when(markNeedsReconnect()).thenThrows('firm.onedrive_not_connected');
  });

  it('refuses a contact', () => {
    spec(firmDecider, asContact).given(...firm, oneDriveConnected()).when(markNeedsReconnect()).thenThrows('firm.not_staff');
  });
});

describe('disconnecting OneDrive', () => {
  it('disconnects, recording by whom and when', () => {
    staff.given(...firm, oneDriveConnected()).when(disconnectOneDrive()).then(oneDriveDisconnected('od-1', bob.userId));
  });

  it('disconnects a connection that needs reconnecting', () => {
    staff.given(...firm, oneDriveConnected(), oneDriveNeedsReconnect()).when(disconnectOneDrive()).then(oneDriveDisconnected('od-1', bob.userId));
  });

  it('decides nothing when not connected', () => {
    staff.given(...firm).when(disconnectOneDrive()).then();
  });

  it('refuses someone who is not a staff user of the firm', () => {
    spec(firmDecider, asSync).given(...firm, oneDriveConnected()).when(disconnectOneDrive()).thenThrows('firm.not_staff');
  });

  it('refuses a staff user who is not a partner admin', () => {
    spec(firmDecider, asStaff(carol.userId)).given(...firm, staffAdded(carol), oneDriveConnected()).when(disconnectOneDrive()).thenThrows('firm.not_partner_admin');
  });
});
