import type { PortalAccessCommand } from '../../src/portal-access/commands.js';
import type { CloseReason, PortalAccessEvent } from '../../src/portal-access/events.js';
import type { SharedItem } from '../../src/portal-access/shared-items.js';
import { testContext } from '../support/decider-spec.js';

export const contactId = 'contact-1';
export const clientId = 'client-1';
export const at = testContext().now.toISOString();
export const taxFolder: SharedItem = { kind: 'folder', path: 'Tax' };

type Data<T extends PortalAccessCommand['type']> = Extract<PortalAccessCommand, { type: T }>['data'];
type EventData<T extends PortalAccessEvent['type']> = Extract<PortalAccessEvent, { type: T }>['data'];

export function openAccess(data: Partial<Data<'OpenPortalAccess'>> = {}): PortalAccessCommand {
  return {
    type: 'OpenPortalAccess',
    data: { contactId, clientId, loginEmail: 'ann@example.com', contactEmails: ['ann@example.com'], sharedItems: [taxFolder], ...data },
  };
}
/** Opening as the application sends it: the contact's current emails, and a login email only when the firm typed one. */
export function openAccessWith(contactEmails: string[], loginEmail?: string, sharedItems: SharedItem[] = [taxFolder]): PortalAccessCommand {
  return { type: 'OpenPortalAccess', data: { contactId, clientId, contactEmails, sharedItems, ...(loginEmail === undefined ? {} : { loginEmail }) } };
}
export const activate = (passwordHash = 'scrypt$pw'): PortalAccessCommand => ({ type: 'ActivatePortalAccess', data: { contactId, passwordHash } });
export const close = (via: CloseReason = 'toggle'): PortalAccessCommand => ({ type: 'ClosePortalAccess', data: { contactId, via } });
export const editSelection = (sharedItems: SharedItem[]): PortalAccessCommand => ({ type: 'EditSharedSelection', data: { contactId, sharedItems } });
export const changeLoginEmail = (loginEmail: string, contactEmails = ['ann@example.com']): PortalAccessCommand => ({
  type: 'ChangeLoginEmail',
  data: { contactId, loginEmail, contactEmails },
});
export const recordLogin = (data: Partial<Data<'RecordLogin'>> = {}): PortalAccessCommand => ({ type: 'RecordLogin', data: { contactId, ...data } });

export function accessOpened(data: Partial<EventData<'PortalAccessOpened'>> = {}): PortalAccessEvent {
  return {
    type: 'PortalAccessOpened',
    data: {
      contactId,
      clientId,
      loginEmail: 'ann@example.com',
      addToContactEmails: false,
      sharedItems: [taxFolder],
      accessState: 'pending',
      reopened: false,
      openedAt: at,
      ...data,
    },
  };
}
export function notificationRequested(data: Partial<EventData<'AccessNotificationRequested'>> = {}): PortalAccessEvent {
  return { type: 'AccessNotificationRequested', data: { contactId, clientId, email: 'ann@example.com', contactHasPassword: false, requestedAt: at, ...data } };
}
export const accessActivated = (passwordHash = 'scrypt$pw'): PortalAccessEvent => ({
  type: 'PortalAccessActivated',
  data: { contactId, clientId, passwordHash, activatedAt: at },
});
export const accessClosed = (reason: CloseReason = 'toggle'): PortalAccessEvent => ({
  type: 'PortalAccessClosed',
  data: { contactId, clientId, reason, closedAt: at },
});
export const selectionChanged = (sharedItems: SharedItem[]): PortalAccessEvent => ({
  type: 'SharedSelectionChanged',
  data: { contactId, clientId, sharedItems, changedAt: at },
});
export function loginEmailChanged(data: Partial<EventData<'LoginEmailChanged'>> = {}): PortalAccessEvent {
  return {
    type: 'LoginEmailChanged',
    data: { contactId, clientId, loginEmail: 'ann@work.example', previousLoginEmail: 'ann@example.com', addToContactEmails: true, changedAt: at, ...data },
  };
}
export function loggedIn(data: Partial<EventData<'ContactLoggedIn'>> = {}): PortalAccessEvent {
  return { type: 'ContactLoggedIn', data: { contactId, clientId, at, ipAddress: null, userAgent: null, ...data } };
}

const inAnHour = new Date(Date.parse(at) + 60 * 60 * 1000).toISOString();
export const requestReset = (resetId = 'reset-1', tokenHash = 'digest-1'): PortalAccessCommand => ({ type: 'RequestPasswordReset', data: { contactId, resetId, tokenHash } });
export const resetPassword = (tokenHash = 'digest-1', passwordHash = 'scrypt$new'): PortalAccessCommand => ({ type: 'ResetPassword', data: { contactId, tokenHash, passwordHash } });
export function resetRequested(data: Partial<EventData<'PasswordResetRequested'>> = {}): PortalAccessEvent {
  return { type: 'PasswordResetRequested', data: { contactId, clientId, resetId: 'reset-1', tokenHash: 'digest-1', email: 'ann@example.com', requestedAt: at, expiresAt: inAnHour, ...data } };
}
export function passwordWasReset(data: Partial<EventData<'PasswordReset'>> = {}): PortalAccessEvent {
  return { type: 'PasswordReset', data: { contactId, clientId, resetId: 'reset-1', passwordHash: 'scrypt$new', resetAt: at, ...data } };
}
