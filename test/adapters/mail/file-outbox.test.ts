import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openEmbeddedPortal } from '../../../adapters/embedded.js';
import { fileAccessNotificationOutbox, fileInvitationOutbox } from '../../../adapters/mail/file-outbox.js';
import type { AccessNotificationToDeliver, InvitationToDeliver } from '../../../src/core/ports.js';
import { platformCaller, testClock } from '../../support/portal.js';

const root = mkdtempSync(join(tmpdir(), 'outbox-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
const freshDir = () => join(root, `outbox-${++folders}`);

const invitation: InvitationToDeliver = {
  tenantId: 'firm-1',
  clientId: 'client-1',
  contactId: 'contact 1&x=y',
  email: 'ann@smith.example',
  token: 'tok+en/with=special_chars-0123456789abcdef',
  formId: null,
  expiresAt: '2026-04-01T09:00:00.000Z',
  reason: 'invited',
};

const notification: AccessNotificationToDeliver = {
  tenantId: 'firm-1',
  clientId: 'client-1',
  contactId: 'contact-1',
  email: 'ann@smith.example',
  sharedItems: [{ kind: 'folder', path: 'Tax/2025' }, { kind: 'document', documentId: 'doc-7' }],
  reason: 'opened',
  contactHasPassword: true,
};

interface Eml {
  file: string;
  raw: string;
  headers: Record<string, string>;
  body: string;
}

/** Every .eml file in the folder, in name order, split into headers and body. */
function emails(dir: string): Eml[] {
  return readdirSync(dir)
    .sort()
    .map((file) => {
      const raw = readFileSync(join(dir, file), 'utf8');
      const [head, ...rest] = raw.split('\r\n\r\n');
      const headers = Object.fromEntries(head!.split('\r\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
      return { file, raw, headers, body: rest.join('\r\n\r\n') };
    });
}

describe('the file invitation outbox', () => {
  it('writes one .eml file per invitation, with the headers a mail reader needs', async () => {
    const dir = freshDir();
    const outbox = fileInvitationOutbox({ dir, publicUrl: 'https://portal.example', clock: testClock(new Date('2026-03-02T09:00:00.000Z')) });
    await outbox.deliver(invitation);
    const [email, ...others] = emails(dir);
    expect(others).toEqual([]);
    expect(email!.file).toMatch(/^2026-03-02T09-00-00-000Z-\d{6}-invitation-[0-9a-f-]{36}\.eml$/);
    expect(email!.headers).toEqual({
      From: '"Client portal" <no-reply@portal.example>',
      To: 'ann@smith.example',
      Subject: 'Your invitation to the client portal',
      Date: 'Mon, 02 Mar 2026 09:00:00 +0000',
      'Message-ID': expect.stringMatching(/^<[0-9a-f-]{36}@portal\.example>$/),
      'MIME-Version': '1.0',
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Transfer-Encoding': '8bit',
    });
    // CRLF line ends only.
    expect(email!.raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('holds the activation link, URL-encoded, and the expiry date', async () => {
    const dir = freshDir();
    await fileInvitationOutbox({ dir, publicUrl: 'https://portal.example/clients/' }).deliver(invitation);
    const [{ body }] = emails(dir) as [Eml];
    const link = 'https://portal.example/clients/activate?contactId=contact%201%26x%3Dy&token=tok%2Ben%2Fwith%3Dspecial_chars-0123456789abcdef';
    expect(body).toContain(`\r\n${link}\r\n`);
    const url = new URL(link);
    expect(url.searchParams.get('contactId')).toBe(invitation.contactId);
    expect(url.searchParams.get('token')).toBe(invitation.token);
    expect(body).toContain('valid for 30 days, until 1 April 2026 at 09:00 UTC');
  });

  it('keeps the token and the contact out of the file name', async () => {
    const dir = freshDir();
    await fileInvitationOutbox({ dir, publicUrl: 'http://127.0.0.1:3000' }).deliver(invitation);
    const [email] = emails(dir);
    expect(email!.file).not.toContain('tok');
    expect(email!.file).not.toContain('contact');
    // An address cannot end in a bare IP: the sender falls back to localhost.
    expect(email!.headers.From).toBe('"Client portal" <no-reply@localhost>');
  });

  it('names the files in the order they were handed over, within one millisecond too, and leaves no temporary file', async () => {
    const dir = freshDir();
    const clock = testClock(new Date('2026-03-02T09:00:00.000Z'));
    const invitations = fileInvitationOutbox({ dir, publicUrl: 'https://portal.example', clock });
    const notifications = fileAccessNotificationOutbox({ dir, clock });
    const addresses = Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(97 + i)}@x.example`);
    await Promise.all(
      addresses.map((email, i) => (i % 2 === 0 ? invitations.deliver({ ...invitation, email }) : notifications.deliver({ ...notification, email }))),
    );
    clock.advance(1000);
    await invitations.deliver({ ...invitation, email: 'z@x.example' });
    expect(readdirSync(dir).every((f) => f.endsWith('.eml'))).toBe(true);
    expect(emails(dir).map((e) => e.headers.To)).toEqual([...addresses, 'z@x.example']);
  });

  it('refuses an address that would break out of its header, writing nothing', async () => {
    const dir = freshDir();
    const outbox = fileInvitationOutbox({ dir, publicUrl: 'https://portal.example' });
    for (const email of ['ann@smith.example\r\nBcc: eve@evil.example', 'ann@smith.example\nBcc: eve@evil.example', 'Eve <eve@evil.example>', 'a@b.example, eve@evil.example']) {
      await expect(outbox.deliver({ ...invitation, email })).rejects.toThrow('Cannot write an email header with this address.');
    }
    expect(existsSync(dir)).toBe(false);
  });

  it('keeps a sender name on its line: line breaks become spaces, quotes are escaped, non-ASCII is encoded', async () => {
    const dir = freshDir();
    const from = (name: string) => ({ name, address: 'portal@harbour.example' });
    await fileInvitationOutbox({ dir, publicUrl: 'https://portal.example', from: from('Harbour\r\nBcc: eve@evil.example') }).deliver(invitation);
    await fileInvitationOutbox({ dir, publicUrl: 'https://portal.example', from: from('Pat "the" Partner\\') }).deliver(invitation);
    await fileInvitationOutbox({ dir, publicUrl: 'https://portal.example', from: from('Zoë Müller Steuerberatung'.repeat(3)) }).deliver(invitation);
    const [injected, quoted, unicode] = emails(dir).map((e) => e.raw.split('\r\n\r\n')[0]!);
    expect(injected).not.toMatch(/^Bcc:/m);
    expect(injected).toContain('From: "Harbour Bcc: eve@evil.example" <portal@harbour.example>');
    expect(quoted).toContain('From: "Pat \\"the\\" Partner\\\\" <portal@harbour.example>');
    const encoded = unicode!.match(/^From: ((?:.|\r\n )*) <portal@harbour\.example>$/m)![1]!;
    const words = encoded.split('\r\n ');
    expect(words.length).toBeGreaterThan(1);
    for (const word of words) expect(word.length).toBeLessThanOrEqual(75);
    const decoded = words.map((w) => Buffer.from(w.match(/^=\?UTF-8\?B\?(.*)\?=$/)![1]!, 'base64').toString('utf8')).join('');
    expect(decoded).toBe('Zoë Müller Steuerberatung'.repeat(3));
  });
});

describe('the file access-notification outbox', () => {
  it('says the access is open, what is shared, and where to log in', async () => {
    const dir = freshDir();
    await fileAccessNotificationOutbox({ dir, publicUrl: 'https://portal.example' }).deliver(notification);
    const [email] = emails(dir);
    expect(email!.file).toMatch(/^\d{4}-\d{2}-\d{2}T[\d-]+Z-\d{6}-access-[0-9a-f-]{36}\.eml$/);
    expect(email!.headers).toMatchObject({ To: 'ann@smith.example', Subject: 'Your portal access is open' });
    expect(email!.body).toContain('Shared with you now:\r\n- Folder: Tax/2025\r\n- Document: doc-7\r\n');
    expect(email!.body).toContain('Log in at https://portal.example to see them.');
  });

  it('words each reason, and sends a contact without a password to the invitation', async () => {
    const dir = freshDir();
    const outbox = fileAccessNotificationOutbox({ dir, clock: testClock() });
    await outbox.deliver({ ...notification, reason: 'reopened' });
    await outbox.deliver({ ...notification, reason: 'folders_changed', contactHasPassword: false });
    const [reopened, changed] = emails(dir);
    expect(reopened!.headers.Subject).toBe('Your portal access is open again');
    expect(reopened!.headers.From).toBe('"Client portal" <no-reply@localhost>');
    expect(reopened!.body).toContain('Log in to the portal to see them.');
    expect(changed!.headers.Subject).toBe('What is shared with you has changed');
    expect(changed!.body).toContain('first set your password with the link in your invitation email');
  });
});

describe('an invitation from the portal, opened from its file', () => {
  it('carries a link whose token accepts the invitation', async () => {
    const dataDir = freshDir();
    const outbox = join(dataDir, 'outbox');
    const opened = openEmbeddedPortal({ dataDir, invitations: fileInvitationOutbox({ dir: outbox, publicUrl: 'http://localhost:3000' }) });
    try {
      const { portal } = opened;
      const { firmId, partnerAdminId } = await portal.firms.createFirm(platformCaller, { name: 'Harbour', partnerAdmin: { name: 'Pat Partner', email: 'pat@harbour.example' } });
      const pat = { tenantId: firmId, actor: { kind: 'staff' as const, userId: partnerAdminId } };
      const { clientId, ownerIds } = await portal.clients.createClient(pat, { kind: 'individual', owners: [{ name: 'Ann Smith', emails: ['ann@smith.example'] }] });
      await portal.invitations.inviteMember(pat, { clientId, contactId: ownerIds[0]! });

      const [email] = emails(outbox);
      const link = new URL(email!.body.match(/^http:\/\/localhost:3000\/activate\?\S+$/m)![0]);
      const contactId = link.searchParams.get('contactId')!;
      expect(contactId).toBe(ownerIds[0]);
      await portal.invitations.acceptInvitation({ contactId, token: link.searchParams.get('token')!, password: 'a long passphrase' });
      expect((await portal.invitations.memberStatus(pat, { clientId, contactId })).text).toBe('Account activated, not logged in yet');
    } finally {
      await opened.close();
    }
  });
});
