import { afterEach, describe, expect, it, vi } from 'vitest';
import { smtpMailer, type SmtpMailerOptions } from '../../../adapters/mail/smtp-mailer.js';
import { classifySmtpError, MailTransientError } from '../../../adapters/mail/smtp-errors.js';
import { MailDeferredError, MailRejectedError, type OutgoingMail } from '../../../src/core/mail.js';
import { startSmtpServer, type SmtpServerOptions, type SmtpTestServer } from '../../support/smtp.js';

const token = 'raw-activation-token-0123456789abcdef';

function outgoing(overrides: Partial<OutgoingMail> = {}): OutgoingMail {
  return {
    messageId: '0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee.invitation@portal.example',
    kind: 'invitation',
    to: { name: 'Zoë Ångström', address: 'zoe@client.example' },
    fromName: 'Müller & Söhne Steuerberatung',
    replyTo: 'support@mueller.example',
    subject: 'Ihr Zugang zum Mandantenportal – bitte aktivieren ✓',
    text: `Hello Zoë,\nactivate: https://portal.example/activate?token=${token}\n`,
    html: `<p>Hello Zoë,</p><p><a href="https://portal.example/activate?token=${token}">Activate</a></p>`,
    causeEventId: '0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee',
    ...overrides,
  };
}

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  // Mailers before servers, so the server is not left waiting for pooled connections.
  for (const thing of open.splice(0).reverse()) await thing.close();
});

async function server(options: SmtpServerOptions = {}): Promise<SmtpTestServer> {
  const started = await startSmtpServer(options);
  open.push(started);
  return started;
}

function mailer(smtp: { url: string; ca: string }, options: Partial<SmtpMailerOptions> = {}) {
  const created = smtpMailer({ url: smtp.url, from: 'Client portal <no-reply@portal.example>', tls: { ca: smtp.ca }, ...options });
  open.push(created);
  return created;
}

/** The error a send threw (the test fails when it resolved). */
async function failure(send: Promise<void>): Promise<Error> {
  const error = await send.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error, 'the send should have failed').toBeInstanceOf(Error);
  return error as Error;
}

