import { describe, expect, it } from 'vitest';
import { changeSharedSelection, closePortalAccess, openPortalAccess } from '../../src/application/access.js';
import { acceptInvitation } from '../../src/application/invitations.js';
import { givenClient, givenFirm, testPortal } from '../support/portal.js';

const tax = [{ kind: 'folder' as const, path: 'Tax' }];
const taxAndPayroll = [{ kind: 'folder' as const, path: 'Payroll' }, ...tax];

/** A contact who set a password (access active), as the firm sees them. */
async function setUpActive() {
  const portal = testPortal();
  const { tenantId, admin } = await givenFirm(portal.ctx);
  const { clientId, contactIds } = await givenClient(portal.ctx, admin, { owners: [{ name: 'Olivia Owner', emails: ['olivia@client.example'] }] });
  const contactId = contactIds[0]!;
  await openPortalAccess(portal.ctx, admin, { contactId, clientId, sharedItems: tax });
  await acceptInvitation(portal.ctx, { contactId, token: (await portal.outbox.lastTo(contactId))!.token, password: 'correct horse battery' });
  return { ...portal, tenantId, admin, clientId, contactId };
}

describe('the access notification ("Click Save to send the access notification")', () => {
  it('goes out when access is re-opened for a contact who already has a password, and no invitation does', async () => {
    const { ctx, admin, tenantId, clientId, contactId, outbox, notifications } = await setUpActive();
    await closePortalAccess(ctx, admin, { contactId, via: 'toggle' });
    const invitationsBefore = (await outbox.sent()).length;
    const { access, invitation } = await openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: taxAndPayroll });
    expect(access.status).toBe('active');
    expect(invitation).toBeNull();
    expect((await outbox.sent()).length).toBe(invitationsBefore);
    expect((await notifications.sent()).map(({ kind, mail, ...about }) => about)).toEqual([
      { tenantId, clientId, contactId, email: 'olivia@client.example', sharedItems: taxAndPayroll, reason: 'reopened', contactHasPassword: true },
    ]);
  });

  it('goes out when the shared folders are saved with a change', async () => {
    const { ctx, admin, tenantId, clientId, contactId, notifications } = await setUpActive();
    await changeSharedSelection(ctx, admin, { contactId, sharedItems: taxAndPayroll });
    expect((await notifications.sent()).map(({ kind, mail, ...about }) => about)).toEqual([
      { tenantId, clientId, contactId, email: 'olivia@client.example', sharedItems: taxAndPayroll, reason: 'folders_changed', contactHasPassword: true },
    ]);
  });

  it('is not sent twice for a repeated save that changes nothing', async () => {
    const { ctx, admin, contactId, notifications } = await setUpActive();
    await changeSharedSelection(ctx, admin, { contactId, sharedItems: taxAndPayroll });
    await changeSharedSelection(ctx, admin, { contactId, sharedItems: taxAndPayroll });
    expect((await notifications.sent())).toHaveLength(1);
  });

  it('is the invitation itself for a contact without a password: no second email', async () => {
    const portal = testPortal();
    const { admin } = await givenFirm(portal.ctx);
    const { clientId, contactIds } = await givenClient(portal.ctx, admin);
    await openPortalAccess(portal.ctx, admin, { contactId: contactIds[0]!, clientId, sharedItems: tax });
    expect((await portal.outbox.sent())).toHaveLength(1);
    expect((await portal.notifications.sent())).toEqual([]);
  });

  it('tells a contact whose password is still to be set about changed folders too', async () => {
    const portal = testPortal();
    const { admin } = await givenFirm(portal.ctx);
    const { clientId, contactIds } = await givenClient(portal.ctx, admin);
    const contactId = contactIds[0]!;
    await openPortalAccess(portal.ctx, admin, { contactId, clientId, sharedItems: tax });
    await changeSharedSelection(portal.ctx, admin, { contactId, sharedItems: taxAndPayroll });
    expect((await portal.notifications.sent())).toMatchObject([{ contactId, reason: 'folders_changed', contactHasPassword: false }]);
  });
});
