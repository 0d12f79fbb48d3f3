/**
 * PortalAccess: one stream per contact (streams.portalAccess(contactId)).
 * States: none → pending ("orange") → active ("green") → closed, and closed → re-opened.
 * Re-opening for a contact who already set a password goes straight to active (they log in with
 * their existing password); otherwise it is pending until the invitation is accepted.
 *
 * Process rules reacting to these events (application layer):
 * - PortalAccessOpened / LoginEmailChanged with addToContactEmails → Client: add the login email to the contact.
 * - AccessNotificationRequested → contactHasPassword false: Invitation SendInvitation { reason: 'access_opened',
 *   email }; true: mail the plain "your portal access is open" notification.
 * - PasswordResetRequested → the mail process mails the reset link (token derived again from resetId).
 * - PortalAccessClosed → nothing required (visibility is computed from this state).
 * Commands arriving from other aggregates' events:
 * - Invitation InvitationAccepted → ActivatePortalAccess { passwordHash } (refused 'portal_access.closed' when the
 *   access was closed meanwhile: the process drops that refusal; re-opening later passes acceptedPasswordHash).
 * - Client archived → ClosePortalAccess { via: 'client_archived' } for every member: a no-op when not open.
 * Logins are by firm and contact (the contact id is in the link and the session); login emails are not
 * reserved as unique, so one person may be a contact of several firms with the same address.
 */
import type { Decider, DecisionContext } from '../core/decider.js';
import { DomainError, NotFoundError } from '../core/errors.js';
import { parseCommand } from '../core/validate.js';
import {
  activatePortalAccessData,
  changeLoginEmailData,
  closePortalAccessData,
  editSharedSelectionData,
  openPortalAccessData,
  recordLoginData,
  requestPasswordResetData,
  resetPasswordData,
  type PortalAccessCommand,
} from './commands.js';
import type { CloseReason, PortalAccessEvent } from './events.js';
import { sameSelection, tidySelection, type SharedItem, type VisibilityState } from './shared-items.js';

export interface PortalAccessState extends VisibilityState {
  status: 'none' | 'pending' | 'active' | 'closed';
  contactId: string | null;
  clientId: string | null;
  loginEmail: string | null;
  sharedItems: SharedItem[];
  /** Kept once set, across closing and re-opening. */
  passwordHash: string | null;
  activatedAt: string | null;
  lastLoginAt: string | null;
  closedReason: CloseReason | null;
  /** The reset link that works now, if any: replaced by a later request, gone once used. */
  passwordReset: { resetId: string; tokenHash: string; expiresAt: string } | null;
}

/** A password reset link works for one hour. */
export const PASSWORD_RESET_VALIDITY_MS = 60 * 60 * 1000;

const initialState: PortalAccessState = {
  status: 'none',
  contactId: null,
  clientId: null,
  loginEmail: null,
  sharedItems: [],
  passwordHash: null,
  activatedAt: null,
  lastLoginAt: null,
  closedReason: null,
  passwordReset: null,
};

type OpenState = PortalAccessState & { status: 'pending' | 'active'; contactId: string; clientId: string; loginEmail: string };

const isOpen = (state: PortalAccessState): state is OpenState => state.status === 'pending' || state.status === 'active';

const closed = () => new DomainError('portal_access.closed', 'Portal access for this contact is closed.');
/** One answer for a wrong, replaced, used or expired reset link: nobody learns which. */
export const resetLinkInvalid = () =>
  new DomainError('portal_access.reset_link_invalid', 'This password reset link no longer works. Ask for a new one on the login page.');

const notOpen = () => new DomainError('portal_access.not_open', 'Portal access is not open for this contact.');

function guardContact(state: PortalAccessState, contactId: string): void {
  if (state.contactId !== null && state.contactId !== contactId) {
    throw new DomainError('portal_access.contact_mismatch', 'This portal access belongs to another contact.');
  }
}

