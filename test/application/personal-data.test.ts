import { describe, expect, it } from 'vitest';
import { AppContext } from '../../src/application/context.js';
import { ERASED } from '../../src/core/events.js';
import { changeLoginEmail, getPortalAccess, openPortalAccess } from '../../src/application/access.js';
import { addGuest, addContactEmail, archiveClient, getClient, recordPreliminaryData, removeMember, renameClient } from '../../src/application/clients.js';
import { uploadDocument } from '../../src/application/documents.js';
import { addStaffUser } from '../../src/application/firms.js';
import { issueInvitation } from '../../src/application/invitations.js';
import { forgetContact } from '../../src/application/personal-data.js';
import { portalAccessDecider } from '../../src/portal-access/decider.js';
import { streams } from '../../src/streams.js';
import { allEvents, eventCount, givenClient, givenFirm, staffCaller, storedEvents, testPortal, type TestPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';
import { hashOf } from '../support/content-hash.js';

const olivia = { name: 'Olivia Owner', emails: ['olivia@client.example'] };
const oscar = { name: 'Oscar Owner', emails: ['oscar@client.example'] };

/**
 * A group client whose owner Olivia was invited, has active portal access and logged in from an IP,
 * with a co-owner Oscar (also invited) and a guest Gus: personal data of Olivia in the client,
 * invitation and portal-access streams.
 */
async function givenClientWithHistory(portal: TestPortal) {
  const { ctx } = portal;
  const { admin } = await givenFirm(ctx);
  const { clientId, contactIds } = await givenClient(ctx, admin, { kind: 'group', name: 'Owner Family', owners: [olivia, oscar] });
  const [oliviaId, oscarId] = contactIds as [string, string];
  await addContactEmail(ctx, admin, { clientId, contactId: oliviaId, email: 'olivia@work.example' });
  await issueInvitation(ctx, admin, { clientId, contactId: oscarId, reason: 'invite' });
  await openPortalAccess(ctx, admin, { clientId, contactId: oliviaId, loginEmail: 'olivia@work.example', sharedItems: [{ kind: 'folder', path: 'Tax' }] });
  const contact = { tenantId: admin.tenantId, actor: { kind: 'contact' as const, contactId: oliviaId } };
  const portalAccess = streams.portalAccess(oliviaId);
  // Activation and login straight through the decider (no scrypt needed to record a login).
  await ctx.execute(portalAccessDecider, portalAccess, { type: 'ActivatePortalAccess', data: { contactId: oliviaId, passwordHash: 'scrypt$test' } }, contact);
  await ctx.execute(portalAccessDecider, portalAccess, { type: 'RecordLogin', data: { contactId: oliviaId, ipAddress: '203.0.113.7', userAgent: 'Firefox' } }, contact);
  const guest = await addGuest(ctx, admin, { clientId, contact: { name: 'Gus Guest', emails: ['gus@guest.example'] } });
  return { admin, clientId, oliviaId, oscarId, gusId: guest.contactId };
}

describe('forgetting a contact', () => {
  it("erases the contact's personal data in every stream, keeping the history and everyone else's data", async () => {
    const portal = testPortal();
    const { ctx } = portal;
    const { admin, clientId, oliviaId, oscarId, gusId } = await givenClientWithHistory(portal);
    const typesBefore = (await allEvents(ctx)).map((e) => `${e.streamId}:${e.type}`);

    const result = await forgetContact(ctx, { ...admin, correlationId: 'req-forget' }, { clientId, contactId: oliviaId });

    expect(result).toMatchObject({ contactId: oliviaId, alreadyForgotten: false, clientForgotten: false });
    const events = await allEvents(ctx);
    // Shut out first (access closed, open invitation cancelled), then forgotten.
    expect(events.map((e) => `${e.streamId}:${e.type}`)).toEqual([
      ...typesBefore,
      `${streams.portalAccess(oliviaId)}:PortalAccessClosed`,
      `${streams.invitation(oliviaId)}:InvitationCancelled`,
      `${streams.dataSubject(oliviaId)}:PersonalDataForgotten`,
    ]);
    expect(events.find((e) => e.type === 'PortalAccessClosed')?.data).toMatchObject({ reason: 'contact_forgotten' });
    expect(events.at(-1)?.metadata).toMatchObject({ correlationId: 'req-forget', actor: admin.actor, tenantId: admin.tenantId });

    const text = JSON.stringify(events);
    for (const secret of ['Olivia Owner', 'olivia@client.example', 'olivia@work.example', '203.0.113.7', 'Firefox']) expect(text).not.toContain(secret);
    for (const kept of ['Oscar Owner', 'oscar@client.example', 'gus@guest.example', 'Gus Guest', 'Owner Family']) expect(text).toContain(kept);

    const [created, emailAdded] = await ctx.log.readStream(streams.client(clientId));
    expect(created?.data).toMatchObject({ owners: [{ contactId: oliviaId, name: ERASED, emails: [ERASED] }, { contactId: oscarId, ...oscar }] });
    expect(emailAdded?.data).toMatchObject({ contactId: oliviaId, email: ERASED });
    const access = await ctx.log.readStream(streams.portalAccess(oliviaId));
    expect(access.find((e) => e.type === 'PortalAccessOpened')?.data).toMatchObject({ loginEmail: ERASED, accessState: 'pending' });
    expect(access.find((e) => e.type === 'ContactLoggedIn')?.data).toMatchObject({ ipAddress: ERASED, userAgent: ERASED });
    const invitation = await ctx.log.readStream(streams.invitation(oliviaId));
    expect(invitation.map((e) => e.type)).toEqual(['InvitationSent', 'InvitationCancelled']);
    expect(invitation[0]?.data).toMatchObject({ email: ERASED });
    expect((await ctx.log.readStream(streams.invitation(oscarId)))[0]?.data).toMatchObject({ email: 'oscar@client.example' });
    expect((await ctx.log.readStream(streams.invitation(gusId)))[0]?.data).toMatchObject({ email: 'gus@guest.example' });
  });

  it('leaves the client loadable and its commands working', async () => {
    const portal = testPortal();
    const { ctx } = portal;
    const { admin, clientId, oliviaId } = await givenClientWithHistory(portal);
    await forgetContact(ctx, admin, { clientId, contactId: oliviaId });

    const client = await getClient(ctx, admin, { clientId: clientId });
    // Both addresses read as the same marker, so the fold keeps one: erased is erased.
    expect(client.members[0]).toEqual({ contactId: oliviaId, name: ERASED, emails: [ERASED], role: 'owner' });
    await renameClient(ctx, admin, { clientId, name: 'Renamed Family' });
    const another = await addGuest(ctx, admin, { clientId, contact: { name: 'Greta', emails: ['greta@guest.example'] } });
    expect((await portal.outbox.lastTo(another.contactId))?.email).toBe('greta@guest.example');
    await removeMember(ctx, admin, { clientId, contactId: oliviaId });
    await archiveClient(ctx, admin, { clientId });
    expect(await getClient(ctx, admin, { clientId: clientId })).toMatchObject({ status: 'archived', name: 'Renamed Family' });
    // No new personal data can be stored for a forgotten contact.
    const raw = JSON.stringify(await storedEvents(portal));
    expect(raw).not.toContain('olivia');
  });

  it('shuts a forgotten contact out: no login, no new invitation', async () => {
    const portal = testPortal();
    const { ctx } = portal;
    const { admin, clientId, oliviaId } = await givenClientWithHistory(portal);
    await forgetContact(ctx, admin, { clientId, contactId: oliviaId });
    expect((await getPortalAccess(ctx, admin, { contactId: oliviaId })).status).toBe('closed');
    expect((await refusal(issueInvitation(ctx, admin, { clientId, contactId: oliviaId, reason: 'invite' }))).code).toBe(
      'personal_data.subject_forgotten',
    );
  });

  it('refuses to re-open access for a forgotten contact as forgotten, not as a malformed email', async () => {
    const portal = testPortal();
    const { ctx } = portal;
    const { admin, clientId, oliviaId } = await givenClientWithHistory(portal);
    await forgetContact(ctx, admin, { clientId, contactId: oliviaId });
    const before = await eventCount(ctx);
    for (const loginEmail of [undefined, 'olivia@new.example']) {
      const input = { clientId, contactId: oliviaId, sharedItems: [{ kind: 'folder' as const, path: 'Tax' }], ...(loginEmail ? { loginEmail } : {}) };
      const error = await refusal(openPortalAccess(ctx, admin, input));
      expect(error).toMatchObject({ name: 'DomainError', code: 'personal_data.subject_forgotten' });
    }
    expect(await eventCount(ctx)).toBe(before);
  });

  it('refuses to change a forgotten contact\'s login email as forgotten, not as a malformed email', async () => {
    // Found by the read-model properties: the command was built with the erased marker as the contact's emails.
    const portal = testPortal();
    const { ctx } = portal;
    const { admin, clientId, oliviaId } = await givenClientWithHistory(portal);
    await forgetContact(ctx, admin, { clientId, contactId: oliviaId });
    const before = await eventCount(ctx);
    const error = await refusal(changeLoginEmail(ctx, admin, { contactId: oliviaId, loginEmail: 'olivia@new.example' }));
    expect(error).toMatchObject({ name: 'DomainError', code: 'personal_data.subject_forgotten' });
    expect(await eventCount(ctx)).toBe(before);
  });

  it("forgets an individual client's own data with its only owner", async () => {
    const portal = testPortal();
    const { ctx } = portal;
    const { admin } = await givenFirm(ctx);
    const { clientId, contactIds } = await givenClient(ctx, admin, { name: 'Ann Smith' });
    await recordPreliminaryData(ctx, admin, { clientId, fields: { taxFileNumber: 'TFN-123-456' } });
    await uploadDocument(ctx, admin, { clientId, folderPath: 'Tax', name: 'ann-smith-passport.pdf', size: 1, contentHash: hashOf('h'), blobRef: 'b' });
    const result = await forgetContact(ctx, admin, { clientId, contactId: contactIds[0]! });
    expect(result).toMatchObject({ clientForgotten: true });
    const text = JSON.stringify(await allEvents(ctx));
    for (const secret of ['Ann Smith', 'TFN-123-456', 'ann-smith-passport']) expect(text).not.toContain(secret);
    expect(await getClient(ctx, admin, { clientId: clientId })).toMatchObject({ name: ERASED });
  });

  it('changes nothing when repeated', async () => {
    const { ctx } = testPortal();
    const { admin } = await givenFirm(ctx);
    const { clientId, contactIds } = await givenClient(ctx, admin);
    await forgetContact(ctx, admin, { clientId, contactId: contactIds[0]! });
    const before = await eventCount(ctx);
    expect(await forgetContact(ctx, admin, { clientId, contactId: contactIds[0]! })).toMatchObject({
      contactId: contactIds[0],
      alreadyForgotten: true,
      clientForgotten: true,
    });
    expect(await eventCount(ctx)).toBe(before);
  });

  it('finishes on a rerun when deleting the key failed the first time', async () => {
    const { ctx, deps } = testPortal();
    const { admin } = await givenFirm(ctx);
    const { clientId, contactIds } = await givenClient(ctx, admin, { kind: 'group', name: 'Owner Family', owners: [olivia, oscar] });
    const oliviaId = contactIds[0]!;
    let failures = 1;
    const flakyKeys = { ...deps.keys, delete: async (id: string) => (failures-- > 0 ? Promise.reject(new Error('key store down')) : deps.keys.delete(id)) };
    const flaky = new AppContext({ ...deps, keys: flakyKeys });
    await expect(forgetContact(flaky, admin, { clientId, contactId: oliviaId })).rejects.toThrow('key store down');
    expect((await getClient(flaky, admin, { clientId })).members[0]?.name).toBe(ERASED);
    await expect(deps.keys.isForgotten(oliviaId)).resolves.toBe(false);

    expect(await forgetContact(flaky, admin, { clientId, contactId: oliviaId })).toMatchObject({ alreadyForgotten: true });
    await expect(deps.keys.isForgotten(oliviaId)).resolves.toBe(true);
    expect((await getClient(ctx, admin, { clientId })).members[0]?.name).toBe(ERASED);
  });

  it('forgets a former member too', async () => {
    const { ctx } = testPortal();
    const { admin } = await givenFirm(ctx);
    const { clientId } = await givenClient(ctx, admin);
    const { contactId } = await addGuest(ctx, admin, { clientId, contact: { name: 'Gus Guest', emails: ['gus@guest.example'] } });
    await removeMember(ctx, admin, { clientId, contactId });
    await forgetContact(ctx, admin, { clientId, contactId });
    expect(JSON.stringify(await allEvents(ctx))).not.toContain('gus@guest.example');
  });

  it('is refused to a staff user who is not a partner admin, erasing nothing', async () => {
    const { ctx } = testPortal();
    const { admin } = await givenFirm(ctx);
    const { clientId, contactIds } = await givenClient(ctx, admin, { owners: [olivia] });
    const { userId } = await addStaffUser(ctx, admin, { user: { name: 'Bob', email: 'bob@firm.example' } });
    const before = await eventCount(ctx);
    const error = await refusal(forgetContact(ctx, staffCaller(admin.tenantId, userId), { clientId, contactId: contactIds[0]! }));
    expect(error.code).toBe('personal_data.not_partner_admin');
    expect(await eventCount(ctx)).toBe(before);
    expect((await getClient(ctx, admin, { clientId: clientId })).members[0]?.name).toBe('Olivia Owner');
  });

  it("is refused for another firm's client (not found) and for a contact who never belonged to the client", async () => {
    const { ctx } = testPortal();
    const a = await givenFirm(ctx);
    const b = await givenFirm(ctx);
    const { clientId, contactIds } = await givenClient(ctx, a.admin, { owners: [olivia] });
    const ofB = await givenClient(ctx, b.admin);
    const before = await eventCount(ctx);
    expect((await refusal(forgetContact(ctx, b.admin, { clientId, contactId: contactIds[0]! }))).code).toBe('client.not_found');
    expect((await refusal(forgetContact(ctx, a.admin, { clientId, contactId: ofB.contactIds[0]! }))).code).toBe('client.member_not_found');
    expect(await eventCount(ctx)).toBe(before);
    expect((await getClient(ctx, a.admin, { clientId: clientId })).members[0]?.name).toBe('Olivia Owner');
  });
});
