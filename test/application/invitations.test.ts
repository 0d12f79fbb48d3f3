import { describe, expect, it } from 'vitest';
import { closePortalAccess, getPortalAccess, openPortalAccess } from '../../src/application/access.js';
import {
  acceptInvitation,
  cancelInvitation,
  clientMemberStatuses,
  inviteInBulk,
  inviteMember,
  inviteOwners,
  issueInvitation,
  memberStatus,
  resendInvitation,
} from '../../src/application/invitations.js';
import { ValidationError } from '../../src/core/errors.js';
import { invitationDecider } from '../../src/invitation/decider.js';
import { streams } from '../../src/streams.js';
import { DAY_MS, allEvents, contactCaller, eventCount, givenClient, givenFirm, storedEvents, testPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';

const PASSWORD = 'correct horse battery';


async function setUp() {
  const portal = testPortal();
  const { tenantId, admin } = await givenFirm(portal.ctx);
  const client = await givenClient(portal.ctx, admin, { owners: [{ name: 'Olivia Owner', emails: ['olivia@client.example', 'o2@client.example'] }] });
  const contactId = client.contactIds[0]!;
  return { ...portal, tenantId, admin, clientId: client.clientId, contactId };
}

describe('issuing invitations', () => {
  it('records only the token hash and hands the raw token to the delivery port', async () => {
    const { ctx, admin, clientId, contactId, outbox, deps } = await setUp();
    const issued = await inviteMember(ctx, admin, { clientId, contactId, formId: 'form-tax-2025' });

    const sent = (await outbox.lastTo(contactId))!;
    expect(sent).toMatchObject({ clientId, contactId, email: 'olivia@client.example', formId: 'form-tax-2025', reason: 'invite', expiresAt: issued.expiresAt });
    const [event] = await ctx.log.readStream(streams.invitation(contactId));
    expect(event).toMatchObject({ type: 'InvitationSent', data: { tokenHash: deps.secrets.hashToken(sent.token), formId: 'form-tax-2025' } });
    expect(Date.parse(issued.expiresAt) - Date.parse(issued.sentAt)).toBe(30 * DAY_MS);
  });

  it('sends to the address asked for', async () => {
    const { ctx, admin, clientId, contactId, outbox } = await setUp();
    await issueInvitation(ctx, admin, { clientId, contactId, email: 'O2@Client.example', reason: 'invite' });
    expect((await outbox.lastTo(contactId))!.email).toBe('o2@client.example');
  });

  it('refuses a contact who is not a member of the client, and changes nothing', async () => {
    const { ctx, admin, clientId } = await setUp();
    const before = await eventCount(ctx);
    expect((await refusal(inviteMember(ctx, admin, { clientId, contactId: 'someone-else' }))).code).toBe('client.member_not_found');
    expect(await eventCount(ctx)).toBe(before);
  });

  it("reads another firm's client as not found", async () => {
    const { ctx, clientId, contactId, outbox } = await setUp();
    const other = await givenFirm(ctx);
    expect((await refusal(inviteMember(ctx, other.admin, { clientId, contactId }))).code).toBe('client.not_found');
    expect((await outbox.sent())).toHaveLength(0);
  });

  it('refuses a contact acting as the firm', async () => {
    const { ctx, tenantId, clientId, contactId } = await setUp();
    expect((await refusal(inviteMember(ctx, contactCaller(tenantId, contactId), { clientId, contactId }))).code).toBe('access.firm_only');
  });

  it('invites every owner of a group at once, one result per owner', async () => {
    const { ctx, admin, outbox } = await setUp();
    const group = await givenClient(ctx, admin, {
      owners: [
        { name: 'Ann', emails: ['ann@family.example'] },
        { name: 'Ben', emails: ['ben@family.example'] },
      ],
    });
    const { results } = await inviteOwners(ctx, admin, { clientId: group.clientId, formId: 'form-1' });
    expect(results.map((r) => [r.contactId, r.ok])).toEqual(group.contactIds.map((id) => [id, true]));
    expect((await outbox.sent()).map((s) => [s.email, s.formId])).toEqual([
      ['ann@family.example', 'form-1'],
      ['ben@family.example', 'form-1'],
    ]);
  });

  it('invites in bulk: a bad client id fails alone, the others are invited', async () => {
    const { ctx, admin, clientId, contactId, outbox } = await setUp();
    const second = await givenClient(ctx, admin);
    const { results } = await inviteInBulk(ctx, admin, { clientIds: [clientId, 'no-such-client', second.clientId] });
    expect(results).toMatchObject([
      { clientId, ok: true, invitations: [{ contactId, ok: true }] },
      { clientId: 'no-such-client', ok: false, error: { code: 'client.not_found' } },
      { clientId: second.clientId, ok: true, invitations: [{ contactId: second.contactIds[0], ok: true }] },
    ]);
    expect((await outbox.sent()).map((s) => s.contactId)).toEqual([contactId, second.contactIds[0]]);
  });
});

describe('the address an invitation goes to', () => {
  it("refuses an address that is not one of the member's, sending and recording nothing", async () => {
    const { ctx, admin, clientId, contactId, outbox } = await setUp();
    const before = await eventCount(ctx);
    const error = await refusal(inviteMember(ctx, admin, { clientId, contactId, email: 'stranger@evil.example' }));
    expect(error).toMatchObject({ code: 'invitation.email_not_of_contact' });
    expect(error.message).toMatch(/add the address to the contact first/i);
    expect(await eventCount(ctx)).toBe(before);
    expect((await outbox.sent())).toHaveLength(0);
  });

  it("takes any of the member's addresses, compared once normalised", async () => {
    const { ctx, admin, clientId, contactId, outbox } = await setUp();
    await inviteMember(ctx, admin, { clientId, contactId, email: '  O2@Client.EXAMPLE ' });
    expect((await outbox.lastTo(contactId))!.email).toBe('o2@client.example');
  });

  it('refuses a resend to a stranger, and resends to the previous address by default', async () => {
    const { ctx, admin, clientId, contactId, outbox } = await setUp();
    await inviteMember(ctx, admin, { clientId, contactId, email: 'o2@client.example' });
    await outbox.sent(); // mailed before the resend, as the running mail process would
    expect((await refusal(resendInvitation(ctx, admin, { contactId, email: 'stranger@evil.example' }))).code).toBe('invitation.email_not_of_contact');
    await resendInvitation(ctx, admin, { contactId });
    expect((await outbox.sent()).map((s) => [s.email, s.reason])).toEqual([
      ['o2@client.example', 'invite'],
      ['o2@client.example', 'resend'],
    ]);
  });
});

describe('bulk invitations', () => {
  it('invites each client once, however often it is listed, one result per client in first-seen order', async () => {
    const { ctx, admin, clientId, contactId, outbox } = await setUp();
    const { results } = await inviteInBulk(ctx, admin, { clientIds: [clientId, 'no-such-client', clientId, 'no-such-client'] });
    expect(results).toMatchObject([
      { clientId, ok: true, invitations: [{ contactId, ok: true }] },
      { clientId: 'no-such-client', ok: false, error: { code: 'client.not_found' } },
    ]);
    expect(results).toHaveLength(2);
    expect((await outbox.sent()).map((s) => s.contactId)).toEqual([contactId]);
    // The one link sent is the live one.
    await expect(acceptInvitation(ctx, { contactId, token: (await outbox.lastTo(contactId))!.token, password: PASSWORD })).resolves.toMatchObject({ access: 'active' });
  });
});

describe('a digital form sent along', () => {
  it('refuses an empty form id the same way for one member, all owners, in bulk and on resend', async () => {
    const { ctx, admin, clientId, contactId, outbox } = await setUp();
    await inviteMember(ctx, admin, { clientId, contactId });
    const before = await eventCount(ctx);
    const calls = [
      inviteMember(ctx, admin, { clientId, contactId, formId: '' }),
      inviteOwners(ctx, admin, { clientId, formId: '' }),
      inviteInBulk(ctx, admin, { clientIds: [clientId], formId: '' }),
      resendInvitation(ctx, admin, { contactId, formId: '' }),
    ];
    for (const call of calls) {
      const error = await refusal(call);
      expect(error.code).toBe('validation.failed');
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['formId']);
    }
    expect(await eventCount(ctx)).toBe(before);
    expect((await outbox.sent())).toHaveLength(1);
  });
});

