import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { emlFolderMailer } from '../../../adapters/mail/eml-folder-mailer.js';
import { smtpMailer } from '../../../adapters/mail/smtp-mailer.js';
import { MailRejectedError, type OutgoingMail } from '../../../src/core/mail.js';
import { testClock } from '../../support/portal.js';
import { startSmtpServer } from '../../support/smtp.js';

const root = mkdtempSync(join(tmpdir(), 'eml-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
const freshDir = () => join(root, `missing-${++folders}`, 'outbox');

const token = 'raw-activation-token-fedcba9876543210';
function outgoing(overrides: Partial<OutgoingMail> = {}): OutgoingMail {
  return {
    messageId: '0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee.invitation@portal.example',
    kind: 'invitation',
    to: { name: 'Zoë Ångström', address: 'zoe@client.example' },
    fromName: 'Müller & Söhne',
    replyTo: 'support@mueller.example',
    subject: 'Ihr Zugang – bitte aktivieren ✓',
    text: `Hello Zoë,\nactivate: https://portal.example/activate?token=${token}\n`,
    html: `<p>Hello Zoë, <a href="https://portal.example/activate?token=${token}">activate</a></p>`,
    causeEventId: '0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee',
    ...overrides,
  };
}

const files = (dir: string) => readdirSync(dir).sort();
const parsed = (dir: string, name: string) => simpleParser(readFileSync(join(dir, name)));

describe('the .eml folder mailer', () => {
  it('writes one .eml file per mail into a folder it creates, named by time, order, kind and Message-ID', async () => {
    const dir = freshDir();
    const mailer = emlFolderMailer({ dir, from: 'Client portal <no-reply@portal.example>', clock: testClock(new Date('2026-03-02T09:00:00.000Z')) });
    expect(mailer.dir).toBe(dir);
    await mailer.send(outgoing());
    await mailer.send(outgoing({ messageId: 'second.access_notice@portal.example', kind: 'access_notice' }));
    const names = files(dir);
    expect(names).toHaveLength(2);
    expect(names[0]).toMatch(/^2026-03-02T09-00-00-000Z-\d{6}-invitation-0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee\.invitation@portal\.example\.eml$/);
    expect(names[1]).toMatch(/^2026-03-02T09-00-00-000Z-\d{6}-access_notice-second\.access_notice@portal\.example\.eml$/);
  });

  it('writes the message a mail program reads: sender, recipient, reply-to, subject, both parts, Message-ID, date, CRLF lines', async () => {
    const dir = freshDir();
    await emlFolderMailer({ dir, from: 'no-reply@portal.example', clock: testClock(new Date('2026-03-02T09:00:00.000Z')) }).send(outgoing());
    const raw = readFileSync(join(dir, files(dir)[0]!), 'utf8');
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/\n/);
    const mail = await parsed(dir, files(dir)[0]!);
    expect(mail.from!.value).toEqual([{ name: 'Müller & Söhne', address: 'no-reply@portal.example' }]);
    expect(mail.to).toMatchObject({ value: [{ name: 'Zoë Ångström', address: 'zoe@client.example' }] });
    expect(mail.replyTo!.value).toEqual([{ name: '', address: 'support@mueller.example' }]);
    expect(mail.subject).toBe('Ihr Zugang – bitte aktivieren ✓');
    expect(mail.messageId).toBe('<0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee.invitation@portal.example>');
    expect(mail.date).toEqual(new Date('2026-03-02T09:00:00.000Z'));
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(mail.text).toContain(`token=${token}`);
    expect(mail.html).toContain(`token=${token}`);
  });

  it('writes the same headers and parts as the SMTP mailer sends', async () => {
    const dir = freshDir();
    const smtp = await startSmtpServer();
    const clock = testClock(new Date('2026-03-02T09:00:00.000Z'));
    const viaSmtp = smtpMailer({ url: smtp.url, from: 'Portal <no-reply@portal.example>', tls: { ca: smtp.ca }, clock });
    try {
      await viaSmtp.send(outgoing());
    } finally {
      await viaSmtp.close();
      await smtp.close();
    }
    await emlFolderMailer({ dir, from: 'Portal <no-reply@portal.example>', clock }).send(outgoing());
    const fromFile = await parsed(dir, files(dir)[0]!);
    const received = smtp.received[0]!;
    const essentials = (m: typeof fromFile) => ({ from: m.from, to: m.to, replyTo: m.replyTo, subject: m.subject, messageId: m.messageId, date: m.date, text: m.text, html: m.html });
    expect(essentials(fromFile)).toEqual(essentials(received));
    const names = (m: typeof fromFile) => [...m.headers.keys()].sort();
    expect(names(fromFile)).toEqual(names(received));
  });

  it('keeps one file for a Message-ID sent twice, and leaves no temporary file behind', async () => {
    const dir = freshDir();
    let now = new Date('2026-03-02T09:00:00.000Z');
    const mailer = emlFolderMailer({ dir, from: 'no-reply@portal.example', clock: { now: () => now } });
    await mailer.send(outgoing());
    now = new Date('2026-03-02T09:05:00.000Z');
    await Promise.all([mailer.send(outgoing()), mailer.send(outgoing())]);
    const names = files(dir);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^2026-03-02T09-00-00-000Z-/);
  });

  it('finds the file of a Message-ID written before a restart', async () => {
    const dir = freshDir();
    await emlFolderMailer({ dir, from: 'no-reply@portal.example' }).send(outgoing());
    await emlFolderMailer({ dir, from: 'no-reply@portal.example' }).send(outgoing());
    await emlFolderMailer({ dir, from: 'no-reply@portal.example' }).send(outgoing({ messageId: 'other@portal.example' }));
    expect(files(dir)).toHaveLength(2);
  });

  it('turns an odd Message-ID into a safe file name that still tells ids apart', async () => {
    const dir = freshDir();
    const mailer = emlFolderMailer({ dir, from: 'no-reply@portal.example' });
    await mailer.send(outgoing({ messageId: 'a%b@portal.example' }));
    await mailer.send(outgoing({ messageId: 'a$b@portal.example' }));
    await mailer.send(outgoing({ messageId: `${'x'.repeat(200)}@portal.example` }));
    const names = files(dir);
    expect(names).toHaveLength(3);
    for (const name of names) {
      expect(name).toMatch(/^[A-Za-z0-9._+@~-]+\.eml$/);
      expect(name.length).toBeLessThan(200);
    }
  });

  it('refuses a mail with a malformed recipient for good and writes nothing', async () => {
    const dir = freshDir();
    const mailer = emlFolderMailer({ dir, from: 'no-reply@portal.example' });
    await expect(mailer.send(outgoing({ to: { address: 'ann@x.example\r\nBcc: evil@x.example' } }))).rejects.toBeInstanceOf(MailRejectedError);
    await mailer.send(outgoing({ messageId: 'fine@portal.example' }));
    expect(files(dir)).toHaveLength(1);
  });
});
