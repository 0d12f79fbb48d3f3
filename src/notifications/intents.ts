import type { MailKind } from '../core/mail.js';
import type { InvitationReason } from '../invitation/events.js';
import type { SharedItem } from '../portal-access/shared-items.js';

/** Why an access notice goes out: access opened, re-opened, or what is shared changed. */
export type AccessNoticeReason = 'opened' | 'reopened' | 'folders_changed';

/** The event an email answers: its id makes the Message-ID, so every attempt is the same message. */
export interface MailCause {
  eventId: string;
  tenantId: string;
}

/** An invitation email (or its reminder): the link's token is derived again from `invitationId`. */
export interface InvitationIntent {
  kind: Extract<MailKind, 'invitation' | 'invitation_reminder'>;
  cause: MailCause;
  clientId: string;
  contactId: string;
  invitationId: string;
  email: string;
  formId: string | null;
  formName: string | null;
  expiresAt: string;
  reason: InvitationReason | 'reminder';
  /** The digest the log keeps: the derived token must match it, or the link would not work. */
  tokenHash: string;
}

/** "Your portal access is open" / "what is shared with you changed". */
export interface AccessNoticeIntent {
  kind: 'access_notice';
  cause: MailCause;
  clientId: string;
  contactId: string;
  email: string;
  sharedItems: SharedItem[];
  reason: AccessNoticeReason;
  /** False while the contact still has to set a password through their invitation. */
  contactHasPassword: boolean;
}

/** A contact uploaded a document: the firm's assigned staff (else its partner admins) are told. */
export interface UploadAlertIntent {
  kind: 'upload_alert';
  cause: MailCause;
  clientId: string;
  documentId: string;
  name: string;
  folderPath: string;
  version: number;
  uploadedByContactId: string | null;
}

/** A contact asked for a password reset: the link's token is derived again from `resetId`. */
export interface PasswordResetIntent {
  kind: 'password_reset';
  cause: MailCause;
  clientId: string;
  contactId: string;
  resetId: string;
  email: string;
  expiresAt: string;
  /** The digest the log keeps: the derived token must match it, or the link would not work. */
  tokenHash: string;
}

export type MailIntent = InvitationIntent | AccessNoticeIntent | UploadAlertIntent | PasswordResetIntent;

/**
 * The local part of an email's Message-ID and the key of its sent-mail record: the causing event,
 * the kind, and for an email that goes to several people one at a time, the recipient's id.
 */
export function messageKey(intent: Pick<MailIntent, 'cause' | 'kind'>, recipientId?: string): string {
  const base = `${intent.cause.eventId}.${intent.kind}`;
  return recipientId === undefined ? base : `${base}.${recipientId}`;
}
