import { describe, expect, it } from 'vitest';
import { composeMail, type MailFacts } from '../../src/notifications/compose.js';
import type { InvitationIntent, UploadAlertIntent } from '../../src/notifications/intents.js';
import { mailIntentsOf } from '../../src/notifications/plan.js';
import type { RecordedEvent } from '../../src/core/envelope.js';

const invitation: InvitationIntent = {
  kind: 'invitation',
  cause: { eventId: 'e-1', tenantId: 'firm-1' },
  clientId: 'client-1',
  contactId: 'contact-1',
  invitationId: 'inv-1',
  email: 'ann@smith.example',
  formId: null,
  formName: null,
  expiresAt: '2026-03-01T09:00:00.000Z',
  reason: 'invite',
  tokenHash: 'h',
};

const facts = (over: Partial<MailFacts> = {}): MailFacts => ({
  firmName: 'Harbour Accountants',
  branding: { logo: null, primaryColour: null, supportChannel: null },
  logoUrl: null,
  loginUrl: 'https://portal.example/login',
  activationUrl: 'https://portal.example/activate?contactId=contact-1&token=t0k',
  ...over,
});

describe('the branded email', () => {
  it("carries the effective branding: logo, primary colour and the support email (also Reply-To)", () => {
    const mail = composeMail(
      invitation,
      facts({
        branding: { logo: { blobRef: 'l', contentType: 'image/png', size: 10 }, primaryColour: '#aa3300', supportChannel: { kind: 'email', address: 'help@partner.example' } },
        logoUrl: 'https://portal.example/firms/firm-1/branding/logo',
      }),
    );
    expect(mail.html).toContain('<img src="https://portal.example/firms/firm-1/branding/logo" alt="Harbour Accountants"');
    expect(mail.html).toContain('background:#aa3300');
    expect(mail.html).toContain('<a href="mailto:help@partner.example">help@partner.example</a>');
    expect(mail.replyTo).toBe('help@partner.example');
    expect(mail.text).toContain('Questions? Write to help@partner.example.');
    expect(mail.text).toContain('Activate your account:\nhttps://portal.example/activate?contactId=contact-1&token=t0k');
  });

  it('without branding: the default colour, the firm name in the bar, no Reply-To; a support link is a link', () => {
    const plain = composeMail(invitation, facts());
    expect(plain.html).toContain('background:#1f4e79');
    expect(plain.html).not.toContain('<img');
    expect(plain.replyTo).toBeUndefined();
    const linked = composeMail(invitation, facts({ branding: { logo: null, primaryColour: null, supportChannel: { kind: 'link', url: 'https://help.example/portal' } } }));
    expect(linked.html).toContain('<a href="https://help.example/portal">https://help.example/portal</a>');
    expect(linked.text).toContain('Questions? Get help at https://help.example/portal.');
  });

  it('keeps a subject on one line and escapes names in the HTML', () => {
    const mail = composeMail(invitation, facts({ firmName: 'Evil\r\nBcc: x@evil.example <script>' }));
    expect(mail.subject).toBe('Evil Bcc: x@evil.example <script> invites you to its client portal');
    expect(mail.fromName).toBe('Evil Bcc: x@evil.example <script>');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;');
  });

  it('names the uploaded document, its folder and the group member who uploaded it', () => {
    const alert: UploadAlertIntent = { kind: 'upload_alert', cause: invitation.cause, clientId: 'c', documentId: 'd', name: 'receipt.jpg', folderPath: 'Uploads/2025', version: 2, uploadedByContactId: 'x' };
    const mail = composeMail(alert, facts({ clientName: 'Jones Family', uploaderName: 'Jo Jones', documentUrl: 'https://portal.example/documents/d' }));
    expect(mail.subject).toBe('Jones Family uploaded receipt.jpg');
    expect(mail.text).toContain('Jones Family (Jo Jones) uploaded a new version (2) of “receipt.jpg” in Uploads/2025 to the client portal.');
  });
});

const event = (type: string, data: object, actor: RecordedEvent['metadata']['actor'] = { kind: 'staff', userId: 'u' }): RecordedEvent => ({
  id: `${type}-1`,
  type,
  data,
  streamId: 's',
  revision: 0,
  position: 1,
  metadata: { occurredAt: '', tenantId: 'firm-1', actor, correlationId: 'c', causationId: 'c', schemaVersion: 1 },
});

describe('what the planner asks for', () => {
  it('no alert for the firm’s own uploads or the OneDrive sync, one for a client upload', () => {
    const file = { documentId: 'd', clientId: 'c', folderPath: 'Uploads', name: 'a.pdf', version: 1, uploadedByContactId: null };
    expect(mailIntentsOf(event('DocumentAdded', { ...file, origin: 'firm_upload' }))).toEqual([]);
    expect(mailIntentsOf(event('DocumentAdded', { ...file, origin: 'onedrive_sync' }))).toEqual([]);
    expect(mailIntentsOf(event('DocumentAdded', { ...file, origin: 'client_upload', uploadedByContactId: 'x' }))).toMatchObject([{ kind: 'upload_alert', uploadedByContactId: 'x' }]);
  });

  it('no "access is open" email when the contact opened access themselves by accepting, nor without a password', () => {
    const opened = event('PortalAccessOpened', { sharedItems: [], reopened: false });
    const requested = { ...event('AccessNotificationRequested', { contactId: 'x', clientId: 'c', email: 'a@b.example', contactHasPassword: true }), revision: 1 };
    expect(mailIntentsOf(requested, [opened, requested])).toMatchObject([{ kind: 'access_notice', reason: 'opened' }]);
    const byContact = { ...requested, metadata: { ...requested.metadata, actor: { kind: 'contact' as const, contactId: 'x' } } };
    expect(mailIntentsOf(byContact, [opened, byContact])).toEqual([]);
    const noPassword = { ...requested, data: { ...(requested.data as object), contactHasPassword: false } };
    expect(mailIntentsOf(noPassword, [opened, noPassword])).toEqual([]);
  });
});
