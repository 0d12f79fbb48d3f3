import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { AccessNotificationDelivery, AccessNotificationToDeliver, Clock, InvitationDelivery, InvitationToDeliver } from '../../src/core/ports.js';
import { systemClock } from '../system/clock-and-ids.js';
import { writeAtomically } from '../system/write-atomically.js';
import { emlText, type Mailbox } from './eml.js';
import { accessNotificationEmail, invitationEmail, type EmailContent } from './messages.js';

export interface FileOutboxOptions {
  /** The folder the .eml files go to (created when missing). */
  dir: string;
  /** Default: "Client portal" at no-reply@ the public URL's host (or localhost). */
  from?: Mailbox;
  /** Dates the emails and orders the file names (default: the system clock). */
  clock?: Clock;
}

/** Invitations written as .eml files a user can open, until the portal sends mail itself. */
export function fileInvitationOutbox(options: FileOutboxOptions & { publicUrl: string }): InvitationDelivery & { readonly dir: string } {
  const write = emlWriter(options, options.publicUrl);
  return {
    dir: options.dir,
    // The raw token goes into the file and nowhere else: not the file's name, not a log line.
    deliver: (invitation: InvitationToDeliver) => write('invitation', invitationEmail(invitation, options.publicUrl)),
  };
}

/** Access notifications written as .eml files; with `publicUrl`, they say where to log in. */
export function fileAccessNotificationOutbox(options: FileOutboxOptions & { publicUrl?: string }): AccessNotificationDelivery & { readonly dir: string } {
  const write = emlWriter(options, options.publicUrl);
  return {
    dir: options.dir,
    deliver: (notification: AccessNotificationToDeliver) => write('access', accessNotificationEmail(notification, options.publicUrl)),
  };
}

/** Emails handed over in this process, shared by every outbox (two may write into one folder). */
let handedOver = 0;

/** Writes each email to its own file, complete or not at all (a reader never sees half an email). */
function emlWriter(options: FileOutboxOptions, publicUrl: string | undefined) {
  const from = options.from ?? { name: 'Client portal', address: `no-reply@${mailDomain(publicUrl)}` };
  const domain = from.address.split('@').at(-1)!;
  const clock = options.clock ?? systemClock;
  return async (kind: string, content: EmailContent): Promise<void> => {
    const date = clock.now();
    const id = randomUUID();
    const text = emlText({ from, to: content.to, subject: content.subject, text: content.text, date, messageId: `${id}@${domain}` });
    // Sorted by name, the files are in the order they were handed over, within a millisecond too.
    const name = `${date.toISOString().replace(/[:.]/g, '-')}-${String(++handedOver).padStart(6, '0')}-${kind}-${id}.eml`;
    await mkdir(options.dir, { recursive: true });
    await writeAtomically(join(options.dir, name), [text]);
  };
}

/** The public URL's host name when it is one (an address cannot end in a bare IP), else localhost. */
function mailDomain(publicUrl: string | undefined): string {
  const host = publicUrl === undefined ? '' : new URL(publicUrl).hostname;
  return host === '' || isIP(host) !== 0 || host.startsWith('[') ? 'localhost' : host;
}