describe('accepting an invitation', () => {
  it('is valid for 30 days: accepted on day 29, the contact acting in the firm of the invitation', async () => {
    const { ctx, admin, tenantId, clientId, contactId, outbox, clock } = await setUp();
    await inviteMember(ctx, admin, { clientId, contactId });
    clock.advance(29 * DAY_MS);

    const accepted = await acceptInvitation(ctx, { contactId, token: (await outbox.lastTo(contactId))!.token, password: PASSWORD });

    expect(accepted).toMatchObject({ tenantId, clientId, contactId, access: 'active' });
    const [, acceptedEvent] = await ctx.log.readStream(streams.invitation(contactId));
    expect(acceptedEvent!.metadata).toMatchObject({ tenantId, actor: { kind: 'contact', contactId } });
  });

  it('refuses on day 31 as expired, and records nothing', async () => {
    const { ctx, admin, clientId, contactId, outbox, clock } = await setUp();
    await inviteMember(ctx, admin, { clientId, contactId });
    const { token } = (await outbox.lastTo(contactId))!;
    clock.advance(31 * DAY_MS);
    const before = await eventCount(ctx);
    const error = await refusal(acceptInvitation(ctx, { contactId, token, password: PASSWORD }));
    expect(error.code).toBe('invitation.expired');
    expect(await eventCount(ctx)).toBe(before);
  });

  it('after a resend accepts the new token and refuses the old one', async () => {
    const { ctx, admin, clientId, contactId, outbox, clock } = await setUp();
    await inviteMember(ctx, admin, { clientId, contactId, formId: 'form-1' });
    const oldToken = (await outbox.lastTo(contactId))!.token;
    clock.advance(31 * DAY_MS);
    await resendInvitation(ctx, admin, { contactId });
    const resent = (await outbox.lastTo(contactId))!;
    expect(resent).toMatchObject({ reason: 'resend', formId: 'form-1', email: 'olivia@client.example' });

    expect((await refusal(acceptInvitation(ctx, { contactId, token: oldToken, password: PASSWORD }))).code).toBe('invitation.invalid_token');
    await expect(acceptInvitation(ctx, { contactId, token: resent.token, password: PASSWORD })).resolves.toMatchObject({ access: 'active' });
  });

  it('refuses a second acceptance', async () => {
    const { ctx, admin, clientId, contactId, outbox } = await setUp();
    await inviteMember(ctx, admin, { clientId, contactId });
    const token = (await outbox.lastTo(contactId))!.token;
    await acceptInvitation(ctx, { contactId, token, password: PASSWORD });
    expect((await refusal(acceptInvitation(ctx, { contactId, token, password: PASSWORD }))).code).toBe('invitation.already_accepted');
  });

  it('never stores the raw token or the password, only their hashes', async () => {
    const portal = await setUp();
    const { ctx, admin, clientId, contactId, outbox, deps } = portal;
    await inviteMember(ctx, admin, { clientId, contactId });
    const token = (await outbox.lastTo(contactId))!.token;
    await acceptInvitation(ctx, { contactId, token, password: PASSWORD });

    for (const events of [await storedEvents(portal), await allEvents(ctx)]) {
      const log = JSON.stringify(events);
      expect(log).not.toContain(token);
      expect(log).not.toContain(PASSWORD);
      expect(log).toContain(deps.secrets.hashToken(token));
    }
  });

  it('enforces the password policy before anything is recorded', async () => {
    const { ctx, admin, clientId, contactId, outbox } = await setUp();
    await inviteMember(ctx, admin, { clientId, contactId });
    const before = await eventCount(ctx);
    const error = await refusal(acceptInvitation(ctx, { contactId, token: (await outbox.lastTo(contactId))!.token, password: 'short' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).not.toContain('short');
    expect(await eventCount(ctx)).toBe(before);
  });

  it('reads an unknown contact as no invitation', async () => {
    const { ctx } = await setUp();
    expect((await refusal(acceptInvitation(ctx, { contactId: 'nobody', token: 't', password: PASSWORD }))).code).toBe('invitation.not_found');
  });

  it('opens never-opened access with the invitation email and only the upload folder shared, then activates it', async () => {
    const { ctx, admin, clientId, contactId, outbox } = await setUp();
    await inviteMember(ctx, admin, { clientId, contactId, email: 'o2@client.example' });
    await acceptInvitation(ctx, { contactId, token: (await outbox.lastTo(contactId))!.token, password: PASSWORD });
    const access = await getPortalAccess(ctx, admin, { contactId });
    expect(access).toMatchObject({ status: 'active', toggle: 'green', loginEmail: 'o2@client.example', sharedItems: [{ kind: 'folder', path: 'Uploads' }] });
    expect((await outbox.sent())).toHaveLength(1);
  });

  it('activates pending access, every event of the request sharing one correlation id', async () => {
    const { ctx, admin, clientId, contactId, outbox } = await setUp();
    await openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: [{ kind: 'folder', path: 'Tax' }] });
    await acceptInvitation(ctx, { contactId, token: (await outbox.lastTo(contactId))!.token, password: PASSWORD });

    const [accepted] = (await ctx.log.readStream(streams.invitation(contactId))).filter((e) => e.type === 'InvitationAccepted');
    const [activated] = (await ctx.log.readStream(streams.portalAccess(contactId))).filter((e) => e.type === 'PortalAccessActivated');
    expect(activated!.metadata.correlationId).toBe(accepted!.metadata.correlationId);
    expect(activated!.metadata.causationId).toBe(accepted!.metadata.correlationId);
    expect(await getPortalAccess(ctx, admin, { contactId })).toMatchObject({ status: 'active', sharedItems: [{ kind: 'folder', path: 'Tax' }] });
  });

  it('keeps the acceptance but refuses activation when access was closed meanwhile; re-opening activates at once', async () => {
    const { ctx, admin, clientId, contactId, outbox } = await setUp();
    await openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: [{ kind: 'folder', path: 'Tax' }] });
    const token = (await outbox.lastTo(contactId))!.token;
    await closePortalAccess(ctx, admin, { contactId, via: 'toggle' });

    expect(await acceptInvitation(ctx, { contactId, token, password: PASSWORD })).toMatchObject({ access: 'closed' });
    expect((await getPortalAccess(ctx, admin, { contactId })).status).toBe('closed');

    const reopened = await openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: [{ kind: 'folder', path: 'Tax' }] });
    expect(reopened.access).toMatchObject({ status: 'active', toggle: 'green' });
    expect(reopened.invitation).toBeNull();
  });

  it('a rerun after a crash between acceptance and activation finishes the activation', async () => {
    const { ctx, admin, tenantId, clientId, contactId, outbox, deps } = await setUp();
    await openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: [{ kind: 'folder', path: 'Tax' }] });
    const token = (await outbox.lastTo(contactId))!.token;
    // The first run got as far as the acceptance.
    const passwordHash = await deps.secrets.hashPassword(PASSWORD);
    await ctx.execute(
      invitationDecider,
      streams.invitation(contactId),
      { type: 'AcceptInvitation', data: { contactId, tokenHash: deps.secrets.hashToken(token), passwordHash } },
      contactCaller(tenantId, contactId),
    );
    expect((await getPortalAccess(ctx, admin, { contactId })).status).toBe('pending');

    await expect(acceptInvitation(ctx, { contactId, token, password: PASSWORD })).resolves.toMatchObject({ access: 'active' });
    expect((await getPortalAccess(ctx, admin, { contactId })).status).toBe('active');
  });
});