function decide(command: PortalAccessCommand, state: PortalAccessState, ctx: DecisionContext): PortalAccessEvent[] {
  const now = ctx.now.toISOString();
  switch (command.type) {
    case 'OpenPortalAccess': {
      const data = parseCommand(openPortalAccessData, command.data);
      guardContact(state, data.contactId);
      if (isOpen(state)) {
        throw new DomainError(
          'portal_access.already_open',
          'Portal access is already open for this contact. Change the shared folders or the login email instead.',
        );
      }
      const loginEmail = data.loginEmail ?? data.contactEmails[0];
      if (loginEmail === undefined) {
        throw new DomainError('portal_access.no_email', 'This contact has no email address. Add one before opening portal access.');
      }
      const { contactId, clientId } = data;
      const knownPassword = state.passwordHash !== null;
      const contactHasPassword = knownPassword || data.acceptedPasswordHash !== undefined;
      const events: PortalAccessEvent[] = [
        {
          type: 'PortalAccessOpened',
          data: {
            contactId,
            clientId,
            loginEmail,
            addToContactEmails: !data.contactEmails.includes(loginEmail),
            sharedItems: tidySelection(data.sharedItems),
            accessState: knownPassword ? 'active' : 'pending',
            reopened: state.status === 'closed',
            openedAt: now,
          },
        },
      ];
      if (!knownPassword && data.acceptedPasswordHash !== undefined) {
        events.push({ type: 'PortalAccessActivated', data: { contactId, clientId, passwordHash: data.acceptedPasswordHash, activatedAt: now } });
      }
      events.push({ type: 'AccessNotificationRequested', data: { contactId, clientId, email: loginEmail, contactHasPassword, requestedAt: now } });
      return events;
    }
    case 'ActivatePortalAccess': {
      const data = parseCommand(activatePortalAccessData, command.data);
      guardContact(state, data.contactId);
      if (state.status === 'none') throw new NotFoundError('portal_access.not_found', 'Portal access was never opened for this contact.');
      if (!isOpen(state)) throw closed();
      if (state.status === 'active') {
        // The same acceptance delivered twice changes nothing; a different password is not an activation.
        if (state.passwordHash === data.passwordHash) return [];
        throw new DomainError('portal_access.already_active', 'Portal access for this contact is already active.');
      }
      return [{ type: 'PortalAccessActivated', data: { contactId: data.contactId, clientId: state.clientId, passwordHash: data.passwordHash, activatedAt: now } }];
    }
    case 'ClosePortalAccess': {
      const data = parseCommand(closePortalAccessData, command.data);
      guardContact(state, data.contactId);
      if (!isOpen(state)) {
        // Archiving closes every member's access; members without open access need nothing.
        if (data.via === 'client_archived' || data.via === 'contact_forgotten') return [];
        throw notOpen();
      }
      return [{ type: 'PortalAccessClosed', data: { contactId: state.contactId, clientId: state.clientId, reason: data.via, closedAt: now } }];
    }
    case 'EditSharedSelection': {
      const data = parseCommand(editSharedSelectionData, command.data);
      guardContact(state, data.contactId);
      if (!isOpen(state)) throw notOpen();
      const sharedItems = tidySelection(data.sharedItems);
      if (sameSelection(sharedItems, state.sharedItems)) return [];
      return [{ type: 'SharedSelectionChanged', data: { contactId: state.contactId, clientId: state.clientId, sharedItems, changedAt: now } }];
    }
    case 'ChangeLoginEmail': {
      const data = parseCommand(changeLoginEmailData, command.data);
      guardContact(state, data.contactId);
      if (!isOpen(state)) throw notOpen();
      if (data.loginEmail === state.loginEmail) return [];
      const { contactId, clientId } = state;
      const events: PortalAccessEvent[] = [
        {
          type: 'LoginEmailChanged',
          data: {
            contactId,
            clientId,
            loginEmail: data.loginEmail,
            previousLoginEmail: state.loginEmail,
            addToContactEmails: !data.contactEmails.includes(data.loginEmail),
            changedAt: now,
          },
        },
      ];
      // Not activated yet: the invitation must go to the new address (the old link dies with the resend).
      if (state.status === 'pending') {
        events.push({ type: 'AccessNotificationRequested', data: { contactId, clientId, email: data.loginEmail, contactHasPassword: false, requestedAt: now } });
      }
      return events;
    }
    case 'RecordLogin': {
      const data = parseCommand(recordLoginData, command.data);
      guardContact(state, data.contactId);
      if (state.status === 'closed') throw closed();
      if (!isOpen(state) || state.status !== 'active') {
        throw new DomainError('portal_access.not_activated', 'This contact has not activated their portal access yet.');
      }
      return [
        {
          type: 'ContactLoggedIn',
          data: {
            contactId: data.contactId,
            clientId: state.clientId,
            at: data.at ?? now,
            ipAddress: data.ipAddress ?? null,
            userAgent: data.userAgent ?? null,
          },
        },
      ];
    }
    case 'RequestPasswordReset': {
      const data = parseCommand(requestPasswordResetData, command.data);
      guardContact(state, data.contactId);
      if (state.status === 'closed') throw closed();
      if (!isOpen(state) || state.status !== 'active') {
        throw new DomainError('portal_access.not_activated', 'This contact has not activated their portal access yet.');
      }
      const expiresAt = new Date(ctx.now.getTime() + PASSWORD_RESET_VALIDITY_MS).toISOString();
      const { contactId, resetId, tokenHash } = data;
      return [{ type: 'PasswordResetRequested', data: { contactId, clientId: state.clientId, resetId, tokenHash, email: state.loginEmail, requestedAt: now, expiresAt } }];
    }
    case 'ResetPassword': {
      const data = parseCommand(resetPasswordData, command.data);
      guardContact(state, data.contactId);
      const reset = state.passwordReset;
      if (state.status !== 'active' || reset === null || reset.tokenHash !== data.tokenHash || ctx.now.getTime() >= Date.parse(reset.expiresAt)) {
        throw resetLinkInvalid();
      }
      return [{ type: 'PasswordReset', data: { contactId: data.contactId, clientId: state.clientId!, resetId: reset.resetId, passwordHash: data.passwordHash, resetAt: now } }];
    }
  }
}

