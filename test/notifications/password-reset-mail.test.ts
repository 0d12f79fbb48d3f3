import { describe, expect, it } from 'vitest';
import { composeMail } from '../../src/notifications/compose.js';
import type { PasswordResetIntent } from '../../src/notifications/intents.js';
import { mailIntentsOf } from '../../src/notifications/plan.js';
import type { RecordedEvent } from '../../src/core/envelope.js';

const intent: PasswordResetIntent = {
  kind: 'password_reset',
  cause: { eventId: 'event-1', tenantId: 'firm-1' },
  clientId: 'client-1',
  contactId: 'contact-1',
  resetId: 'reset-1',
  email: 'ann@smith.example',
  expiresAt: '2026-01-15T10:00:00.000Z',
  tokenHash: 'digest',
};

describe('the password reset email', () => {
  it('is asked for by PasswordResetRequested, with the digest and not the token', () => {
    const event = {
      id: 'event-1',
      type: 'PasswordResetRequested',
      streamId: 'portal-access-contact-1',
      revision: 3,
      position: 9,
      data: { contactId: 'contact-1', clientId: 'client-1', resetId: 'reset-1', tokenHash: 'digest', email: 'ann@smith.example', requestedAt: '2026-01-15T09:00:00.000Z', expiresAt: intent.expiresAt },
      metadata: { tenantId: 'firm-1', actor: { kind: 'contact', contactId: 'contact-1' }, correlationId: 'c', occurredAt: '2026-01-15T09:00:00.000Z', schemaVersion: 1 },
    } as unknown as RecordedEvent;
    expect(mailIntentsOf(event)).toEqual([intent]);
  });

  it('carries the link, how long it works, and the firm in both parts, escaped in HTML', () => {
    const mail = composeMail(intent, {
      firmName: 'Harbour <b>Accountants</b>',
      branding: { logo: null, primaryColour: '#7a1f5c', supportChannel: { kind: 'email', address: 'help@harbour.example' } },
      logoUrl: null,
      loginUrl: 'https://portal.example/portal/firm-1/login',
      resetUrl: 'https://portal.example/portal/firm-1/reset-password?contactId=contact-1&token=t0k3n',
    });
    expect(mail.subject).toBe('Set a new password for your Harbour <b>Accountants</b> client portal');
    expect(mail.text).toContain('https://portal.example/portal/firm-1/reset-password?contactId=contact-1&token=t0k3n');
    expect(mail.text).toContain('The link works once, until 15 January 2026 at 10:00 UTC.');
    expect(mail.html).toContain('Harbour &lt;b&gt;Accountants&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>Accountants</b>');
    expect(mail.replyTo).toBe('help@harbour.example');
  });
});
