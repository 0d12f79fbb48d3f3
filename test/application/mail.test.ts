import { describe, expect, it } from 'vitest';
import { openPortalAccess } from '../../src/application/access.js';
import { uploadDocument } from '../../src/application/documents.js';
import { addStaffUser, setInvitationReminders } from '../../src/application/firms.js';
import { assignStaff } from '../../src/application/clients.js';
import { acceptInvitation, inviteMember, resendInvitation } from '../../src/application/invitations.js';
import { createPortal } from '../../src/application/portal.js';
import { memoryMailer } from '../../adapters/mail/memory-mailer.js';
import { MailDeferredError, MailRejectedError } from '../../src/core/mail.js';
import { search } from '../../src/application/client-list.js';
import { AppContext } from '../../src/application/context.js';
import { createNodeSecrets } from '../../adapters/system/secrets.js';
import { streams } from '../../src/streams.js';
import { hashOf } from '../support/content-hash.js';
import { linkIn, testMail } from '../support/mail.js';
import { contactCaller, DAY_MS, givenClient, givenFirm, testPortal } from '../support/portal.js';

const PASSWORD = 'correct horse battery';

async function invited(options: Parameters<typeof testPortal>[0] = {}) {
  const test = testPortal(options);
  const firm = await givenFirm(test.ctx, { name: 'Harbour Accountants' });
  const { clientId, contactIds } = await givenClient(test.ctx, firm.admin, { owners: [{ name: 'Ann Smith', emails: ['ann@smith.example'] }] });
  const contactId = contactIds[0]!;
  const sent = await inviteMember(test.ctx, firm.admin, { clientId, contactId, formId: 'form-1', formName: 'Tax questionnaire' });
  return { ...test, ...firm, clientId, contactId, sent };
}

const mailRecords = async (test: { ctx: { log: { readAll(o?: object): AsyncIterable<{ streamId: string; type: string; data: unknown }> } } }) => {
  const out: Array<{ type: string; data: any }> = [];
  for await (const e of test.ctx.log.readAll()) if (e.streamId.startsWith('mail-')) out.push(e);
  return out;
};

