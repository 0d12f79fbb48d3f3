/**
 * The notification process manager's decision, pure: which emails an event asks for. The mail
 * process (application/mail.ts) feeds it the log in order, gathers the facts the emails need and
 * sends each email once.
 *
 * - InvitationSent → the invitation email (invite, resend, guest added, access opened).
 * - AccessNotificationRequested with a password, when the firm opened access → "your portal access
 *   is open" (again); without a password the invitation is that notice (issueInvitation sends it).
 * - SharedSelectionChanged → "what is shared with you changed".
 * - DocumentAdded / DocumentVersionAdded from a client upload → an alert to the firm.
 * - PasswordResetRequested → the reset link to the login email.
 * Reminders are due by time, not by an event: see reminders.ts.
 */
import type { RecordedEvent } from '../core/envelope.js';
import type { DocumentEvent } from '../document/events.js';
import type { InvitationEvent } from '../invitation/events.js';
import type { PortalAccessEvent } from '../portal-access/events.js';
import type { MailCause, MailIntent } from './intents.js';

/** Event types the planner reads: the process's subscription filter. */
export const mailEventTypes = ['InvitationSent', 'AccessNotificationRequested', 'SharedSelectionChanged', 'DocumentAdded', 'DocumentVersionAdded', 'PasswordResetRequested'] as const;

/**
 * The emails `event` asks for. `accessStream` holds the contact's portal-access events up to and
 * including `event` when it is one of them: a notice names what is shared after the save and whether
 * access was re-opened.
 */
export function mailIntentsOf(event: RecordedEvent, accessStream: readonly RecordedEvent[] = []): MailIntent[] {
  const cause: MailCause = { eventId: event.id, tenantId: event.metadata.tenantId };
  const typed = event as unknown as (InvitationEvent | PortalAccessEvent | DocumentEvent) & RecordedEvent;
  switch (typed.type) {
    case 'InvitationSent': {
      const d = typed.data;
      return [
        {
          kind: 'invitation',
          cause,
          clientId: d.clientId,
          contactId: d.contactId,
          invitationId: d.invitationId,
          email: d.email,
          formId: d.formId,
          formName: d.formName ?? null,
          expiresAt: d.expiresAt,
          reason: d.reason,
          tokenHash: d.tokenHash,
        },
      ];
    }
    case 'AccessNotificationRequested': {
      const d = typed.data;
      if (!d.contactHasPassword || event.metadata.actor.kind === 'contact') return [];
      const opened = sameSave(event, accessStream).find((e) => e.type === 'PortalAccessOpened');
      if (opened === undefined) return [];
      const { sharedItems, reopened } = (opened as RecordedEvent<'PortalAccessOpened', { sharedItems: never[]; reopened: boolean }>).data;
      const reason = reopened ? 'reopened' : 'opened';
      return [{ kind: 'access_notice', cause, clientId: d.clientId, contactId: d.contactId, email: d.email, sharedItems, reason, contactHasPassword: true }];
    }
    case 'SharedSelectionChanged': {
      const d = typed.data;
      const access = loginOf(accessStream, event);
      if (access.email === null) return [];
      const notice = { cause, clientId: d.clientId, contactId: d.contactId, email: access.email, sharedItems: d.sharedItems };
      return [{ kind: 'access_notice', ...notice, reason: 'folders_changed', contactHasPassword: access.hasPassword }];
    }
    case 'DocumentAdded':
    case 'DocumentVersionAdded': {
      const d = typed.data;
      if (d.origin !== 'client_upload') return [];
      const uploadedByContactId = typed.type === 'DocumentAdded' ? typed.data.uploadedByContactId : null;
      const { documentId, clientId, name, folderPath, version } = d;
      return [{ kind: 'upload_alert', cause, clientId, documentId, name, folderPath, version, uploadedByContactId }];
    }
    case 'PasswordResetRequested': {
      const { clientId, contactId, resetId, email, expiresAt, tokenHash } = typed.data;
      return [{ kind: 'password_reset', cause, clientId, contactId, resetId, email, expiresAt, tokenHash }];
    }
    default:
      return [];
  }
}

/** The events appended together with `event` (one decision: the same correlation, just before it). */
function sameSave(event: RecordedEvent, stream: readonly RecordedEvent[]): RecordedEvent[] {
  const at = stream.findIndex((e) => e.id === event.id);
  const save: RecordedEvent[] = [];
  for (let i = at - 1; i >= 0 && stream[i]!.metadata.correlationId === event.metadata.correlationId; i--) save.unshift(stream[i]!);
  return save;
}

/** The login email and whether a password was set, as of `event` in the contact's access stream. */
function loginOf(stream: readonly RecordedEvent[], event: RecordedEvent): { email: string | null; hasPassword: boolean } {
  let email: string | null = null;
  let hasPassword = false;
  for (const e of stream) {
    if (e.revision > event.revision) break;
    const d = e.data as { loginEmail?: string; accessState?: string };
    if (e.type === 'PortalAccessOpened' || e.type === 'LoginEmailChanged') email = d.loginEmail ?? email;
    if (e.type === 'PortalAccessActivated' || (e.type === 'PortalAccessOpened' && d.accessState === 'active')) hasPassword = true;
  }
  return { email, hasPassword };
}
