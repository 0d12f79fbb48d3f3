import type { ConnectionOptions } from 'node:tls';
import nodemailer from 'nodemailer';
import { MailRejectedError, type Mailer, type OutgoingMail } from '../../src/core/mail.js';
import type { Clock } from '../../src/core/ports.js';
import { systemClock } from '../system/clock-and-ids.js';
import { messageOptions, parseSender } from './nodemailer-message.js';
import { classifySmtpError } from './smtp-errors.js';

export interface MailLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface SmtpMailerOptions {
  /** SMTP_URL: smtp://user:pass@host:port (STARTTLS when the server offers it) or smtps:// (TLS from the start). */
  url: string;
  /** MAIL_FROM: `address` or `Name <address>`. */
  from: string;
  /** Pooled connections kept open at most (default 5). */
  maxConnections?: number;
  /** Extra TLS options, e.g. `{ ca }` for a server with its own certificate authority. */
  tls?: ConnectionOptions;
  logger?: MailLogger;
  /** Dates the emails (default: the system clock). */
  clock?: Clock;
}

/**
 * Sends mail over SMTP through a pool of connections. A send resolves once the server accepted
 * the message; it throws MailRejectedError when the server refused it for good, and a
 * MailTransientError (never carrying the password) for anything worth retrying.
 */
export function smtpMailer(options: SmtpMailerOptions): Mailer & { close(): Promise<void> } {
  const sender = parseSender(options.from);
  const secrets = passwordsIn(checkedUrl(options.url));
  const clock = options.clock ?? systemClock;
  const transport = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: options.maxConnections ?? 5,
    // Every failure comes back to the caller, whose retries have backoff and a record; the pool
    // would otherwise resend a message on its own when a connection closes mid-delivery.
    maxRequeues: 0,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    // Neither ignoreTLS nor secure is set here: nodemailer upgrades with STARTTLS when offered and smtps:// is TLS.
    ...(options.tls === undefined ? {} : { tls: options.tls }),
    // nodemailer's own logging could print the message, which carries an activation token.
    logger: false,
    debug: false,
  });

  return {
    async send(mail: OutgoingMail) {
      const log = { messageId: mail.messageId, kind: mail.kind };
      try {
        const info = await transport.sendMail(messageOptions(mail, sender, clock.now()));
        options.logger?.debug({ ...log, response: info.response }, 'accepted by the SMTP server');
      } catch (thrown) {
        // Our own address checks refuse for good before anything is sent.
        const error = thrown instanceof MailRejectedError ? thrown : classifySmtpError(thrown, secrets);
        options.logger?.warn({ ...log, error: error.name, message: error.message }, 'mail not sent');
        throw error;
      }
    },
    async close() {
      transport.close();
    },
  };
}

/**
 * SMTP_URL checked before nodemailer sees it: given a URL it cannot parse, nodemailer throws an
 * error carrying the whole URL (`input`) and Node prints it, password included, in a warning.
 */
function checkedUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('SMTP_URL is not a valid URL: smtp://user:password@host:port or smtps://user:password@host:port.');
  }
  if ((parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') || parsed.hostname === '') {
    throw new Error(`SMTP_URL must start with smtp:// or smtps:// and name a host (it starts with ${JSON.stringify(parsed.protocol)}).`);
  }
  return parsed;
}

/** The URL's password as written and decoded, so either spelling is cut out of error texts. */
function passwordsIn(url: URL): string[] {
  const password = url.password;
  if (password === '') return [];
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // keep the raw spelling only
  }
  return [...new Set([password, decoded])];
}
