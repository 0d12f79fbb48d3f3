import { describe, expect, it } from 'vitest';
import {
  changeLoginEmail,
  changeSharedSelection,
  closeAccess,
  closePortalAccess,
  getPortalAccess,
  logIn,
  openPortalAccess,
} from '../../src/application/access.js';
import { archiveClient, removeContactEmail } from '../../src/application/clients.js';
import { acceptInvitation } from '../../src/application/invitations.js';
import { clientDecider } from '../../src/client/decider.js';
import type { CloseReason } from '../../src/portal-access/events.js';
import { streams } from '../../src/streams.js';
import { contactCaller, eventCount, givenClient, givenFirm, testPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';

const PASSWORD = 'correct horse battery';
const tax = [{ kind: 'folder' as const, path: 'Tax' }];


async function setUp() {
  const portal = testPortal();
  const { tenantId, admin } = await givenFirm(portal.ctx);
  const client = await givenClient(portal.ctx, admin, { owners: [{ name: 'Olivia Owner', emails: ['olivia@client.example'] }] });
  return { ...portal, tenantId, admin, clientId: client.clientId, contactId: client.contactIds[0]! };
}

/** Access opened by the firm and activated by the contact with PASSWORD. */
async function setUpActive() {
  const portal = await setUp();
  const { ctx, admin, clientId, contactId, outbox } = portal;
  await openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: tax });
  await acceptInvitation(ctx, { contactId, token: (await outbox.lastTo(contactId))!.token, password: PASSWORD });
  return portal;
}

describe('opening portal access', () => {
  it('opens pending (orange) access and sends the invitation as the access notification', async () => {
    const { ctx, admin, clientId, contactId, outbox } = await setUp();
    const { access, invitation } = await openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: tax });
    expect(access).toMatchObject({ status: 'pending', toggle: 'orange', loginEmail: 'olivia@client.example', sharedItems: tax });
    expect(invitation).not.toBeNull();
    expect((await outbox.lastTo(contactId))).toMatchObject({ reason: 'access_opened', email: 'olivia@client.example' });
  });

  it('adds a new login email to the contact, as a follow-up of the same request', async () => {
    const { ctx, admin, clientId, contactId, outbox } = await setUp();
    await openPortalAccess(ctx, admin, { contactId, clientId, loginEmail: 'Olivia.Work@Client.example', sharedItems: tax });
    const { state } = await ctx.load(clientDecider, streams.client(clientId));
    expect(state.members[0]!.emails).toEqual(['olivia@client.example', 'olivia.work@client.example']);
    expect((await outbox.lastTo(contactId))!.email).toBe('olivia.work@client.example');

    const [opened] = await ctx.log.readStream(streams.portalAccess(contactId));
    const added = (await ctx.log.readStream(streams.client(clientId))).find((e) => e.type === 'ContactEmailAdded')!;
    expect(added.metadata.correlationId).toBe(opened!.metadata.correlationId);
    expect(added.metadata.causationId).toBe(opened!.metadata.correlationId);
  });

  it('converges when the same request runs again: nothing is opened or sent twice', async () => {
    const { ctx, admin, clientId, contactId, outbox } = await setUp();
    await openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: tax });
    const before = await eventCount(ctx);
    const again = await openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: tax });
    expect(again.invitation).toBeNull();
    expect(await eventCount(ctx)).toBe(before);
    expect((await outbox.sent())).toHaveLength(1);
  });

  it('refuses to open again with other settings', async () => {
    const { ctx, admin, clientId, contactId } = await setUp();
    await openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: tax });
    const error = await refusal(openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: [{ kind: 'folder', path: 'Payroll' }] }));
    expect(error.code).toBe('portal_access.already_open');
  });

  it('refuses a contact, a non-member and another firm, recording nothing', async () => {
    const { ctx, admin, tenantId, clientId, contactId } = await setUp();
    const other = await givenFirm(ctx);
    const before = await eventCount(ctx);
    expect((await refusal(openPortalAccess(ctx, contactCaller(tenantId, contactId), { contactId, clientId, sharedItems: tax }))).code).toBe(
      'access.firm_only',
    );
    expect((await refusal(openPortalAccess(ctx, admin, { contactId: 'stranger', clientId, sharedItems: tax }))).code).toBe('client.member_not_found');
    expect((await refusal(openPortalAccess(ctx, other.admin, { contactId, clientId, sharedItems: tax }))).code).toBe('client.not_found');
    expect((await refusal(openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: [] }))).code).toBe('validation.failed');
    expect(await eventCount(ctx)).toBe(before);
  });
});

