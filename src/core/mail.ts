/**
 * The mail port: what the notification process hands to a transport (SMTP, an .eml folder, memory).
 * Composing the email is the library's job; the transport only delivers it.
 */

/** What an email is about; also a part of its Message-ID and of the sent-mail record. */
export const mailKinds = ['invitation', 'invitation_reminder', 'access_notice', 'upload_alert', 'password_reset'] as const;
export type MailKind = (typeof mailKinds)[number];

export interface MailAddress {
  name?: string;
  address: string;
}

/** One composed email, ready for a transport. Every attempt to send it is the same message. */
export interface OutgoingMail {
  /** Without angle brackets, e.g. `0190…-…-a1.invitation@portal.example`; derived from the causing event. */
  messageId: string;
  kind: MailKind;
  to: MailAddress;
  /** Shown as the sender's name beside the transport's own address (MAIL_FROM), e.g. the firm's name. */
  fromName?: string;
  /** Where replies go, e.g. the firm's support email. */
  replyTo?: string;
  subject: string;
  /** The complete plain-text part. */
  text: string;
  /** The HTML part (branded); user data in it is escaped. */
  html: string;
  /** The event that caused the email. */
  causeEventId: string;
}

/** Delivers composed emails. */
export interface Mailer {
  /**
   * Hands the email over. Throws MailRejectedError when it can never be delivered (the server
   * refused the recipient or the message for good: a 5xx answer, a malformed address), and
   * MailDeferredError when the server refused this one email for now (a 4xx answer to the
   * recipient or the message: a full mailbox, greylisting); any other error (the server away, a
   * wrong password) is transient for every email alike, and the caller retries the same message later.
   */
  send(mail: OutgoingMail): Promise<void>;
  /** Closes pooled connections. */
  close?(): Promise<void>;
}

/** This email was refused for now (a 4xx answer about it): the server takes others. */
export class MailDeferredError extends Error {
  override readonly name = 'MailDeferredError';

  constructor(
    readonly reason: string,
    readonly responseCode?: number,
  ) {
    super(`The mail server refused the email for now: ${reason}`);
  }
}

/** A permanent refusal: retrying the same message will not help. */
export class MailRejectedError extends Error {
  override readonly name = 'MailRejectedError';

  constructor(
    /** A short reason for the record and the client list, e.g. "550 5.1.1 mailbox unavailable". */
    readonly reason: string,
    readonly responseCode?: number,
  ) {
    super(`The mail server refused the email: ${reason}`);
  }
}
