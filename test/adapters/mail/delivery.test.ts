/**
 * Mail over real SMTP: the service (in this process, then as `npm start` in its own) sends to an
 * smtp-server on loopback; mailparser reads what arrived. The emails' links then work through the
 * HTTP API, once each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../adapters/http/config.js';
import { startService, type RunningService } from '../../../adapters/http/service.js';
import { startSmtpServer, type ReceivedMail, type SmtpTestServer } from '../../support/smtp.js';
import { call, freePort, linkOf, newClients, OPERATOR_TOKEN, openFirm, startServiceProcess } from './service-support.js';

const dirs: string[] = [];
const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'portal-mail-'));
  dirs.push(dir);
  return dir;
};

/** Without STARTTLS: the service trusts only real certificates (the SMTP mailer's own tests cover TLS). */
async function smtpServer(options: Parameters<typeof startSmtpServer>[0] = {}): Promise<SmtpTestServer> {
  const server = await startSmtpServer({ tls: 'none', ...options });
  closers.push(() => server.close());
  return server;
}

/** The service in this process, logging at debug level into `logs`. */
async function service(smtp: SmtpTestServer): Promise<RunningService & { logs: string[] }> {
  const port = await freePort();
  const config = parseConfig(
    { PORT: String(port), PORTAL_DATA_DIR: dataDir(), SMTP_URL: smtp.url, MAIL_FROM: 'Client portal <portal@harbour.example>', PORTAL_BOOTSTRAP_TOKEN: OPERATOR_TOKEN, LOG_LEVEL: 'debug' },
    [],
  );
  const logs: string[] = [];
  const running = await startService(config, { print: () => undefined, graceMs: 1000, logDestination: { write: (line: string) => void logs.push(line) } });
  closers.push(() => running.close());
  return { ...running, logs };
}

const PASSWORD = 'correct horse battery staple';

/** Each Message-ID with how many times it arrived. */
function arrivals(mails: readonly ReceivedMail[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const mail of mails) counts.set(mail.messageId!, (counts.get(mail.messageId!) ?? 0) + 1);
  return counts;
}

