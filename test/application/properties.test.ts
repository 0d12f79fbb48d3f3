import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { companyNameKey } from '../../src/firm/names.js';
import { createManagedCompany, enablePartnerFeatures, listManagedCompanies } from '../../src/application/firms.js';
import { acceptInvitation, inviteMember } from '../../src/application/invitations.js';
import { closePortalAccess, logIn, openPortalAccess } from '../../src/application/access.js';
import { DAY_MS, fastSecrets, givenClient, givenFirm, testPortal } from '../support/portal.js';

const platform = { tenantId: 'platform', actor: { kind: 'platform' as const, operatorId: 'operator-1' } };

describe('application invariants (fast-check)', () => {
  it('keeps company names unique across concurrent creates, whatever their case and spacing', async () => {
    const variants = ['Acme Ltd', ' acme  LTD', 'ACME LTD ', 'Beta & Co', 'beta & co', 'Gamma'];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...variants), { minLength: 1, maxLength: 8 }), async (names) => {
        const { ctx } = testPortal({ secrets: fastSecrets() });
        const partner = await givenFirm(ctx);
        await enablePartnerFeatures(ctx, platform, { firmId: partner.tenantId });
        const results = await Promise.allSettled(names.map((name) => createManagedCompany(ctx, partner.admin, { name })));
        const created = results.filter((r) => r.status === 'fulfilled');
        expect(created).toHaveLength(new Set(names.map(companyNameKey)).size);
        for (const r of results) {
          if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'firm.company_name_taken' });
        }
        const listed = await listManagedCompanies(ctx, partner.admin);
        expect(new Set(listed.map((c) => companyNameKey(c.name))).size).toBe(listed.length);
      }),
      { numRuns: 20 },
    );
  });

  it('never activates an expired token: acceptance works until 30 days after sending, never from then on', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 60 * 24 }), async (hours) => {
        const { ctx, clock, outbox } = testPortal({ secrets: fastSecrets() });
        const firm = await givenFirm(ctx);
        const { clientId, contactIds } = await givenClient(ctx, firm.admin);
        const contactId = contactIds[0]!;
        await inviteMember(ctx, firm.admin, { clientId, contactId });
        const { token } = (await outbox.lastTo(contactId))!;
        clock.advance(hours * 60 * 60 * 1000);
        const accepting = acceptInvitation(ctx, { contactId, token, password: 'long enough pw' });
        // The link is valid for 30 days: at exactly sentAt + 30 days it has expired (as the client list says).
        if (hours * 60 * 60 * 1000 < 30 * DAY_MS) await expect(accepting).resolves.toMatchObject({ access: 'active' });
        else {
          await expect(accepting).rejects.toMatchObject({ code: 'invitation.expired' });
          await expect(logIn(ctx, { tenantId: firm.tenantId, contactId, password: 'long enough pw' })).rejects.toMatchObject({
            code: 'portal_access.invalid_credentials',
          });
        }
      }),
      { numRuns: 40, examples: [[30 * 24 - 1], [30 * 24], [30 * 24 + 1]] },
    );
  });

  it('never lets a login through a closed access, however opening, closing and re-opening interleave', async () => {
    type Step = { kind: 'close'; via: 'access_window' | 'toggle' } | { kind: 'open' } | { kind: 'login' };
    const step = fc.oneof(
      fc.constantFrom('access_window', 'toggle' as const).map((via): Step => ({ kind: 'close', via })),
      fc.constant<Step>({ kind: 'open' }),
      fc.constant<Step>({ kind: 'login' }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 10 }), async (steps) => {
        const { ctx, outbox } = testPortal({ secrets: fastSecrets() });
        const firm = await givenFirm(ctx);
        const { clientId, contactIds } = await givenClient(ctx, firm.admin);
        const contactId = contactIds[0]!;
        const password = 'long enough pw';
        await inviteMember(ctx, firm.admin, { clientId, contactId });
        await acceptInvitation(ctx, { contactId, token: (await outbox.lastTo(contactId))!.token, password });
        let open = true;
        for (const s of steps) {
          if (s.kind === 'close') {
            const closing = closePortalAccess(ctx, firm.admin, { contactId, via: s.via });
            if (open) await closing;
            else await expect(closing).rejects.toMatchObject({ code: 'portal_access.not_open' });
            open = false;
          } else if (s.kind === 'open') {
            // Re-opening for a contact who already set a password goes straight back to active.
            if (!open) await openPortalAccess(ctx, firm.admin, { clientId, contactId, sharedItems: [{ kind: 'folder', path: 'Tax' }] });
            open = true;
          } else {
            const login = logIn(ctx, { tenantId: firm.tenantId, contactId, password });
            if (open) await expect(login).resolves.toMatchObject({ contactId });
            else await expect(login).rejects.toMatchObject({ code: 'portal_access.closed' });
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});