/** The portal's own processes record the automatic cancel reasons; a host process calls as a system actor. */
const asProcess = (caller: { tenantId: string }) => ({ tenantId: caller.tenantId, actor: { kind: 'system' as const, name: 'retention' } });

describe('cancelling invitations', () => {
  it('cancels the open invitation, after which its link is refused', async () => {
    const { ctx, admin, clientId, contactId, outbox } = await setUp();
    await inviteMember(ctx, admin, { clientId, contactId });
    const { token } = (await outbox.lastTo(contactId))!;
    await cancelInvitation(ctx, asProcess(admin), { contactId, reason: 'member_removed' });
    const events = await ctx.log.readStream(streams.invitation(contactId));
    expect(events.at(-1)).toMatchObject({ type: 'InvitationCancelled', data: { reason: 'member_removed' } });
    const error = await refusal(acceptInvitation(ctx, { contactId, token, password: PASSWORD }));
    expect(error.code).toBe('invitation.cancelled');
  });

  it('is a no-op when nothing is open', async () => {
    const { ctx, admin, contactId } = await setUp();
    const before = await eventCount(ctx);
    await cancelInvitation(ctx, asProcess(admin), { contactId, reason: 'client_archived' });
    await cancelInvitation(ctx, asProcess(admin), { contactId, reason: 'client_archived' });
    expect(await eventCount(ctx)).toBe(before);
  });

  it("reads another firm's invitation as not found", async () => {
    const { ctx, admin, clientId, contactId } = await setUp();
    await inviteMember(ctx, admin, { clientId, contactId });
    const other = await givenFirm(ctx);
    expect((await refusal(cancelInvitation(ctx, asProcess(other.admin), { contactId, reason: 'member_removed' }))).code).toBe('invitation.not_found');
  });
});

