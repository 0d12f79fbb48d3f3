import { z } from 'zod';
import { defineEvent, personal, type EventsOf } from '../core/events.js';
import { sharedItemSchema } from './shared-items.js';

/** The three ways the firm closes access (seed: "3 opportunities to close access to the portal"). */
/** The three ways a firm closes access, and the system's own: the contact's data was erased. */
export const closeReasons = ['access_window', 'toggle', 'client_archived', 'contact_forgotten'] as const;
export type CloseReason = (typeof closeReasons)[number];

const ids = { contactId: z.string().min(1), clientId: z.string().min(1) };
const at = z.iso.datetime();
const sharedPaths = { subject: 'clientId', fields: ['sharedItems.*.path'] } as const;

/**
 * Access opened (or re-opened) with a login email and a shared selection. `accessState` is the
 * toggle's colour: 'pending' (orange) until the contact activates, 'active' (green) when re-opened
 * for a contact who already set a password. `addToContactEmails`: the login email is new for the
 * contact and must be saved as one of their addresses.
 */
export const portalAccessOpened = defineEvent({
  type: 'PortalAccessOpened',
  version: 1,
  schema: z.object({
    ...ids,
    loginEmail: personal(z.email()),
    addToContactEmails: z.boolean(),
    sharedItems: z.array(sharedItemSchema).min(1),
    accessState: z.enum(['pending', 'active']),
    reopened: z.boolean(),
    openedAt: at,
  }),
  personal: [{ subject: 'contactId', fields: ['loginEmail'] }, sharedPaths],
});

/**
 * The access notification email must go out. `contactHasPassword` false: the notification is the
 * invitation (SendInvitation reason 'access_opened'); true: a plain "your portal is open" email.
 */
export const accessNotificationRequested = defineEvent({
  type: 'AccessNotificationRequested',
  version: 1,
  schema: z.object({ ...ids, email: personal(z.email()), contactHasPassword: z.boolean(), requestedAt: at }),
  personal: [{ subject: 'contactId', fields: ['email'] }],
});

/** The contact accepted the invitation and set a password: the toggle turns green. */
export const portalAccessActivated = defineEvent({
  type: 'PortalAccessActivated',
  version: 1,
  schema: z.object({ ...ids, passwordHash: z.string().min(1), activatedAt: at }),
});

export const portalAccessClosed = defineEvent({
  type: 'PortalAccessClosed',
  version: 1,
  schema: z.object({ ...ids, reason: z.enum(closeReasons), closedAt: at }),
});

export const sharedSelectionChanged = defineEvent({
  type: 'SharedSelectionChanged',
  version: 1,
  schema: z.object({ ...ids, sharedItems: z.array(sharedItemSchema).min(1), changedAt: at }),
  personal: [sharedPaths],
});

export const loginEmailChanged = defineEvent({
  type: 'LoginEmailChanged',
  version: 1,
  schema: z.object({
    ...ids,
    loginEmail: personal(z.email()),
    previousLoginEmail: personal(z.email()),
    addToContactEmails: z.boolean(),
    changedAt: at,
  }),
  personal: [{ subject: 'contactId', fields: ['loginEmail', 'previousLoginEmail'] }],
});

/** A successful login (the application checked the password first). */
export const contactLoggedIn = defineEvent({
  type: 'ContactLoggedIn',
  version: 1,
  schema: z.object({
    ...ids,
    at,
    ipAddress: personal(z.string().min(1)).nullable(),
    userAgent: personal(z.string().min(1)).nullable(),
  }),
  personal: [{ subject: 'contactId', fields: ['ipAddress', 'userAgent'] }],
});

/**
 * The contact asked for a password reset on the login page: a link goes to the login email. Its
 * token is derived again from `resetId` by the mail process (Secrets.deriveToken('password-reset',
 * resetId)); only its digest is kept here. A later request replaces it; it works once, for a short
 * while (PASSWORD_RESET_VALIDITY_MS).
 */
export const passwordResetRequested = defineEvent({
  type: 'PasswordResetRequested',
  version: 1,
  schema: z.object({ ...ids, resetId: z.string().min(1), tokenHash: z.string().min(1), email: personal(z.email()), requestedAt: at, expiresAt: at }),
  personal: [{ subject: 'contactId', fields: ['email'] }],
});

/** The contact followed the reset link and set a new password: the link is used up. */
export const passwordReset = defineEvent({
  type: 'PasswordReset',
  version: 1,
  schema: z.object({ ...ids, resetId: z.string().min(1), passwordHash: z.string().min(1), resetAt: at }),
});

export const portalAccessEvents = [
  portalAccessOpened,
  accessNotificationRequested,
  portalAccessActivated,
  portalAccessClosed,
  sharedSelectionChanged,
  loginEmailChanged,
  contactLoggedIn,
  passwordResetRequested,
  passwordReset,
] as const;
export type PortalAccessEvent = EventsOf<typeof portalAccessEvents>;
