import { createHash } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Mailer, OutgoingMail } from '../../src/core/mail.js';
import type { Clock } from '../../src/core/ports.js';
import { systemClock } from '../system/clock-and-ids.js';
import { writeAtomically } from '../system/write-atomically.js';
import { messageOptions, parseSender } from './nodemailer-message.js';

export interface EmlFolderMailerOptions {
  /** The folder the .eml files go to (created when missing). */
  dir: string;
  /** MAIL_FROM: `address` or `Name <address>`. */
  from: string;
  /** Dates the emails and orders the file names (default: the system clock). */
  clock?: Clock;
}

/**
 * Writes each mail as an .eml file a mail program can open: the message SMTP would carry, built
 * by the same nodemailer code, complete or not at all. Files sort in the order mails were
 * handed over; a mail sent again (same Message-ID) replaces its file instead of adding one.
 */
export function emlFolderMailer(options: EmlFolderMailerOptions): Mailer & { readonly dir: string } {
  const sender = parseSender(options.from);
  const clock = options.clock ?? systemClock;
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  let files: Promise<Map<string, string>> | undefined;
  let sequence = 0;
  // One write at a time: two sends of one Message-ID must agree on its file.
  let queue: Promise<unknown> = Promise.resolve();

  const write = async (mail: OutgoingMail): Promise<void> => {
    const date = clock.now();
    const composed = messageOptions(mail, sender, date);
    const info = await transport.sendMail(composed);
    if (!Buffer.isBuffer(info.message)) throw new Error('nodemailer returned no message buffer.');
    const message = info.message;
    files ??= existingFiles(options.dir);
    const byId = await files;
    const id = fileSafe(mail.messageId);
    const name = byId.get(id) ?? `${sortableTime(date)}-${String(++sequence).padStart(6, '0')}-${mail.kind}-${id}.eml`;
    await writeAtomically(join(options.dir, name), [message.toString('utf8')]);
    byId.set(id, name);
  };

  return {
    dir: options.dir,
    send(mail: OutgoingMail) {
      const done = queue.then(() => write(mail));
      queue = done.catch(() => undefined);
      return done;
    },
    async close() {
      await queue;
    },
  };
}

const fileName = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-\d+-[a-z_]+-(.+)\.eml$/;

/** The folder's .eml files by the Message-ID part of their names (the folder is created when missing). */
async function existingFiles(dir: string): Promise<Map<string, string>> {
  await mkdir(dir, { recursive: true });
  const byId = new Map<string, string>();
  for (const name of (await readdir(dir)).sort()) {
    const id = fileName.exec(name)?.[1];
    if (id !== undefined && !byId.has(id)) byId.set(id, name);
  }
  return byId;
}

/**
 * The Message-ID as a file-name part: letters, digits and `. _ + @ -` kept, anything else
 * replaced, at most 120 characters. When anything was changed a digest of the whole id is
 * appended, so two ids never share a name.
 */
function fileSafe(messageId: string): string {
  const safe = messageId.replace(/[^A-Za-z0-9._+@-]/g, '_').slice(0, 120);
  if (safe === messageId) return safe;
  return `${safe}~${createHash('sha256').update(messageId).digest('hex').slice(0, 16)}`;
}

/** e.g. 2026-03-02T09-00-00-000Z: sorts like the instant, and is a valid name everywhere. */
function sortableTime(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}