describe('member activation status', () => {
  it('follows the invitation from not invited to waiting to expired', async () => {
    const { ctx, admin, clientId, contactId, clock } = await setUp();
    expect((await memberStatus(ctx, admin, { clientId, contactId })).text).toBe('Not invited');
    await inviteMember(ctx, admin, { clientId, contactId });
    expect((await memberStatus(ctx, admin, { clientId, contactId })).status.state).toBe('invited_just_now');
    clock.advance(2 * DAY_MS);
    expect((await memberStatus(ctx, admin, { clientId, contactId })).text).toBe('Waiting for member to accept invitation (sent 2026-01-15)');
    clock.advance(29 * DAY_MS);
    expect((await memberStatus(ctx, admin, { clientId, contactId })).text).toBe('Invitation expired (sent 2026-01-15)');
  });

  it('lists every member of a client, owners first', async () => {
    const { ctx, admin, outbox } = await setUp();
    const group = await givenClient(ctx, admin, {
      owners: [
        { name: 'Ann', emails: ['ann@family.example'] },
        { name: 'Ben', emails: ['ben@family.example'] },
      ],
    });
    await inviteMember(ctx, admin, { clientId: group.clientId, contactId: group.contactIds[1]! });
    await acceptInvitation(ctx, { contactId: group.contactIds[1]!, token: (await outbox.lastTo(group.contactIds[1]!))!.token, password: PASSWORD });
    const statuses = await clientMemberStatuses(ctx, admin, { clientId: group.clientId });
    expect(statuses.map((s) => [s.name, s.role, s.text])).toEqual([
      ['Ann', 'owner', 'Not invited'],
      ['Ben', 'owner', 'Account activated, not logged in yet'],
    ]);
  });
});
