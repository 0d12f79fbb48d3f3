import { describe, expect, it } from 'vitest';
import { changeLoginEmail, closePortalAccess, openPortalAccess } from '../../src/application/access.js';
import {
  addContactEmail,
  addGuest,
  addOwner,
  archiveClient,
  assignStaff,
  changeSubscription,
  createClient,
  getClient,
  recordPreliminaryData,
  removeContactEmail,
  removeMember,
  removePreliminaryData,
  renameClient,
  renameContact,
  restoreClient,
  unassignStaff,
} from '../../src/application/clients.js';
import { addStaffUser, removeStaffUser } from '../../src/application/firms.js';
import { clientDecider } from '../../src/client/decider.js';
import { nodeSecrets } from '../../adapters/system/secrets.js';
import { idempotentEntityId } from '../../src/core/idempotency.js';
import { invitationDecider } from '../../src/invitation/decider.js';
import { portalAccessDecider } from '../../src/portal-access/decider.js';
import { streams } from '../../src/streams.js';
import { allEvents, contactCaller, eventCount, givenClient, givenFirm, staffCaller, storedEvents, testPortal, type TestPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';


type Ctx = TestPortal['ctx'];
const typesOn = async (ctx: Ctx, streamId: string) => (await ctx.log.readStream(streamId)).map((e) => e.type);
const accessOf = async (ctx: Ctx, contactId: string) => (await ctx.load(portalAccessDecider, streams.portalAccess(contactId))).state;
const invitationOf = async (ctx: Ctx, contactId: string) => (await ctx.load(invitationDecider, streams.invitation(contactId))).state;
const olivia = { name: 'Olivia Owner', emails: ['olivia@client.example'] };
const gus = { name: 'Gus Guest', emails: ['Gus@Guest.example', 'gus@home.example'] };

describe('clients', () => {
  it('creates an individual with one owner, its preliminary data and subscription', async () => {
    const { ctx } = testPortal();
    const { admin } = await givenFirm(ctx);
    const created = await createClient(ctx, admin, {
      kind: 'individual',
      owners: [olivia],
      preliminaryData: { taxFileNumber: '123 456 789' },
      subscription: 'pro',
    });
    const client = await getClient(ctx, admin, { clientId: created.clientId });
    expect(client).toMatchObject({ status: 'active', firmId: admin.tenantId, kind: 'individual', subscription: 'pro' });
    expect(client.members).toEqual([{ contactId: created.ownerIds[0], ...olivia, role: 'owner' }]);
    expect(client.preliminaryData).toEqual({ taxFileNumber: '123 456 789' });
    expect(await typesOn(ctx, streams.client(created.clientId))).toEqual(['ClientCreated', 'PreliminaryDataRecorded']);
  });

  it('creates a group with its owners, and refuses an individual with two', async () => {
    const { ctx } = testPortal();
    const { admin } = await givenFirm(ctx);
    const group = await createClient(ctx, admin, { kind: 'group', name: 'The Smiths', owners: [olivia, { name: 'Oscar', emails: ['oscar@client.example'] }] });
    expect(group.ownerIds).toHaveLength(2);
    const before = await eventCount(ctx);
    const error = await refusal(createClient(ctx, admin, { kind: 'individual', owners: [olivia, { name: 'Oscar', emails: ['oscar@client.example'] }] }));
    expect(error.code).toBe('client.individual_has_one_owner');
    expect(await eventCount(ctx)).toBe(before);
  });

  it('renames, records and removes preliminary data, and changes the subscription', async () => {
    const { ctx } = testPortal();
    const { admin } = await givenFirm(ctx);
    const { clientId } = await givenClient(ctx, admin);
    await renameClient(ctx, admin, { clientId, name: 'Olivia (Tax)' });
    await recordPreliminaryData(ctx, admin, { clientId, fields: { spouse: 'Sam', city: 'Paris' } });
    await removePreliminaryData(ctx, admin, { clientId, fieldNames: ['city', 'unknown'] });
    const unchanged = await changeSubscription(ctx, admin, { clientId, plan: 'starter' });
    expect(unchanged.changed).toBe(false);
    const changed = await changeSubscription(ctx, admin, { clientId, plan: 'pro' });
    expect(changed).toMatchObject({ clientId, changed: true, revision: 4 });
    expect(await getClient(ctx, admin, { clientId: clientId })).toMatchObject({ name: 'Olivia (Tax)', preliminaryData: { spouse: 'Sam' }, subscription: 'pro' });
  });

  it("assigns only the firm's own staff users, and unassigns them", async () => {
    const { ctx } = testPortal();
    const a = await givenFirm(ctx);
    const b = await givenFirm(ctx);
    const { clientId } = await givenClient(ctx, a.admin);
    const { userId } = await addStaffUser(ctx, a.admin, { user: { name: 'Bob', email: 'bob@a.example' } });
    await assignStaff(ctx, a.admin, { clientId, userId });
    expect((await getClient(ctx, a.admin, { clientId: clientId })).assignedStaff).toEqual([userId]);
    const bUser = (b.admin.actor as { userId: string }).userId;
    expect((await refusal(assignStaff(ctx, a.admin, { clientId, userId: bUser }))).code).toBe('client.staff_not_in_firm');
    await unassignStaff(ctx, a.admin, { clientId, userId });
    expect((await getClient(ctx, a.admin, { clientId: clientId })).assignedStaff).toEqual([]);
  });

  it('adds a co-owner to a group, not to an individual', async () => {
    const { ctx } = testPortal();
    const { admin } = await givenFirm(ctx);
    const group = await givenClient(ctx, admin, { kind: 'group', owners: [olivia] });
    const { contactId } = await addOwner(ctx, admin, { clientId: group.clientId, contact: { name: 'Oscar', emails: ['oscar@client.example'] } });
    expect((await getClient(ctx, admin, { clientId: group.clientId })).members.map((m) => [m.contactId, m.role])).toEqual([
      [group.contactIds[0], 'owner'],
      [contactId, 'owner'],
    ]);
    const individual = await givenClient(ctx, admin);
    const error = await refusal(addOwner(ctx, admin, { clientId: individual.clientId, contact: { name: 'Oscar', emails: ['oscar@client.example'] } }));
    expect(error.code).toBe('client.individual_has_one_owner');
  });

  it("renames a contact and manages their email addresses, never removing the last", async () => {
    const { ctx } = testPortal();
    const { admin } = await givenFirm(ctx);
    const { clientId, contactIds } = await givenClient(ctx, admin, { owners: [olivia] });
    const contactId = contactIds[0]!;
    await renameContact(ctx, admin, { clientId, contactId, name: 'Olivia Smith' });
    await addContactEmail(ctx, admin, { clientId, contactId, email: ' Olivia@Work.example ' });
    expect((await addContactEmail(ctx, admin, { clientId, contactId, email: 'olivia@work.example' })).changed).toBe(false);
    await removeContactEmail(ctx, admin, { clientId, contactId, email: 'olivia@client.example' });
    expect((await getClient(ctx, admin, { clientId: clientId })).members[0]).toMatchObject({ name: 'Olivia Smith', emails: ['olivia@work.example'] });
    expect((await refusal(removeContactEmail(ctx, admin, { clientId, contactId, email: 'olivia@work.example' }))).code).toBe('client.last_email');
  });

  describe('adding a guest', () => {
    it('invites the guest at once: the email carries a token whose hash is in the event, never the token', async () => {
      const portal = testPortal();
      const { ctx, outbox } = portal;
      const { admin } = await givenFirm(ctx);
      const { clientId } = await givenClient(ctx, admin);

      const added = await addGuest(ctx, { ...admin, correlationId: 'req-guest' }, { clientId, contact: gus });

      const delivered = (await outbox.lastTo(added.contactId))!;
      expect(delivered).toMatchObject({ tenantId: admin.tenantId, clientId, email: 'gus@guest.example', reason: 'guest_added', expiresAt: added.invitation.expiresAt });
      const [sent] = await ctx.log.readStream(streams.invitation(added.contactId));
      expect(sent).toMatchObject({
        type: 'InvitationSent',
        data: { invitationId: added.invitation.invitationId, email: 'gus@guest.example', tokenHash: ctx.deps.secrets.hashToken(delivered.token) },
        metadata: { correlationId: 'req-guest', causationId: 'req-guest' },
      });
      expect(await typesOn(ctx, streams.client(clientId))).toEqual(['ClientCreated', 'GuestAdded', 'InvitationRequested']);
      expect(JSON.stringify(await storedEvents(portal))).not.toContain(delivered.token);
      expect(JSON.stringify(added)).not.toContain(delivered.token);
    });

    it('is safe to retry with a host-chosen contact id: one guest, one invitation', async () => {
      const { ctx, outbox } = testPortal();
      const { admin } = await givenFirm(ctx);
      const { clientId } = await givenClient(ctx, admin);
      const first = await addGuest(ctx, admin, { clientId, contact: gus, idempotencyKey: 'gus' });
      const again = await addGuest(ctx, admin, { clientId, contact: gus, idempotencyKey: 'gus' });
      expect(again.invitation).toEqual(first.invitation);
      expect((await getClient(ctx, admin, { clientId: clientId })).members.filter((m) => m.role === 'guest')).toHaveLength(1);
      expect(first.contactId).toBe(idempotentEntityId(nodeSecrets.digest, admin.tenantId, 'addGuest', 'gus'));
      expect((await outbox.sent()).filter((m) => m.contactId === first.contactId)).toHaveLength(1);
    });

    it('a retry after a crash between adding the guest and inviting them sends the invitation', async () => {
      const { ctx, outbox } = testPortal();
      const { admin } = await givenFirm(ctx);
      const { clientId } = await givenClient(ctx, admin);
      // The guest was added, then the process stopped before the invitation went out.
      const contactId = idempotentEntityId(nodeSecrets.digest, admin.tenantId, 'addGuest', 'gus');
      await ctx.execute(clientDecider, streams.client(clientId), { type: 'AddGuest', data: { contact: gus, contactId } }, admin);
      expect((await outbox.sent())).toHaveLength(0);
      await addGuest(ctx, admin, { clientId, contact: gus, idempotencyKey: 'gus' });
      expect((await outbox.lastTo(contactId))).toMatchObject({ email: 'gus@guest.example', reason: 'guest_added' });
    });

    it("cannot be steered onto another firm's contact: the key names a contact id of the caller's firm only", async () => {
      const { ctx } = testPortal();
      const a = await givenFirm(ctx);
      const b = await givenFirm(ctx);
      const { contactIds } = await givenClient(ctx, a.admin);
      const { clientId: bClient } = await givenClient(ctx, b.admin);
      const added = await addGuest(ctx, b.admin, { clientId: bClient, contact: gus, idempotencyKey: 'x' });
      expect(added.contactId).not.toBe(contactIds[0]);
      const steered = await addGuest(ctx, b.admin, { clientId: bClient, contact: gus, idempotencyKey: contactIds[0]! });
      expect(steered.contactId).not.toBe(contactIds[0]);
    });

    it('is refused to a staff user no longer in the firm, or never in it', async () => {
      const { ctx } = testPortal();
      const { admin } = await givenFirm(ctx);
      const { clientId } = await givenClient(ctx, admin);
      const { userId } = await addStaffUser(ctx, admin, { user: { name: 'Bob', email: 'bob@a.example' } });
      await removeStaffUser(ctx, admin, { userId });
      for (const outsider of [staffCaller(admin.tenantId, userId), staffCaller(admin.tenantId, 'never-staff')]) {
        expect((await refusal(addGuest(ctx, outsider, { clientId, contact: gus }))).code).toBe('firm.not_staff');
        expect((await refusal(archiveClient(ctx, outsider, { clientId }))).code).toBe('firm.not_staff');
      }
    });

    it('is refused on an archived client, inviting nobody', async () => {
      const { ctx, outbox } = testPortal();
      const { admin } = await givenFirm(ctx);
      const { clientId } = await givenClient(ctx, admin);
      await archiveClient(ctx, admin, { clientId });
      expect((await refusal(addGuest(ctx, admin, { clientId, contact: gus }))).code).toBe('client.archived');
      expect((await outbox.sent())).toHaveLength(0);
    });
  });

  describe('removing a member', () => {
    it('cancels their open invitation and closes their open portal access', async () => {
      const { ctx } = testPortal();
      const { admin } = await givenFirm(ctx);
      const { clientId, contactIds } = await givenClient(ctx, admin);
      const { contactId } = await addGuest(ctx, admin, { clientId, contact: gus });
      await openPortalAccess(ctx, admin, { clientId, contactId, sharedItems: [{ kind: 'folder', path: 'Tax' }] });

      await removeMember(ctx, { ...admin, correlationId: 'req-rm' }, { clientId, contactId });

      expect(await accessOf(ctx, contactId)).toMatchObject({ status: 'closed', closedReason: 'access_window' });
      expect(await invitationOf(ctx, contactId)).toMatchObject({ status: 'cancelled' });
      const [cancelled] = (await ctx.log.readStream(streams.invitation(contactId))).slice(-1);
      expect(cancelled).toMatchObject({ data: { reason: 'member_removed' }, metadata: { causationId: 'req-rm' } });
      expect((await getClient(ctx, admin, { clientId: clientId })).members.map((m) => m.contactId)).toEqual(contactIds);
    });

    it('needs nothing else when the member was never invited', async () => {
      const { ctx } = testPortal();
      const { admin } = await givenFirm(ctx);
      const group = await givenClient(ctx, admin, { owners: [olivia, { name: 'Oscar', emails: ['oscar@client.example'] }] });
      const before = await eventCount(ctx);
      await removeMember(ctx, admin, { clientId: group.clientId, contactId: group.contactIds[1]! });
      expect(await eventCount(ctx)).toBe(before + 1);
    });

    it('refuses to remove the last owner, changing nothing', async () => {
      const { ctx } = testPortal();
      const { admin } = await givenFirm(ctx);
      const { clientId, contactIds } = await givenClient(ctx, admin);
      const before = await eventCount(ctx);
      expect((await refusal(removeMember(ctx, admin, { clientId, contactId: contactIds[0]! }))).code).toBe('client.last_owner');
      expect(await eventCount(ctx)).toBe(before);
    });

    it('finishes the follow-ups when repeated after stopping half-way', async () => {
      const { ctx } = testPortal();
      const { admin } = await givenFirm(ctx);
      const { clientId } = await givenClient(ctx, admin);
      const { contactId } = await addGuest(ctx, admin, { clientId, contact: gus });
      await ctx.execute(clientDecider, streams.client(clientId), { type: 'RemoveMember', data: { contactId } }, admin);
      expect((await refusal(removeMember(ctx, admin, { clientId, contactId }))).code).toBe('client.member_not_found');
      expect(await invitationOf(ctx, contactId)).toMatchObject({ status: 'cancelled' });
    });
  });

  describe('removing an email address', () => {
    const tax = [{ kind: 'folder' as const, path: 'Tax' }];

    it('refuses to remove the login email of open access, changing nothing', async () => {
      const { ctx } = testPortal();
      const { admin } = await givenFirm(ctx);
      const { clientId, contactIds } = await givenClient(ctx, admin, { owners: [{ name: 'Olivia', emails: ['a@x.example'] }] });
      const contactId = contactIds[0]!;
      await openPortalAccess(ctx, admin, { contactId, clientId, loginEmail: 'b@x.example', sharedItems: tax });
      const before = await eventCount(ctx);
      const error = await refusal(removeContactEmail(ctx, admin, { clientId, contactId, email: 'B@X.example' }));
      expect(error.code).toBe('client.login_email_in_use');
      expect(error.message).toMatch(/change the login email first/i);
      expect(await eventCount(ctx)).toBe(before);
      expect((await getClient(ctx, admin, { clientId: clientId })).members[0]!.emails).toEqual(['a@x.example', 'b@x.example']);
    });

    it('removes it once the login email changed, or once access is closed', async () => {
      const { ctx } = testPortal();
      const { admin } = await givenFirm(ctx);
      const { clientId, contactIds } = await givenClient(ctx, admin, { owners: [{ name: 'Olivia', emails: ['a@x.example'] }] });
      const contactId = contactIds[0]!;
      await openPortalAccess(ctx, admin, { contactId, clientId, loginEmail: 'b@x.example', sharedItems: tax });
      await changeLoginEmail(ctx, admin, { contactId, loginEmail: 'a@x.example' });
      expect((await removeContactEmail(ctx, admin, { clientId, contactId, email: 'b@x.example' })).changed).toBe(true);
      await addContactEmail(ctx, admin, { clientId, contactId, email: 'c@x.example' });
      await changeLoginEmail(ctx, admin, { contactId, loginEmail: 'c@x.example' });
      await closePortalAccess(ctx, admin, { contactId, via: 'toggle' });
      expect((await removeContactEmail(ctx, admin, { clientId, contactId, email: 'c@x.example' })).changed).toBe(true);
    });
  });

  describe('archiving', () => {
    it("closes every member's portal access and cancels their open invitations", async () => {
      const { ctx } = testPortal();
      const { admin } = await givenFirm(ctx);
      const { clientId, contactIds } = await givenClient(ctx, admin, { kind: 'group', owners: [olivia] });
      const owner = contactIds[0]!;
      await openPortalAccess(ctx, admin, { clientId, contactId: owner, sharedItems: [{ kind: 'folder', path: 'Tax' }] });
      const guest = (await addGuest(ctx, admin, { clientId, contact: gus })).contactId;

      const archived = await archiveClient(ctx, { ...admin, correlationId: 'req-archive' }, { clientId });

      expect(archived.contactIds).toEqual([owner, guest]);
      expect(await accessOf(ctx, owner)).toMatchObject({ status: 'closed', closedReason: 'client_archived' });
      expect(await accessOf(ctx, guest)).toMatchObject({ status: 'none' });
      for (const contactId of [owner, guest]) expect(await invitationOf(ctx, contactId)).toMatchObject({ status: 'cancelled' });
      const followUps = (await allEvents(ctx)).filter((e) => e.type === 'PortalAccessClosed' || e.type === 'InvitationCancelled');
      expect(followUps).toHaveLength(3);
      for (const e of followUps) expect(e.metadata).toMatchObject({ correlationId: 'req-archive', causationId: 'req-archive' });
      expect((await refusal(renameClient(ctx, admin, { clientId, name: 'X' }))).code).toBe('client.archived');
    });

    it('finishes closing access when repeated after stopping half-way', async () => {
      const { ctx } = testPortal();
      const { admin } = await givenFirm(ctx);
      const { clientId, contactIds } = await givenClient(ctx, admin);
      await openPortalAccess(ctx, admin, { clientId, contactId: contactIds[0]!, sharedItems: [{ kind: 'folder', path: 'Tax' }] });
      await ctx.execute(clientDecider, streams.client(clientId), { type: 'ArchiveClient', data: {} }, admin);
      expect((await refusal(archiveClient(ctx, admin, { clientId }))).code).toBe('client.archived');
      expect(await accessOf(ctx, contactIds[0]!)).toMatchObject({ status: 'closed', closedReason: 'client_archived' });
    });

    it('restores the client, unassigning staff users removed from the firm meanwhile', async () => {
      const { ctx } = testPortal();
      const { admin } = await givenFirm(ctx);
      const { clientId } = await givenClient(ctx, admin);
      const { userId } = await addStaffUser(ctx, admin, { user: { name: 'Bob', email: 'bob@a.example' } });
      await assignStaff(ctx, admin, { clientId, userId });
      await archiveClient(ctx, admin, { clientId });
      expect((await removeStaffUser(ctx, admin, { userId })).unassignedFrom).toEqual([]);

      const restored = await restoreClient(ctx, admin, { clientId });

      expect(restored.unassigned).toEqual([userId]);
      expect(await getClient(ctx, admin, { clientId: clientId })).toMatchObject({ status: 'active', assignedStaff: [] });
      expect((await refusal(restoreClient(ctx, admin, { clientId }))).code).toBe('client.not_archived');
    });
  });

  describe('tenant isolation', () => {
    it("reads and changes another firm's client as not found, changing nothing", async () => {
      const { ctx, outbox } = testPortal();
      const a = await givenFirm(ctx);
      const b = await givenFirm(ctx);
      const { clientId, contactIds } = await givenClient(ctx, a.admin);
      const before = await eventCount(ctx);
      const attempts = [
        getClient(ctx, b.admin, { clientId: clientId }),
        renameClient(ctx, b.admin, { clientId, name: 'Mine' }),
        addGuest(ctx, b.admin, { clientId, contact: gus }),
        removeMember(ctx, b.admin, { clientId, contactId: contactIds[0]! }),
        archiveClient(ctx, b.admin, { clientId }),
        assignStaff(ctx, b.admin, { clientId, userId: (b.admin.actor as { userId: string }).userId }),
      ];
      for (const attempt of attempts) expect((await refusal(attempt)).code).toBe('client.not_found');
      expect(await eventCount(ctx)).toBe(before);
      expect((await outbox.sent())).toHaveLength(0);
    });

    it("refuses a client's contact", async () => {
      const { ctx } = testPortal();
      const { admin } = await givenFirm(ctx);
      const { clientId, contactIds } = await givenClient(ctx, admin);
      const contact = contactCaller(admin.tenantId, contactIds[0]!);
      expect((await refusal(renameClient(ctx, contact, { clientId, name: 'Mine' }))).code).toBe('access.firm_only');
      expect((await refusal(getClient(ctx, contact, { clientId: clientId }))).code).toBe('access.firm_only');
    });
  });
});