describe('the invitation email over SMTP', () => {
  it('arrives branded with both parts, and its link activates the account through the API', async () => {
    const smtp = await smtpServer({ auth: { user: 'mailer', pass: 'pass word' } });
    const { url, logs, mailSettled } = await service(smtp);
    const { firmId, token } = await openFirm(url, OPERATOR_TOKEN);
    expect((await call(url, 'PUT', `/firms/${firmId}/partner-features`, { token: OPERATOR_TOKEN, body: { licensingPartner: true } })).status).toBe(200);
    expect((await call(url, 'PUT', '/branding', { token, body: { logo: null, primaryColour: '#AA3300', supportChannel: 'help@harbour.example' } })).status).toBe(200);
    const [ann] = await newClients(url, token, 1);
    expect((await call(url, 'POST', `/clients/${ann!.clientId}/members/${ann!.contactId}/invitation`, { token, body: {} })).status).toBe(200);

    await smtp.waitFor(1, 10_000);
    const [mail] = smtp.received;
    expect(mail!.envelope.to).toEqual([ann!.email]);
    expect(mail!.user).toBe('mailer');
    expect(mail!.from!.value).toEqual([{ name: 'Harbour Accountants', address: 'portal@harbour.example' }]);
    expect(mail!.replyTo!.value).toEqual([{ name: '', address: 'help@harbour.example' }]);
    expect(mail!.subject).toBe('Harbour Accountants invites you to its client portal');
    expect(mail!.messageId).toMatch(/^<.+\.invitation@harbour\.example>$/);
    expect(mail!.text).toContain('valid for 30 days, until');
    expect(mail!.html).toContain('background:#aa3300');
    expect(mail!.html).toContain('mailto:help@harbour.example');

    const link = linkOf(mail!);
    await mailSettled();
    expect(logs.join('')).toContain('"msg":"mail sent"');
    expect(logs.join('')).not.toContain(link.token);
    expect(logs.join('')).not.toContain('pass word');
    expect(mail!.text).toContain(`${url}/portal/${firmId}/activate?contactId=`);
    expect(link.contactId).toBe(ann!.contactId);
    const accepted = await call(url, 'POST', '/invitations/accept', { body: { ...link, password: PASSWORD } });
    expect(accepted.status).toBe(200);
    expect(accepted.body.session).not.toBeNull();
    const loggedIn = await call(url, 'POST', `/firms/${firmId}/login`, { body: { loginEmail: ann!.email, password: PASSWORD } });
    expect(loggedIn.status).toBe(200);
    const reused = await call(url, 'POST', '/invitations/accept', { body: { ...link, password: PASSWORD } });
    expect([reused.status, reused.body.type]).toEqual([422, 'invitation.already_accepted']);
  });

  it('arrives once each although the server refuses the first attempts and drops connections mid-DATA', async () => {
    const smtp = await smtpServer({ rejectFirst: 3, rejectAt: 'data', dropFirst: 0 });
    const dropping = await smtpServer({ dropFirst: 3 });
    for (const server of [smtp, dropping]) {
      const { url } = await service(server);
      const { token } = await openFirm(url, OPERATOR_TOKEN);
      const clients = await newClients(url, token, 5);
      const bulk = await call(url, 'POST', '/invitations/bulk', { token, body: { clientIds: clients.map((c) => c.clientId) } });
      expect(bulk.status).toBe(200);
      await server.waitFor(5, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 300)); // a repeat would arrive now
      expect([...arrivals(server.received).values()]).toEqual([1, 1, 1, 1, 1]);
      expect(server.received.map((m) => m.envelope.to[0]).sort()).toEqual(clients.map((c) => c.email).sort());
    }
  }, 60_000);

  it('a recipient refused for good shows in the client list and is not tried again', async () => {
    const smtp = await smtpServer({ rejectRecipients: (address) => address.startsWith('client-0@') });
    const running = await service(smtp);
    const { token } = await openFirm(running.url, OPERATOR_TOKEN);
    const [refused, fine] = await newClients(running.url, token, 2);
    await call(running.url, 'POST', '/invitations/bulk', { token, body: { clientIds: [refused!.clientId, fine!.clientId] } });
    await running.mailSettled();
    expect(smtp.received.map((m) => m.envelope.to[0])).toEqual([fine!.email]);
    const list = await call(running.url, 'GET', '/client-list?invitationState=undeliverable', { token });
    expect(list.status).toBe(200);
    expect(list.body.items.map((r: { clientId: string }) => r.clientId)).toEqual([refused!.clientId]);
    expect(list.body.items[0].members[0].statusText).toMatch(/^Invitation could not be delivered \(sent \d{4}-\d{2}-\d{2}\): .*550/);
  });
});

describe('npm start with SMTP_URL', () => {
  it('bulk-invites 50 clients over HTTP: every email arrives once, every link works once', async () => {
    const smtp = await smtpServer();
    const port = await freePort();
    const started = await startServiceProcess(
      { PORT: String(port), PORTAL_DATA_DIR: dataDir(), SMTP_URL: smtp.url, MAIL_FROM: 'portal@harbour.example', PORTAL_BOOTSTRAP_TOKEN: OPERATOR_TOKEN },
      'npm start',
    );
    closers.push(() => started.stop());
    const { url } = started;
    const { token } = await openFirm(url, OPERATOR_TOKEN);
    const clients = await newClients(url, token, 50);
    const bulk = await call(url, 'POST', '/invitations/bulk', { token, body: { clientIds: clients.map((c) => c.clientId) } });
    expect(bulk.body.results.every((r: { ok: boolean }) => r.ok)).toBe(true);
    await smtp.waitFor(50, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.received).toHaveLength(50);
    expect(new Set(smtp.received.map((m) => m.envelope.to[0]))).toEqual(new Set(clients.map((c) => c.email)));
    // Every link works, once: accepting sets a password (scrypt), so the 50 go a few at a time.
    const links = smtp.received.map(linkOf);
    for (let i = 0; i < links.length; i += 10) {
      const answers = await Promise.all(links.slice(i, i + 10).map((link) => call(url, 'POST', '/invitations/accept', { body: { ...link, password: PASSWORD } })));
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    }
    for (let i = 0; i < links.length; i += 10) {
      const again = await Promise.all(links.slice(i, i + 10).map((link) => call(url, 'POST', '/invitations/accept', { body: { ...link, password: PASSWORD } })));
      expect(again.map((a) => [a.status, a.body.type])).toEqual(again.map(() => [422, 'invitation.already_accepted']));
    }
    expect(started.output()).toContain('Mail:        sent over SMTP as portal@harbour.example');
    await started.stop();
    expect(started.child.exitCode ?? started.child.signalCode).not.toBeNull();
  }, 120_000);
});

