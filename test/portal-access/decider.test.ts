import { describe, expect, it } from 'vitest';
import { fold } from '../../src/core/decider.js';
import { portalAccessDecider } from '../../src/portal-access/decider.js';
import type { PortalAccessEvent } from '../../src/portal-access/events.js';
import { spec } from '../support/decider-spec.js';
import {
  accessActivated,
  accessClosed,
  accessOpened,
  activate,
  changeLoginEmail,
  close,
  editSelection,
  loggedIn,
  loginEmailChanged,
  notificationRequested,
  openAccess,
  recordLogin,
  selectionChanged,
  taxFolder,
} from './builders.js';

const given = (...history: PortalAccessEvent[]) => spec(portalAccessDecider).given(...history);

describe('opening portal access', () => {
  it('opens access as pending and asks for the access notification', () => {
    given().when(openAccess()).then(accessOpened(), notificationRequested());
  });

  it('uses the contact’s first email address when none is chosen', () => {
    given()
      .when(openAccess({ loginEmail: undefined, contactEmails: ['ann@example.com', 'ann@work.example'] }))
      .then(accessOpened(), notificationRequested());
  });

  it('lets the firm choose another of the contact’s addresses', () => {
    given()
      .when(openAccess({ loginEmail: 'Ann@Work.example', contactEmails: ['ann@example.com', 'ann@work.example'] }))
      .then(accessOpened({ loginEmail: 'ann@work.example' }), notificationRequested({ email: 'ann@work.example' }));
  });

  it('records that a new login address must be saved on the contact', () => {
    given()
      .when(openAccess({ loginEmail: 'ann@new.example' }))
      .then(accessOpened({ loginEmail: 'ann@new.example', addToContactEmails: true }), notificationRequested({ email: 'ann@new.example' }));
  });

  it('refuses access for a contact without any email address', () => {
    given().when(openAccess({ loginEmail: undefined, contactEmails: [] })).thenThrows('portal_access.no_email');
  });

  it('refuses a login address that is not an email', () => {
    given().when(openAccess({ loginEmail: 'ann' })).thenThrows('validation.failed');
  });

  it('refuses to open access without any shared folder or document', () => {
    given().when(openAccess({ sharedItems: [] })).thenThrows('validation.failed');
  });

  it('shares folders by tidied path and documents by id, without duplicates', () => {
    given()
      .when(openAccess({ sharedItems: [{ kind: 'folder', path: '/Tax/2024/' }, { kind: 'document', documentId: 'doc-1' }, { kind: 'folder', path: 'Tax\\2024' }] }))
      .then((events) => {
        expect(events[0]).toEqual(accessOpened({ sharedItems: [{ kind: 'document', documentId: 'doc-1' }, { kind: 'folder', path: 'Tax/2024' }] }));
      });
  });

  it('refuses a folder path climbing out of the client’s space', () => {
    given().when(openAccess({ sharedItems: [{ kind: 'folder', path: 'Tax/../Other' }] })).thenThrows('validation.failed');
  });

  it('refuses to open access that is already open', () => {
    given(accessOpened()).when(openAccess()).thenThrows('portal_access.already_open');
  });

  it('re-opens closed access as active for a contact who already set a password', () => {
    given(accessOpened(), accessActivated(), accessClosed())
      .when(openAccess())
      .then(accessOpened({ accessState: 'active', reopened: true }), notificationRequested({ contactHasPassword: true }));
  });

  it('re-opens closed access as pending for a contact who never activated', () => {
    given(accessOpened(), accessClosed()).when(openAccess()).then(accessOpened({ reopened: true }), notificationRequested());
  });

  it('activates on re-opening when the invitation was accepted while access was closed', () => {
    given(accessOpened(), accessClosed())
      .when(openAccess({ acceptedPasswordHash: 'scrypt$pw' }))
      .then(accessOpened({ reopened: true }), accessActivated(), notificationRequested({ contactHasPassword: true }));
  });

  it('refuses a command for another contact than the stream', () => {
    given(accessOpened()).when({ type: 'ClosePortalAccess', data: { contactId: 'contact-2', via: 'toggle' } }).thenThrows('portal_access.contact_mismatch');
  });
});