describe('changing access', () => {
  it('changes the shared selection', async () => {
    const { ctx, admin, clientId, contactId } = await setUp();
    await openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: tax });
    const { access } = await changeSharedSelection(ctx, admin, { contactId, sharedItems: [...tax, { kind: 'document', documentId: 'doc-1' }] });
    expect(access.sharedItems).toEqual([{ kind: 'document', documentId: 'doc-1' }, ...tax]);
  });

  it('refuses to change access that was never opened', async () => {
    const { ctx, admin, contactId } = await setUp();
    expect((await refusal(changeSharedSelection(ctx, admin, { contactId, sharedItems: tax }))).code).toBe('portal_access.not_found');
  });

  it('while pending, a new login email gets a new invitation and the old link dies', async () => {
    const { ctx, admin, clientId, contactId, outbox } = await setUp();
    await openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: tax });
    const oldToken = (await outbox.lastTo(contactId))!.token;
    const { access, invitation } = await changeLoginEmail(ctx, admin, { contactId, loginEmail: 'new@client.example' });
    expect(access.loginEmail).toBe('new@client.example');
    expect(invitation).not.toBeNull();
    expect((await outbox.lastTo(contactId))).toMatchObject({ email: 'new@client.example', reason: 'access_opened' });
    const { state } = await ctx.load(clientDecider, streams.client(clientId));
    expect(state.members[0]!.emails).toContain('new@client.example');
    expect((await refusal(acceptInvitation(ctx, { contactId, token: oldToken, password: PASSWORD }))).code).toBe('invitation.invalid_token');
  });
});

describe('re-opening access', () => {
  it('keeps the previous login email when none is given and the contact still has it', async () => {
    const { ctx, admin, clientId, contactId, outbox } = await setUp();
    await openPortalAccess(ctx, admin, { contactId, clientId, loginEmail: 'olivia@work.example', sharedItems: tax });
    await closePortalAccess(ctx, admin, { contactId, via: 'toggle' });
    const { access } = await openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: tax });
    expect(access.loginEmail).toBe('olivia@work.example');
    expect((await outbox.lastTo(contactId))!.email).toBe('olivia@work.example');
  });

  it("falls back to the contact's first address when the previous login email was removed", async () => {
    const { ctx, admin, clientId, contactId } = await setUp();
    await openPortalAccess(ctx, admin, { contactId, clientId, loginEmail: 'olivia@work.example', sharedItems: tax });
    await closePortalAccess(ctx, admin, { contactId, via: 'toggle' });
    await removeContactEmail(ctx, admin, { clientId, contactId, email: 'olivia@work.example' });
    const { access } = await openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: tax });
    expect(access.loginEmail).toBe('olivia@client.example');
  });
});

