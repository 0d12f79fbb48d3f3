import type { AccessNotificationReason, AccessNotificationToDeliver, InvitationToDeliver } from '../../src/core/ports.js';
import { INVITATION_VALIDITY_MS } from '../../src/invitation/decider.js';

/** What an email says, whichever way it goes out (a file now, SMTP with the mail adapter). */
export interface EmailContent {
  to: string;
  subject: string;
  text: string;
}

/** The page where a contact accepts the invitation and sets a password. */
export function activationLink(publicUrl: string, contactId: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/activate?contactId=${encodeURIComponent(contactId)}&token=${encodeURIComponent(token)}`;
}

const DAY_MS = 24 * 60 * 60 * 1000;

const longDate = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });

/** The invitation email: the activation link with the raw token, and until when it works. */
export function invitationEmail(invitation: InvitationToDeliver, publicUrl: string): EmailContent {
  const days = Math.round(INVITATION_VALIDITY_MS / DAY_MS);
  return {
    to: invitation.email,
    subject: 'Your invitation to the client portal',
    text: [
      'Hello,',
      '',
      'You have been invited to the client portal. To activate your account, open this link and set a password:',
      '',
      activationLink(publicUrl, invitation.contactId, invitation.token),
      '',
      `The link works once and is valid for ${days} days, until ${longDate.format(new Date(invitation.expiresAt))} UTC.`,
      'If you were not expecting this invitation, you can ignore this email.',
      '',
    ].join('\n'),
  };
}

const opening: Record<AccessNotificationReason, { subject: string; line: string }> = {
  opened: { subject: 'Your portal access is open', line: 'Your access to the client portal is open.' },
  reopened: { subject: 'Your portal access is open again', line: 'Your access to the client portal is open again.' },
  folders_changed: { subject: 'What is shared with you has changed', line: 'What is shared with you in the client portal has changed.' },
};

/** "Your portal access is open" / "what is shared with you changed", with what is shared now. */
export function accessNotificationEmail(notification: AccessNotificationToDeliver, publicUrl?: string): EmailContent {
  const { subject, line } = opening[notification.reason];
  const shared = notification.sharedItems.map((item) => (item.kind === 'folder' ? `- Folder: ${item.path}` : `- Document: ${item.documentId}`));
  const logIn = publicUrl === undefined ? 'Log in to the portal' : `Log in at ${publicUrl.replace(/\/+$/, '')}`;
  const howToLogIn = notification.contactHasPassword
    ? `${logIn} to see them.`
    : 'To log in, first set your password with the link in your invitation email.';
  return {
    to: notification.email,
    subject,
    text: [
      'Hello,',
      '',
      line,
      '',
      ...(shared.length > 0 ? ['Shared with you now:', ...shared] : ['Nothing is shared with you at the moment.']),
      '',
      howToLogIn,
      '',
    ].join('\n'),
  };
}