describe('a crash in the middle of a batch', () => {
  it('SIGKILL after 150 of 500 invitations, then a restart: every one arrives; a repeat only of one accepted but not yet recorded, with the same Message-ID', async () => {
    const smtpPort = await freePort();
    const dir = dataDir();
    const env = { PORTAL_DATA_DIR: dir, SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, MAIL_FROM: 'portal@harbour.example', PORTAL_BOOTSTRAP_TOKEN: OPERATOR_TOKEN };
    const first = await startServiceProcess({ ...env, PORT: String(await freePort()) });
    closers.push(() => first.kill());
    const { token } = await openFirm(first.url, OPERATOR_TOKEN);
    const clients = await newClients(first.url, token, 500);
    // The mail server comes up only once all 500 are invited, so the kill lands in the middle of sending them.
    const bulk = await call(first.url, 'POST', '/invitations/bulk', { token, body: { clientIds: clients.map((c) => c.clientId) } });
    expect(bulk.body.results.filter((r: { ok: boolean }) => r.ok)).toHaveLength(500);
    let killed!: () => void;
    const killing = new Promise<void>((resolve) => (killed = resolve));
    let accepted = 0;
    const smtp = await smtpServer({
      port: smtpPort,
      // Killed as the 150th email is accepted: its 250 may or may not reach the process.
      onMessage: () => {
        if (++accepted === 150) void first.kill().then(killed);
      },
    });
    await killing;
    const atKill = smtp.received.length;
    const beforeKill = new Set(smtp.received.map((m) => m.messageId));

    const second = await startServiceProcess({ ...env, PORT: String(await freePort()) });
    closers.push(() => second.stop());
    await smtp.waitFor(500, 90_000);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // a repeat would arrive now

    const counts = arrivals(smtp.received);
    const repeats = [...counts.values()].filter((n) => n > 1).length;
    console.log(`SIGKILL after ${atKill} of 500 emails: ${smtp.received.length} arrived, ${counts.size} distinct Message-IDs, ${repeats} repeated`);
    expect(counts.size).toBe(500);
    expect(new Set(smtp.received.map((m) => m.envelope.to[0])).size).toBe(500);
    expect(repeats).toBeLessThanOrEqual(1);
    // The one repeat allowed: an email the server had accepted before the kill, sent again with its Message-ID.
    for (const [messageId, n] of counts) if (n > 1) expect(beforeKill.has(messageId)).toBe(true);
    expect(smtp.received.length).toBe(500 + repeats);
    // Each recipient got one Message-ID, and the links work (a sample: each acceptance is a password hash).
    const byRecipient = new Map(smtp.received.map((m) => [m.envelope.to[0], m]));
    for (const client of clients.slice(140, 160)) {
      const accepted = await call(second.url, 'POST', '/invitations/accept', { body: { ...linkOf(byRecipient.get(client.email)!), password: PASSWORD } });
      expect(accepted.status).toBe(200);
    }
  }, 180_000);
});