const later = (a: string | null, b: string): string => (a !== null && a > b ? a : b);

function evolve(state: PortalAccessState, event: PortalAccessEvent): PortalAccessState {
  switch (event.type) {
    case 'PortalAccessOpened': {
      const { contactId, clientId, loginEmail, sharedItems, accessState } = event.data;
      return { ...state, status: accessState, contactId, clientId, loginEmail, sharedItems, closedReason: null };
    }
    case 'AccessNotificationRequested':
      return state;
    case 'PortalAccessActivated':
      return { ...state, status: 'active', passwordHash: event.data.passwordHash, activatedAt: event.data.activatedAt };
    case 'PortalAccessClosed':
      return { ...state, status: 'closed', closedReason: event.data.reason, passwordReset: null };
    case 'SharedSelectionChanged':
      return { ...state, sharedItems: event.data.sharedItems };
    case 'LoginEmailChanged':
      // A reset link went to the previous address: it stops working.
      return { ...state, loginEmail: event.data.loginEmail, passwordReset: null };
    case 'ContactLoggedIn':
      return { ...state, lastLoginAt: later(state.lastLoginAt, event.data.at) };
    case 'PasswordResetRequested': {
      const { resetId, tokenHash, expiresAt } = event.data;
      return { ...state, passwordReset: { resetId, tokenHash, expiresAt } };
    }
    case 'PasswordReset':
      return { ...state, passwordHash: event.data.passwordHash, passwordReset: null };
  }
}

export const portalAccessDecider: Decider<PortalAccessCommand, PortalAccessEvent, PortalAccessState> = {
  initialState,
  decide,
  evolve,
};
