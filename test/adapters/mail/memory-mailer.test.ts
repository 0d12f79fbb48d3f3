import { describe, expect, it } from 'vitest';
import { memoryMailer } from '../../../adapters/mail/memory-mailer.js';
import { MailTransientError } from '../../../adapters/mail/smtp-errors.js';
import { MailRejectedError, type OutgoingMail } from '../../../src/core/mail.js';

const mail = (messageId: string): OutgoingMail => ({
  messageId,
  kind: 'access_notice',
  to: { address: 'ann@client.example' },
  subject: 'Access',
  text: 'text',
  html: '<p>html</p>',
  causeEventId: 'event-1',
});

describe('the memory mailer', () => {
  it('keeps the mails handed over, in order, a repeat included', async () => {
    const mailer = memoryMailer();
    await mailer.send(mail('a@p.example'));
    await mailer.send(mail('b@p.example'));
    await mailer.send(mail('a@p.example'));
    expect(mailer.sent.map((m) => m.messageId)).toEqual(['a@p.example', 'b@p.example', 'a@p.example']);
  });

  it('fails the next sends as scripted, one failure each, then delivers', async () => {
    const mailer = memoryMailer({ failures: ['transient'] });
    mailer.failNext('permanent');
    await expect(mailer.send(mail('a@p.example'))).rejects.toBeInstanceOf(MailTransientError);
    await expect(mailer.send(mail('a@p.example'))).rejects.toMatchObject({ name: 'MailRejectedError', responseCode: 550 });
    await mailer.send(mail('a@p.example'));
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.attempts.get('a@p.example')).toBe(3);
  });

  it('asks a function per attempt of each Message-ID', async () => {
    const mailer = memoryMailer({ fail: (m, attempt) => (m.messageId.startsWith('gone') ? new MailRejectedError('550 gone', 550) : attempt < 3 ? new Error('busy') : undefined) });
    await expect(mailer.send(mail('gone@p.example'))).rejects.toBeInstanceOf(MailRejectedError);
    await expect(mailer.send(mail('a@p.example'))).rejects.toThrow('busy');
    await expect(mailer.send(mail('a@p.example'))).rejects.toThrow('busy');
    await mailer.send(mail('a@p.example'));
    expect(mailer.sent.map((m) => m.messageId)).toEqual(['a@p.example']);
  });
});