describe('the SMTP mailer', () => {
  it('delivers to exactly the recipient, from the sender name at MAIL_FROM, with reply-to, both parts and the given Message-ID', async () => {
    const smtp = await server();
    await mailer(smtp).send(outgoing());
    const [mail, ...others] = smtp.received;
    expect(others).toEqual([]);
    expect(mail!.envelope).toEqual({ from: 'no-reply@portal.example', to: ['zoe@client.example'] });
    expect(mail!.from!.value).toEqual([{ name: 'Müller & Söhne Steuerberatung', address: 'no-reply@portal.example' }]);
    expect(mail!.to).toMatchObject({ value: [{ name: 'Zoë Ångström', address: 'zoe@client.example' }] });
    expect(mail!.replyTo!.value).toEqual([{ name: '', address: 'support@mueller.example' }]);
    expect(mail!.subject).toBe('Ihr Zugang zum Mandantenportal – bitte aktivieren ✓');
    expect(mail!.messageId).toBe('<0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee.invitation@portal.example>');
    expect(mail!.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(mail!.text).toContain(`activate?token=${token}`);
    expect(mail!.html).toContain(`activate?token=${token}`);
    expect(mail!.date).toBeInstanceOf(Date);
    expect(Math.abs(mail!.date!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("uses MAIL_FROM's own name when the mail gives none, and the address alone when MAIL_FROM has none", async () => {
    const smtp = await server();
    await mailer(smtp).send(outgoing({ fromName: undefined }));
    await mailer(smtp, { from: 'bare@portal.example' }).send(outgoing({ fromName: undefined }));
    expect(smtp.received.map((m) => m.from!.value)).toEqual([[{ name: 'Client portal', address: 'no-reply@portal.example' }], [{ name: '', address: 'bare@portal.example' }]]);
  });

  it('refuses a MAIL_FROM that is not one address', () => {
    expect(() => smtpMailer({ url: 'smtp://127.0.0.1:25', from: 'a@x.example, b@x.example' })).toThrow(/MAIL_FROM/);
    expect(() => smtpMailer({ url: 'smtp://127.0.0.1:25', from: 'not an address' })).toThrow(/MAIL_FROM/);
  });

  it('refuses an SMTP_URL it cannot use without repeating its password anywhere', () => {
    const warn = vi.spyOn(process, 'emitWarning');
    try {
      for (const url of ['smtp://mailer:Sup3rSecret@127.0.0.1:notaport', 'smtp://mailer:Sup3rSecret@[::1:25', 'http://mailer:Sup3rSecret@127.0.0.1:25']) {
        let error: unknown;
        try {
          smtpMailer({ url, from: 'no-reply@portal.example' });
        } catch (thrown) {
          error = thrown;
        }
        expect(error, url).toBeInstanceOf(Error);
        expect(`${(error as Error).message} ${(error as Error).stack} ${JSON.stringify(error)}`).not.toContain('Sup3rSecret');
      }
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('sends many mails over a few pooled connections', async () => {
    const smtp = await server();
    const pooled = mailer(smtp, { maxConnections: 2 });
    await Promise.all(Array.from({ length: 30 }, (_, i) => pooled.send(outgoing({ messageId: `m${i}.invitation@portal.example` }))));
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(30);
    expect(smtp.connections).toBeGreaterThanOrEqual(1);
    expect(smtp.connections).toBeLessThanOrEqual(2);
  });

  it('logs in with the user and password of the URL', async () => {
    const smtp = await server({ auth: { user: 'mailer', pass: 'p@ss w:rd/%' } });
    expect(smtp.url).toContain('mailer:p%40ss%20w%3Ard%2F%25@');
    await mailer(smtp).send(outgoing());
    expect(smtp.received[0]!.user).toBe('mailer');
  });

  it('upgrades with STARTTLS when the server offers it, and stays in plain text when it does not', async () => {
    const offering = await server({ tls: 'starttls' });
    const plain = await server({ tls: 'none' });
    await mailer(offering).send(outgoing());
    await mailer(plain).send(outgoing());
    expect(offering.received[0]!.secure).toBe(true);
    expect(plain.received[0]!.secure).toBe(false);
  });

  it('refuses to go on in plain text when SMTP_URL asks for TLS with ?requireTLS=true', async () => {
    const plain = await server({ tls: 'none' });
    const error = await failure(mailer({ url: `${plain.url}?requireTLS=true`, ca: plain.ca }).send(outgoing()));
    expect(error).toBeInstanceOf(MailTransientError);
    expect(error).toMatchObject({ code: 'ETLS' });
    expect(plain.received).toEqual([]);
  });

  it('speaks TLS from the start for smtps://', async () => {
    const smtp = await server({ tls: 'implicit' });
    expect(smtp.url).toMatch(/^smtps:\/\//);
    await mailer(smtp).send(outgoing());
    expect(smtp.received[0]!.secure).toBe(true);
  });

  it('fails transiently on a certificate it cannot verify, rather than sending in plain text', async () => {
    const smtp = await server({ tls: 'starttls' });
    const error = await failure(mailer(smtp, { tls: {} }).send(outgoing()));
    expect(error).toBeInstanceOf(MailTransientError);
    expect(smtp.received).toEqual([]);
  });
});

describe('the SMTP mailer on failures', () => {
  it('reports a 4xx to RCPT TO as this email deferred, and the same message goes through on the next attempt', async () => {
    const smtp = await server({ rejectFirst: 1, rejectAt: 'rcpt' });
    const smtpMail = mailer(smtp);
    const error = await failure(smtpMail.send(outgoing()));
    expect(error).toBeInstanceOf(MailDeferredError);
    expect(error).not.toBeInstanceOf(MailRejectedError);
    expect(error).toMatchObject({ responseCode: 451 });
    await smtpMail.send(outgoing());
    expect(smtp.received).toHaveLength(1);
  });

  it('reports a 4xx at the end of DATA as this email deferred', async () => {
    const smtp = await server({ rejectFirst: 1, rejectAt: 'data' });
    const error = await failure(mailer(smtp).send(outgoing()));
    expect(error).toBeInstanceOf(MailDeferredError);
    expect(error).toMatchObject({ responseCode: 451 });
    expect(smtp.received).toEqual([]);
  });

  it('reports a 550 for the recipient as a permanent refusal with its code', async () => {
    const smtp = await server({ rejectRecipients: (address) => address === 'gone@client.example' });
    const error = await failure(mailer(smtp).send(outgoing({ to: { address: 'gone@client.example' } })));
    expect(error).toBeInstanceOf(MailRejectedError);
    expect(error).toMatchObject({ responseCode: 550, reason: expect.stringContaining('550') });
    expect(smtp.received).toEqual([]);
  });

  it('refuses a malformed recipient address for good without talking to the server', async () => {
    const smtp = await server();
    const smtpMail = mailer(smtp);
    for (const address of ['not an address', 'ann@x.example, evil@x.example', 'ann@x.example\r\nRCPT TO:<evil@x.example>', 'ann@@x.example']) {
      const error = await failure(smtpMail.send(outgoing({ to: { address } })));
      expect(error, address).toBeInstanceOf(MailRejectedError);
    }
    expect(smtp.connections).toBe(0);
  });

  it('reports a connection dropped in the middle of DATA as transient, and the retry arrives once', async () => {
    const smtp = await server({ dropFirst: 1 });
    const smtpMail = mailer(smtp);
    const error = await failure(smtpMail.send(outgoing()));
    expect(error).toBeInstanceOf(MailTransientError);
    expect(error).toMatchObject({ code: 'ECONNECTION' });
    expect(smtp.received).toEqual([]);
    await smtpMail.send(outgoing());
    expect(smtp.received.map((m) => m.messageId)).toEqual([`<${outgoing().messageId}>`]);
  });

  it('reports a server that is down (connection refused) as transient', async () => {
    const gone = await startSmtpServer();
    await gone.close();
    const error = await failure(mailer(gone).send(outgoing()));
    expect(error).toBeInstanceOf(MailTransientError);
    expect(error).toMatchObject({ code: 'ESOCKET', command: 'CONN' });
  });

  it('reports a wrong password (535) as transient, a configuration problem, and never shows the password', async () => {
    const smtp = await server({ auth: { user: 'mailer', pass: 'right-password' } });
    const url = smtp.url.replace('right-password', 'Wr0ng%20pass%2Fword');
    const error = await failure(mailer({ url, ca: smtp.ca }).send(outgoing()));
    expect(error).toBeInstanceOf(MailTransientError);
    expect(error).toMatchObject({ code: 'EAUTH', responseCode: 535 });
    for (const text of [error.message, error.stack ?? '', JSON.stringify(error)]) {
      expect(text).not.toContain('Wr0ng');
    }
  });

  it('cuts the password out of any error text, however the server or nodemailer phrased it', () => {
    const thrown = Object.assign(new Error('Invalid login: 535 no such password s3cr3t/pw'), {
      code: 'EAUTH',
      command: 'AUTH PLAIN',
      responseCode: 535,
      response: '535 no such password s3cr3t/pw',
    });
    const transient = classifySmtpError(thrown, ['s3cr3t%2Fpw', 's3cr3t/pw']);
    expect(transient).toBeInstanceOf(MailTransientError);
    expect(transient.message).toBe('Invalid login: 535 no such password ***');
    const refused = classifySmtpError({ ...thrown, command: 'RCPT TO', responseCode: 550, response: '550 s3cr3t/pw' }, ['s3cr3t/pw']);
    expect(refused).toBeInstanceOf(MailRejectedError);
    expect((refused as MailRejectedError).reason).toBe('550 ***');
  });

  it('treats 503 (bad sequence) and 5xx to MAIL FROM as transient, 552 to MAIL FROM as permanent', () => {
    const reply = (command: string, responseCode: number) => classifySmtpError({ code: 'EENVELOPE', command, responseCode, response: `${responseCode} x` }, []);
    expect(reply('RCPT TO', 503)).toBeInstanceOf(MailTransientError);
    expect(reply('MAIL FROM', 550)).toBeInstanceOf(MailTransientError);
    expect(reply('MAIL FROM', 552)).toBeInstanceOf(MailRejectedError);
    expect(reply('DATA', 554)).toBeInstanceOf(MailRejectedError);
    // A 4xx about this email defers it; a 4xx before any recipient is the server's state, for every email.
    expect(reply('RCPT TO', 452)).toBeInstanceOf(MailDeferredError);
    expect(reply('DATA', 451)).toBeInstanceOf(MailDeferredError);
    expect(reply('MAIL FROM', 421)).toBeInstanceOf(MailTransientError);
    expect(reply('MAIL FROM', 421)).not.toBeInstanceOf(MailDeferredError);
  });
});

describe('the SMTP mailer and hostile names', () => {
  it('neutralises line breaks in names and subjects: no Bcc, no injected header, one envelope recipient', async () => {
    const smtp = await server();
    await mailer(smtp).send(
      outgoing({
        to: { name: 'Ann\r\nBcc: evil@x.example', address: 'ann@client.example' },
        fromName: 'Firm\r\nBcc: evil2@x.example',
        subject: 'Welcome\r\nX-Injected: 1',
      }),
    );
    const [mail] = smtp.received;
    expect(mail!.envelope.to).toEqual(['ann@client.example']);
    expect(mail!.bcc).toBeUndefined();
    expect(mail!.headers.has('bcc')).toBe(false);
    expect(mail!.headers.has('x-injected')).toBe(false);
    const head = mail!.raw.toString('utf8').split('\r\n\r\n')[0]!;
    expect(head).not.toMatch(/^(Bcc|X-Injected):/im);
    expect(mail!.subject).toBe('Welcome X-Injected: 1');
    expect(mail!.to).toMatchObject({ value: [{ name: 'Ann Bcc: evil@x.example', address: 'ann@client.example' }] });
  });

  it('logs the Message-ID and kind, never the body or its token', async () => {
    const smtp = await server({ rejectFirst: 1 });
    const lines: unknown[] = [];
    const logger = { debug: (obj: object, msg: string) => lines.push([obj, msg]), warn: (obj: object, msg: string) => lines.push([obj, msg]) };
    const smtpMail = mailer(smtp, { logger });
    await smtpMail.send(outgoing()).catch(() => undefined);
    await smtpMail.send(outgoing());
    expect(lines).toHaveLength(2);
    const logged = JSON.stringify(lines);
    expect(logged).toContain(outgoing().messageId);
    expect(logged).toContain('invitation');
    expect(logged).not.toContain(token);
  });
});
