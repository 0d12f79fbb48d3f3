import type { SendMailOptions } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import { MailRejectedError, type MailAddress, type OutgoingMail } from '../../src/core/mail.js';

/**
 * local@domain with none of the characters that would end a header, start another address or
 * another SMTP command: no whitespace (CR/LF above all), no comma, no angle bracket, no quote.
 * Stricter than RFC 5322 (no quoted local parts), which composed mail never needs.
 */
const safeAddress = /^[^\s<>()[\],;:"\\@\p{Cc}]+@[^\s<>()[\],;:"\\@\p{Cc}]+$/u;

export function isSafeAddress(text: string): boolean {
  return text.length <= 254 && safeAddress.test(text);
}

/** Control characters (CR and LF above all) and line separators become spaces, runs of spaces one. */
export function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').replace(/ {2,}/g, ' ').trim();
}

/**
 * MAIL_FROM as configured: `address` or `Name <address>`. Refused unless it is exactly one safe
 * address, since every mail would carry it.
 */
export function parseSender(from: string): MailAddress {
  const parsed = addressparser(from, { flatten: true });
  const [only, ...others] = parsed;
  if (only === undefined || others.length > 0 || !isSafeAddress(only.address)) throw new Error('MAIL_FROM must be one email address, optionally with a name: "Name <address>".');
  const name = oneLine(only.name);
  return name === '' ? { address: only.address } : { name, address: only.address };
}

/**
 * The nodemailer message for a composed mail, the same for every transport: From is the
 * mail's sender name (else the configured one) at the configured address, one recipient in
 * the header and in the envelope, text and HTML as multipart/alternative, the given
 * Message-ID. Names and subject lose their control characters, so no value can start a
 * header of its own; an address that could is refused for good.
 */
export function messageOptions(mail: OutgoingMail, sender: MailAddress, date: Date): SendMailOptions {
  if (!isSafeAddress(mail.to.address)) throw new MailRejectedError('malformed recipient address');
  if (mail.replyTo !== undefined && !isSafeAddress(mail.replyTo)) throw new MailRejectedError('malformed Reply-To address');
  if (!isSafeAddress(mail.messageId)) throw new MailRejectedError('malformed Message-ID');
  const fromName = mail.fromName === undefined ? sender.name : oneLine(mail.fromName);
  const toName = mail.to.name === undefined ? '' : oneLine(mail.to.name);
  return {
    // Objects, never "Name <address>" strings: nodemailer would parse a string into any number of addresses.
    from: { name: fromName ?? '', address: sender.address },
    to: { name: toName, address: mail.to.address },
    ...(mail.replyTo === undefined ? {} : { replyTo: { name: '', address: mail.replyTo } }),
    // The envelope is set, not derived from the headers: exactly this one recipient.
    envelope: { from: sender.address, to: [mail.to.address] },
    subject: oneLine(mail.subject),
    text: mail.text,
    html: mail.html,
    messageId: `<${mail.messageId}>`,
    date,
    // Neither transport may read a file or a URL on the message's behalf.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}