describe('activating portal access', () => {
  it('turns pending access active with the password hash', () => {
    given(accessOpened()).when(activate()).then(accessActivated());
  });

  it('refuses to activate closed access', () => {
    given(accessOpened(), accessClosed()).when(activate()).thenThrows('portal_access.closed');
  });

  it('refuses to activate access that was never opened', () => {
    given().when(activate()).thenThrows('portal_access.not_found');
  });

  it('does nothing when the same activation arrives twice', () => {
    given(accessOpened(), accessActivated()).when(activate()).then();
  });

  it('refuses a second activation with another password', () => {
    given(accessOpened(), accessActivated()).when(activate('scrypt$other')).thenThrows('portal_access.already_active');
  });
});

describe('closing portal access', () => {
  it.each(['access_window', 'toggle', 'client_archived'] as const)('closes open access via %s, recording why', (via) => {
    given(accessOpened(), accessActivated()).when(close(via)).then(accessClosed(via));
  });

  it('closes pending access too', () => {
    given(accessOpened()).when(close('access_window')).then(accessClosed('access_window'));
  });

  it('refuses to close access that is not open', () => {
    given(accessOpened(), accessClosed()).when(close('toggle')).thenThrows('portal_access.not_open');
  });

  it('refuses to close access that was never opened', () => {
    given().when(close('access_window')).thenThrows('portal_access.not_open');
  });

  it('does nothing when archiving the client finds access not open', () => {
    given().when(close('client_archived')).then();
    given(accessOpened(), accessClosed()).when(close('client_archived')).then();
  });
});

describe('editing the shared selection', () => {
  const yearEnd = { kind: 'folder', path: 'Year end' } as const;

  it('changes the shared folders and documents while access is open', () => {
    given(accessOpened(), accessActivated()).when(editSelection([yearEnd, taxFolder])).then(selectionChanged([taxFolder, yearEnd]));
  });

  it('does nothing when the selection is the same', () => {
    given(accessOpened()).when(editSelection([{ kind: 'folder', path: '/Tax' }])).then();
  });

  it('refuses an empty selection', () => {
    given(accessOpened()).when(editSelection([])).thenThrows('validation.failed');
  });

  it('refuses to edit the selection of closed access', () => {
    given(accessOpened(), accessClosed()).when(editSelection([yearEnd])).thenThrows('portal_access.not_open');
  });
});

describe('changing the login email', () => {
  it('changes the login email of active access', () => {
    given(accessOpened(), accessActivated()).when(changeLoginEmail('ann@work.example')).then(loginEmailChanged());
  });

  it('sends the invitation to the new address while access is pending', () => {
    given(accessOpened())
      .when(changeLoginEmail('ann@work.example', ['ann@example.com', 'ann@work.example']))
      .then(loginEmailChanged({ addToContactEmails: false }), notificationRequested({ email: 'ann@work.example' }));
  });

  it('does nothing when the address is the same', () => {
    given(accessOpened()).when(changeLoginEmail(' ANN@example.com')).then();
  });

  it('refuses to change the login email of closed access', () => {
    given(accessOpened(), accessClosed()).when(changeLoginEmail('ann@work.example')).thenThrows('portal_access.not_open');
  });
});

describe('recording logins', () => {
  it('records a login with its address and browser', () => {
    given(accessOpened(), accessActivated())
      .when(recordLogin({ ipAddress: '203.0.113.7', userAgent: 'Firefox' }))
      .then(loggedIn({ ipAddress: '203.0.113.7', userAgent: 'Firefox' }));
  });

  it('records the login at the time given', () => {
    given(accessOpened(), accessActivated()).when(recordLogin({ at: '2026-01-14T08:00:00.000Z' })).then(loggedIn({ at: '2026-01-14T08:00:00.000Z' }));
  });

  it('refuses a login to closed access', () => {
    given(accessOpened(), accessActivated(), accessClosed()).when(recordLogin()).thenThrows('portal_access.closed');
  });

  it('refuses a login before activation', () => {
    given(accessOpened()).when(recordLogin()).thenThrows('portal_access.not_activated');
  });

  it('refuses a login when access was never opened', () => {
    given().when(recordLogin()).thenThrows('portal_access.not_activated');
  });

  it('keeps the latest login date', () => {
    const state = fold(portalAccessDecider, [
      accessOpened(),
      accessActivated(),
      loggedIn({ at: '2026-01-14T08:00:00.000Z' }),
      loggedIn({ at: '2026-01-13T08:00:00.000Z' }),
    ]);
    expect(state.lastLoginAt).toBe('2026-01-14T08:00:00.000Z');
  });
});