describe('logging in', () => {
  it('records a login with the right password', async () => {
    const { ctx, tenantId, clientId, contactId, clock } = await setUpActive();
    clock.advance(60_000);
    const session = await logIn(ctx, { tenantId, contactId, password: PASSWORD, ipAddress: '203.0.113.9' });
    expect(session).toMatchObject({ contactId, clientId, lastLoginAt: clock.now().toISOString() });
    const last = (await ctx.log.readStream(streams.portalAccess(contactId))).at(-1)!;
    expect(last).toMatchObject({ type: 'ContactLoggedIn', data: { ipAddress: '203.0.113.9' }, metadata: { actor: { kind: 'contact', contactId } } });
  });

  it('refuses a wrong password with a generic message, recording nothing', async () => {
    const { ctx, tenantId, contactId } = await setUpActive();
    const before = await eventCount(ctx);
    const error = await refusal(logIn(ctx, { tenantId, contactId, password: 'wrong password!' }));
    expect(error.code).toBe('portal_access.invalid_credentials');
    expect(error.message).toBe('The login details are not correct.');
    expect(await eventCount(ctx)).toBe(before);
  });

  it('refuses an unknown contact and the wrong firm exactly like a wrong password', async () => {
    const { ctx, tenantId, contactId } = await setUpActive();
    const other = await givenFirm(ctx);
    expect((await refusal(logIn(ctx, { tenantId, contactId: 'nobody', password: PASSWORD }))).code).toBe('portal_access.invalid_credentials');
    expect((await refusal(logIn(ctx, { tenantId: other.tenantId, contactId, password: PASSWORD }))).code).toBe(
      'portal_access.invalid_credentials',
    );
  });

  it('refuses pending access (no password yet)', async () => {
    const { ctx, admin, tenantId, clientId, contactId } = await setUp();
    await openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: tax });
    expect((await refusal(logIn(ctx, { tenantId, contactId, password: PASSWORD }))).code).toBe('portal_access.invalid_credentials');
  });

  it.each<Exclude<CloseReason, 'contact_forgotten'>>(['access_window', 'toggle', 'client_archived'])('refuses a login once access is closed via %s', async (via) => {
    const { ctx, admin, tenantId, clientId, contactId } = await setUpActive();
    if (via === 'client_archived') await archiveClient(ctx, admin, { clientId });
    else await closePortalAccess(ctx, admin, { contactId, via });
    expect(await getPortalAccess(ctx, admin, { contactId })).toMatchObject({ status: 'closed', toggle: 'off', closedReason: via });
    const before = await eventCount(ctx);
    expect((await refusal(logIn(ctx, { tenantId, contactId, password: PASSWORD }))).code).toBe('portal_access.closed');
    expect(await eventCount(ctx)).toBe(before);
  });
});

describe('closing access', () => {
  it('closing for an archived client is a no-op when access is not open', async () => {
    const { ctx, admin, contactId } = await setUp();
    const before = await eventCount(ctx);
    await closeAccess(ctx, admin, { contactId, via: 'client_archived' });
    expect(await eventCount(ctx)).toBe(before);
  });

  it.each(['client_archived', 'contact_forgotten'])('leaves the automatic reason %s to the processes: the firm cannot record it', async (via) => {
    const { ctx, admin, clientId, contactId } = await setUp();
    await openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: tax });
    const before = await eventCount(ctx);
    const error = await refusal(closePortalAccess(ctx, admin, { contactId, via } as never));
    expect(error.code).toBe('validation.failed');
    expect(await eventCount(ctx)).toBe(before);
    expect((await getPortalAccess(ctx, admin, { contactId })).status).toBe('pending');
  });

  it('refuses to close access that is not open from the toggle or the access window', async () => {
    const { ctx, admin, clientId, contactId } = await setUp();
    expect((await refusal(closePortalAccess(ctx, admin, { contactId, via: 'toggle' }))).code).toBe('portal_access.not_found');
    await openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: tax });
    await closePortalAccess(ctx, admin, { contactId, via: 'toggle' });
    expect((await refusal(closePortalAccess(ctx, admin, { contactId, via: 'access_window' }))).code).toBe('portal_access.not_open');
  });

  it("reads another firm's access as not found", async () => {
    const { ctx, admin, clientId, contactId } = await setUp();
    await openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: tax });
    const other = await givenFirm(ctx);
    expect((await refusal(closePortalAccess(ctx, other.admin, { contactId, via: 'toggle' }))).code).toBe('portal_access.not_found');
    expect((await refusal(getPortalAccess(ctx, other.admin, { contactId }))).code).toBe('portal_access.not_found');
  });
});

describe('reading access', () => {
  it('shows the toggle colour: orange while pending, green once active', async () => {
    const { ctx, admin, contactId } = await setUpActive();
    expect((await getPortalAccess(ctx, admin, { contactId })).toggle).toBe('green');
    const pending = await setUp();
    await openPortalAccess(pending.ctx, pending.admin, { contactId: pending.contactId, clientId: pending.clientId, sharedItems: tax });
    expect((await getPortalAccess(pending.ctx, pending.admin, { contactId: pending.contactId })).toggle).toBe('orange');
    expect(contactId).not.toBe(pending.contactId);
  });

  it("lets a contact read only their own access, and never shows the password hash", async () => {
    const { ctx, tenantId, contactId } = await setUpActive();
    const own = await getPortalAccess(ctx, contactCaller(tenantId, contactId), { contactId });
    expect(JSON.stringify(own)).not.toContain('scrypt');
    expect((await refusal(getPortalAccess(ctx, contactCaller(tenantId, 'someone-else'), { contactId }))).code).toBe('portal_access.not_found');
  });
});
