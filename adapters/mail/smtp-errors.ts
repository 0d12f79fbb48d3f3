import type { NodemailerError } from 'nodemailer';
import { MailDeferredError, MailRejectedError } from '../../src/core/mail.js';

/** A failure worth retrying later with the same message: the server, the network or our configuration. */
export class MailTransientError extends Error {
  override readonly name = 'MailTransientError';

  constructor(
    message: string,
    /** nodemailer's code: ECONNECTION, ESOCKET, ETIMEDOUT, EAUTH, EENVELOPE, EMESSAGE… */
    readonly code?: string,
    /** The SMTP command in flight, e.g. "RCPT TO", "DATA", "AUTH PLAIN", "CONN". */
    readonly command?: string,
    readonly responseCode?: number,
  ) {
    super(message);
  }
}

/**
 * Sorts a nodemailer error into a permanent refusal of this message (MailRejectedError) or a
 * transient failure. Permanent: a 5xx reply (but 503) to RCPT TO or DATA, a 552 to MAIL FROM
 * (the message is too large), a message over the size the server announced, a recipient
 * nodemailer cannot use. Everything else is transient, a 5xx to AUTH (535) and to MAIL FROM
 * (the sender) included: that is our configuration, not the recipient's fault, and every mail
 * would fail the same way until someone fixes it. `secrets` (the password) are cut out of
 * every text kept; the original error is not kept as a cause for the same reason.
 */
export function classifySmtpError(thrown: unknown, secrets: readonly string[]): MailRejectedError | MailDeferredError | MailTransientError {
  const error = (thrown ?? {}) as Partial<NodemailerError>;
  const scrub = (text: string) => secrets.filter((s) => s !== '').reduce((out, secret) => out.split(secret).join('***'), text);
  const code = typeof error.code === 'string' ? error.code : undefined;
  const command = typeof error.command === 'string' ? error.command : undefined;
  const responseCode = typeof error.responseCode === 'number' ? error.responseCode : undefined;
  const reason = scrub(typeof error.response === 'string' && error.response !== '' ? error.response : String(error.message ?? thrown));
  if (isPermanent(code, command, responseCode)) return new MailRejectedError(reason, responseCode);
  const aboutThisEmail = command === 'RCPT TO' || command === 'DATA';
  if (aboutThisEmail && responseCode !== undefined && responseCode >= 400 && responseCode < 500) return new MailDeferredError(reason, responseCode);
  return new MailTransientError(scrub(String(error.message ?? thrown)), code, command, responseCode);
}

function isPermanent(code: string | undefined, command: string | undefined, responseCode: number | undefined): boolean {
  const permanentReply = responseCode !== undefined && responseCode >= 500 && responseCode < 600 && responseCode !== 503;
  if (command === 'RCPT TO' || command === 'DATA') return permanentReply;
  if (command === 'MAIL FROM') return responseCode === 552 || (code === 'EMESSAGE' && responseCode === undefined);
  // Refused before a byte went out: no recipient left, or one nodemailer cannot write.
  if (command === 'API') return code === 'EENVELOPE' || code === 'EMESSAGE';
  return false;
}