describe('the invitation email', () => {
  it('carries a working link, the firm, the validity date and the form, in both parts', async () => {
    const test = await invited();
    const [mail] = await test.outbox.sent();
    expect(mail).toMatchObject({ email: 'ann@smith.example', reason: 'invite', formName: 'Tax questionnaire' });
    const { subject, text, html, to, fromName, messageId } = mail!.mail;
    expect(to).toEqual({ address: 'ann@smith.example' });
    expect(subject).toBe('Harbour Accountants invites you to its client portal');
    expect(fromName).toBe('Harbour Accountants');
    expect(text).toContain('valid for 30 days, until 14 February 2026 at 09:00 UTC');
    expect(text).toContain('the form “Tax questionnaire”');
    expect(html).toContain('the form “Tax questionnaire”');
    expect(messageId).toMatch(/\.invitation@portal\.test$/);
    const link = linkIn(text);
    expect(html).toContain(`token=${encodeURIComponent(link.token)}`);
    await expect(acceptInvitation(test.ctx, { contactId: test.contactId, token: link.token, password: PASSWORD })).resolves.toMatchObject({ access: 'active' });
  });

  it('is sent once, however often the log is read again', async () => {
    const test = await invited();
    await test.outbox.sent();
    // A second process over the same log (a restart without a checkpoint) finds the record and sends nothing.
    const again = testMail(test.ctx);
    await again.settle();
    expect(again.mailer.sent).toEqual([]);
    expect((await mailRecords(test)).map((e) => e.type)).toEqual(['MailSent']);
  });

  it('never keeps the link in the log: the record holds the Message-ID, recipient, kind and cause', async () => {
    const test = await invited();
    const [mail] = await test.outbox.sent();
    const [record] = await mailRecords(test);
    expect(record!.data).toMatchObject({ messageId: mail!.mail.messageId, kind: 'invitation', to: 'ann@smith.example', subjectId: test.contactId, causeEventId: mail!.mail.causeEventId });
    for await (const e of test.ctx.log.readAll()) expect(JSON.stringify(e)).not.toContain(mail!.token);
  });

  it('goes out again only for a resend: the earlier link stops working', async () => {
    const test = await invited();
    const first = (await test.outbox.lastTo(test.contactId))!;
    await resendInvitation(test.ctx, test.admin, { contactId: test.contactId });
    const second = (await test.outbox.lastTo(test.contactId))!;
    expect(second.token).not.toBe(first.token);
    expect(second.mail.messageId).not.toBe(first.mail.messageId);
    await expect(acceptInvitation(test.ctx, { contactId: test.contactId, token: first.token, password: PASSWORD })).rejects.toMatchObject({ code: 'invitation.invalid_token' });
  });

  it('is not mailed once a later send replaced it (its link would not work)', async () => {
    const test = await invited();
    await resendInvitation(test.ctx, test.admin, { contactId: test.contactId });
    expect((await test.outbox.sent()).map((m) => m.reason)).toEqual(['resend']);
  });

  it('is retried after transient failures, with the same Message-ID, and arrives once', async () => {
    const test = await invited();
    test.mail.mailer.failNext('transient', 'transient', 'transient');
    const [mail] = await test.outbox.sent();
    expect(test.mail.mailer.attempts.get(mail!.mail.messageId)).toBe(4);
    expect(test.mail.mailer.sent).toHaveLength(1);
  });

  it('refused for good is recorded, shown in the client list, and not tried again', async () => {
    const test = await invited();
    test.mail.mailer.failNext('permanent');
    expect(await test.outbox.sent()).toEqual([]);
    const records = await mailRecords(test);
    expect(records).toMatchObject([{ type: 'MailDeliveryFailed', data: { kind: 'invitation', to: 'ann@smith.example' } }]);
    const invitation = await test.ctx.log.readStream(streams.invitation(test.contactId));
    expect(invitation.at(-1)).toMatchObject({ type: 'InvitationDeliveryFailed' });
    const { items: rows } = await search(test.ctx, test.admin, {});
    expect(rows[0]!.members[0]!.status).toMatchObject({ state: 'undeliverable' });
    expect(rows[0]!.members[0]!.statusText).toMatch(/^Invitation could not be delivered \(sent 2026-01-15\): /);
    // Read again by a process without a checkpoint, through the same mailer: not tried again.
    await testMail(test.ctx, { mailer: test.mail.mailer }).settle();
    expect([...test.mail.mailer.attempts.values()]).toEqual([1]);
  });

  it("records a server's answer of several lines or thousands of characters on one line, and the client list shows it", async () => {
    for (const answer of ['550-5.1.1 The email account that you tried to reach does not exist.\n550 5.1.1 https://support.example/NoSuchUser', `550 ${'x'.repeat(3000)}`]) {
      const test = await invited();
      test.mail.mailer.failNext(new MailRejectedError(answer, 550));
      await test.outbox.sent();
      const [record] = await mailRecords(test);
      expect(record).toMatchObject({ type: 'MailDeliveryFailed' });
      expect(record!.data.reason).toMatch(/^550[- ]5\.1\.1 The email|^550 x+…$/);
      expect(record!.data.reason.length).toBeLessThanOrEqual(500);
      expect(record!.data.reason).not.toMatch(/[\r\n]/);
      const { items } = await search(test.ctx, test.admin, {});
      expect(items[0]!.members[0]!.status.state).toBe('undeliverable');
    }
  });

  it('gives up an email refused for now after the limit, records it, and the emails behind it go on', async () => {
    const test = await invited();
    const other = await givenFirm(test.ctx);
    const { clientId, contactIds } = await givenClient(test.ctx, other.admin, { owners: [{ name: 'Bo', emails: ['bo@other.example'] }] });
    await inviteMember(test.ctx, other.admin, { clientId, contactId: contactIds[0]! });
    const mailer = memoryMailer({ fail: (mail) => (mail.to.address === 'ann@smith.example' ? new MailDeferredError('452 4.2.2 mailbox full', 452) : undefined) });
    const mail = testMail(test.ctx, { mailer, retry: { firstDelayMs: 1, maxDelayMs: 2, deferLimitMs: 30 } });
    expect((await mail.outbox.sent()).map((m) => m.email)).toEqual(['bo@other.example']);
    expect((await mailRecords(test)).map((e) => [e.type, e.data.to, e.data.reason])).toEqual([
      ['MailDeliveryFailed', 'ann@smith.example', 'refused for now for 0 minutes; the last answer: 452 4.2.2 mailbox full'],
      ['MailSent', 'bo@other.example', undefined],
    ]);
  });

  it('cannot be made again under another server key: recorded as a failure the firm can fix by resending', async () => {
    const keyA = createNodeSecrets({ tokenKey: Buffer.alloc(32, 1) });
    const test = await invited({ secrets: keyA });
    const other = testMail(new AppContext({ ...test.deps, secrets: createNodeSecrets({ tokenKey: Buffer.alloc(32, 2) }) }));
    await other.settle();
    expect(other.mailer.sent).toEqual([]);
    expect(await mailRecords(test)).toMatchObject([{ type: 'MailDeliveryFailed', data: { reason: expect.stringContaining('Send the invitation again') } }]);
  });
});

