import { memoryMailer, type MemoryMailer } from '../../adapters/mail/memory-mailer.js';
import type { AppContext } from '../../src/application/context.js';
import { mailProcess, type MailProcessOptions } from '../../src/application/mail.js';
import type { Portal } from '../../src/application/portal.js';
import type { OutgoingMail } from '../../src/core/mail.js';
import type { AccessNoticeIntent, InvitationIntent, MailIntent, PasswordResetIntent, UploadAlertIntent } from '../../src/notifications/intents.js';

/** The public address test portals put in their emails' links. */
export const TEST_PUBLIC_URL = 'https://portal.test';

/** An invitation email as a test sees it: what it was about, and the token taken from its link. */
export type DeliveredInvitation = Omit<InvitationIntent, 'cause' | 'tokenHash'> & { tenantId: string; token: string; mail: OutgoingMail };
export type DeliveredNotice = Omit<AccessNoticeIntent, 'cause'> & { tenantId: string; mail: OutgoingMail };
export type DeliveredAlert = Omit<UploadAlertIntent, 'cause'> & { tenantId: string; mail: OutgoingMail };
export type DeliveredReset = Omit<PasswordResetIntent, 'cause' | 'tokenHash'> & { tenantId: string; token: string; mail: OutgoingMail };

/** The contact id and token of the password reset link in an email's text. */
export function resetLinkIn(text: string): { contactId: string; token: string } {
  const match = /\/reset-password\?contactId=([^&\s]+)&token=([^\s&]+)/.exec(text);
  if (!match) throw new Error('No password reset link in the email.');
  return { contactId: decodeURIComponent(match[1]!), token: decodeURIComponent(match[2]!) };
}

/** The contact id and token of the activation link in an email's text. */
export function linkIn(text: string): { contactId: string; token: string } {
  const match = /\/activate\?contactId=([^&\s]+)&token=([^\s&]+)/.exec(text);
  if (!match) throw new Error('No activation link in the email.');
  return { contactId: decodeURIComponent(match[1]!), token: decodeURIComponent(match[2]!) };
}

/**
 * The mail process over a test portal's log, into a memory mailer, run on demand: every read of
 * an outbox first mails what the log asks for (in order, once), so a test reads its emails right
 * after the call that caused them.
 */
export function testMail(source: AppContext | Pick<Portal, 'log' | 'mailProcess'>, options: Partial<MailProcessOptions> & { mailer?: MemoryMailer } = {}) {
  const log = source.log;
  const start = (o: MailProcessOptions) => ('mailProcess' in source ? source.mailProcess(o) : mailProcess(source, o));
  const mailer = options.mailer ?? memoryMailer();
  const invitations: DeliveredInvitation[] = [];
  const notices: DeliveredNotice[] = [];
  const alerts: DeliveredAlert[] = [];
  const resets: DeliveredReset[] = [];
  const delivered = (mail: OutgoingMail, intent: MailIntent) => {
    const { cause, ...about } = intent;
    const tenantId = cause.tenantId;
    if (about.kind === 'access_notice') notices.push({ ...about, tenantId, mail });
    else if (about.kind === 'upload_alert') alerts.push({ ...about, tenantId, mail });
    else if (about.kind === 'password_reset') {
      const { tokenHash: _, ...rest } = about;
      resets.push({ ...rest, tenantId, token: resetLinkIn(mail.text).token, mail });
    }
    else {
      const { tokenHash: _, ...rest } = about as InvitationIntent;
      invitations.push({ ...rest, tenantId, token: linkIn(mail.text).token, mail });
    }
  };
  const process = start({
    publicUrl: TEST_PUBLIC_URL,
    messageDomain: 'portal.test',
    retry: { firstDelayMs: 1, maxDelayMs: 4 },
    ...options,
    mailer,
    onSent: (mail, intent) => {
      delivered(mail, intent);
      options.onSent?.(mail, intent);
    },
  });
  let after: number | undefined;
  let turn: Promise<void> = Promise.resolve();
  /** Mails everything the log asks for so far. */
  const settle = (): Promise<void> =>
    (turn = turn
      .catch(() => undefined)
      .then(async () => {
        for await (const event of log.readAll({ after, filter: process.filter })) {
          await process.handle([event]);
          after = event.position;
        }
      }));
  const outbox = <T extends { contactId: string }>(list: T[]) => ({
    async sent(): Promise<T[]> {
      await settle();
      return [...list];
    },
    async lastTo(contactId: string): Promise<T | undefined> {
      await settle();
      return list.filter((m) => m.contactId === contactId).at(-1);
    },
  });
  return {
    mailer,
    process,
    settle,
    /** Invitation emails and reminders. */
    outbox: outbox(invitations),
    /** Access notices. */
    notifications: outbox(notices),
    /** Password reset links. */
    resets: outbox(resets),
    /** Upload alerts to the firm. */
    alerts: {
      async sent(): Promise<DeliveredAlert[]> {
        await settle();
        return [...alerts];
      },
    },
  };
}

export type TestMail = ReturnType<typeof testMail>;
