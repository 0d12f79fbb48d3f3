import { describe, expect, it } from 'vitest';
import type { Caller } from '../../src/application/context.js';
import { createPortal } from '../../src/application/portal.js';
import { DomainError, NotFoundError, PortalError, ValidationError } from '../../src/core/errors.js';
import { eventCount, platformCaller, testPortal } from '../support/portal.js';
import { hashOf } from '../support/content-hash.js';

const ann = { name: 'Ann Smith', emails: ['ann@smith.example'] };

/**
 * An individual client whose one owner, Ann, was forgotten (so the client's own data is forgotten
 * too), and everything a firm might still try on her or her client afterwards.
 */
async function afterForgetting() {
  const test = testPortal();
  const portal = createPortal(test.deps);
  const { firmId, partnerAdminId } = await portal.firms.createFirm(platformCaller, { name: 'Harbour', partnerAdmin: { name: 'Pat Partner', email: 'pat@harbour.example' } });
  const pat: Caller = { tenantId: firmId, actor: { kind: 'staff', userId: partnerAdminId } };
  const { clientId, ownerIds } = await portal.clients.createClient(pat, { kind: 'individual', owners: [ann] });
  const contactId = ownerIds[0]!;
  await portal.personalData.forgetContact(pat, { clientId, contactId });
  const sharedItems = [{ kind: 'folder' as const, path: 'Tax' }];
  const content = { size: 1, contentHash: hashOf(1), blobRef: 'blob-1' };
  const calls: Record<string, () => Promise<unknown>> = {
    renameContact: () => portal.clients.renameContact(pat, { clientId, contactId, name: 'Ann Jones' }),
    recordPreliminaryData: () => portal.clients.recordPreliminaryData(pat, { clientId, fields: { taxFileNumber: 'TFN-1' } }),
    renameClient: () => portal.clients.renameClient(pat, { clientId, name: 'Ann Jones' }),
    addContactEmail: () => portal.clients.addContactEmail(pat, { clientId, contactId, email: 'ann@jones.example' }),
    inviteMember: () => portal.invitations.inviteMember(pat, { clientId, contactId }),
    openPortalAccess: () => portal.access.openPortalAccess(pat, { clientId, contactId, sharedItems }),
    uploadDocument: () => portal.documents.uploadDocument(pat, { clientId, folderPath: 'Tax', name: 'Return.pdf', ...content }),
  };
  return { test, calls, secrets: [contactId, clientId, ...ann.emails, ann.name] };
}

describe('refusals after forgetting a contact', () => {
  it('are typed errors with a stable code whose message names no data subject', async () => {
    const { test, calls, secrets } = await afterForgetting();
    const before = await eventCount(test.ctx);
    for (const [name, call] of Object.entries(calls)) {
      const error = await call().then(() => undefined, (e: unknown) => e);
      expect(error, `${name} should be refused`).toBeInstanceOf(PortalError);
      const refused = error as PortalError;
      const typed = [DomainError, NotFoundError, ValidationError].some((type) => refused instanceof type);
      expect(typed, `${name} threw the base ${refused.name}: ${refused.message}`).toBe(true);
      expect(refused.code, name).toBe('personal_data.subject_forgotten');
      for (const secret of secrets) expect(refused.message, `${name}: ${refused.message}`).not.toContain(secret);
      expect(JSON.stringify(refused.details), name).not.toContain(secrets[0]);
    }
    expect(await eventCount(test.ctx)).toBe(before);
  });
});