describe('the reminder', () => {
  it('goes out once, three days before the invitation expires, with the same working link', async () => {
    const test = await invited();
    const invitation = (await test.outbox.lastTo(test.contactId))!;
    await test.ctx.views();
    test.clock.advance(26 * DAY_MS);
    expect(await test.mail.process.sendDueReminders()).toBe(0);
    test.clock.advance(DAY_MS + 60_000);
    expect(await test.mail.process.sendDueReminders()).toBe(1);
    await test.mail.process.sendDueReminders();
    const reminders = (await test.outbox.sent()).filter((m) => m.kind === 'invitation_reminder');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.mail.subject).toBe('Reminder: your invitation from Harbour Accountants expires on 14 February 2026 at 09:00 UTC');
    expect(reminders[0]!.token).toBe(invitation.token);
    await expect(acceptInvitation(test.ctx, { contactId: test.contactId, token: reminders[0]!.token, password: PASSWORD })).resolves.toBeTruthy();
  });

  it('is not sent when the firm turned reminders off, nor for an accepted invitation', async () => {
    const test = await invited();
    await setInvitationReminders(test.ctx, test.admin, { enabled: false });
    const other = await givenClient(test.ctx, test.admin);
    await inviteMember(test.ctx, test.admin, { clientId: other.clientId, contactId: other.contactIds[0]! });
    await acceptInvitation(test.ctx, { contactId: test.contactId, token: (await test.outbox.lastTo(test.contactId))!.token, password: PASSWORD });
    await test.ctx.views();
    test.clock.advance(28 * DAY_MS);
    await test.mail.process.sendDueReminders();
    expect((await test.outbox.sent()).filter((m) => m.kind === 'invitation_reminder')).toEqual([]);
  });
});

describe('the access notice and the upload alert', () => {
  async function active() {
    const test = testPortal();
    const firm = await givenFirm(test.ctx, { name: 'Harbour Accountants' });
    const { clientId, contactIds } = await givenClient(test.ctx, firm.admin, { owners: [{ name: 'Ann <b>Smith</b>', emails: ['ann@smith.example'] }] });
    const contactId = contactIds[0]!;
    await openPortalAccess(test.ctx, firm.admin, { contactId, clientId, sharedItems: [{ kind: 'folder', path: 'Tax' }] });
    await acceptInvitation(test.ctx, { contactId, token: (await test.outbox.lastTo(contactId))!.token, password: PASSWORD });
    return { ...test, ...firm, clientId, contactId };
  }

  it('tells the assigned staff (else the partner admins) of a client upload, naming client, document and a link, escaped', async () => {
    const test = await active();
    const upload = (name: string, n: number) =>
      uploadDocument(test.ctx, contactCaller(test.tenantId, test.contactId), { clientId: test.clientId, folderPath: 'Uploads', name, size: 10, contentHash: hashOf(n), blobRef: `b-${n}` });
    await upload('<img src=x onerror=alert(1)>.pdf', 1);
    let [alert] = await test.mail.alerts.sent();
    expect(alert!.mail.to.address).toMatch(/^alice\+\d+@firm\.example$/);
    expect(alert!.mail.subject).toBe('Ann <b>Smith</b> uploaded <img src=x onerror=alert(1)>.pdf');
    expect(alert!.mail.html).toContain('Ann &lt;b&gt;Smith&lt;/b&gt; uploaded “&lt;img src=x onerror=alert(1)&gt;.pdf” in Uploads');
    expect(alert!.mail.html).not.toContain('<img src=x');
    expect(alert!.mail.text).toContain(`https://portal.test/documents/${encodeURIComponent(alert!.documentId)}`);

    const { userId } = await addStaffUser(test.ctx, test.admin, { user: { name: 'Sam Staff', email: 'sam@firm.example' } });
    await assignStaff(test.ctx, test.admin, { clientId: test.clientId, userId });
    await upload('receipt.jpg', 2);
    alert = (await test.mail.alerts.sent())[1];
    expect(alert!.mail.to).toEqual({ name: 'Sam Staff', address: 'sam@firm.example' });
  });

  it("never names another client's or firm's document in an access notice", async () => {
    const test = await active();
    const other = await givenFirm(test.ctx);
    const theirs = await givenClient(test.ctx, other.admin);
    const { document } = await uploadDocument(test.ctx, other.admin, { clientId: theirs.clientId, folderPath: 'Private', name: 'Divorce settlement.pdf', size: 10, contentHash: hashOf(9), blobRef: 'b-9' });
    const portal = createPortal(test.deps);
    await portal.access.changeSharedSelection(test.admin, { contactId: test.contactId, sharedItems: [{ kind: 'document', documentId: document.documentId }] });
    const [notice] = await test.notifications.sent();
    expect(notice!.mail.text).toContain('- Document: a document');
    expect(notice!.mail.text).not.toContain('Divorce');
  });

  it('tells each of two assigned staff whose ids differ only in characters a Message-ID cannot hold', async () => {
    const test = await active();
    for (const [userId, email] of [['sam smith', 'sam@firm.example'], ['sam_smith', 'sam2@firm.example']] as const) {
      await addStaffUser(test.ctx, test.admin, { user: { userId, name: 'Sam Smith', email } });
      await assignStaff(test.ctx, test.admin, { clientId: test.clientId, userId });
    }
    await uploadDocument(test.ctx, contactCaller(test.tenantId, test.contactId), { clientId: test.clientId, folderPath: 'Uploads', name: 'a.pdf', size: 10, contentHash: hashOf(3), blobRef: 'b-3' });
    const alerts = await test.mail.alerts.sent();
    expect(alerts.map((a) => a.mail.to.address).sort()).toEqual(['sam2@firm.example', 'sam@firm.example']);
    expect(new Set(alerts.map((a) => a.mail.messageId)).size).toBe(2);
  });

  it('tells the contact when what is shared changes, naming the folders, with the login link', async () => {
    const test = await active();
    const portal = createPortal(test.deps);
    await portal.access.changeSharedSelection(test.admin, { contactId: test.contactId, sharedItems: [{ kind: 'folder', path: 'Payroll' }] });
    const [notice] = await test.notifications.sent();
    expect(notice!.mail.subject).toBe('Harbour Accountants changed what is shared with you');
    expect(notice!.mail.text).toContain('- Folder: Payroll');
    expect(notice!.mail.text).toContain(`https://portal.test/portal/${test.tenantId}/login`);
  });
});

describe('mail records and forgetting', () => {
  it('an erased contact is not mailed', async () => {
    const test = testPortal();
    const firm = await givenFirm(test.ctx);
    const { clientId, contactIds } = await givenClient(test.ctx, firm.admin);
    await inviteMember(test.ctx, firm.admin, { clientId, contactId: contactIds[0]! });
    await createPortal(test.deps).personalData.forgetContact(firm.admin, { clientId, contactId: contactIds[0]! });
    expect(await test.outbox.sent()).toEqual([]);
    expect(test.mail.mailer.attempts.size).toBe(0);
  });
});
