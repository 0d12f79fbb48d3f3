// Who may do what, and what a firm can learn about another: the defects an API review found.
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../src/application/context.js';
import { createPortal } from '../../src/application/portal.js';
import { ValidationError } from '../../src/core/errors.js';
import { eventCount, givenClient, givenFirm, staffCaller, testPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';

const platform: Caller = { tenantId: 'platform', actor: { kind: 'platform', operatorId: 'operator-1' } };

async function setUp() {
  const test = testPortal();
  const portal = createPortal(test.deps);
  const { admin } = await givenFirm(test.ctx);
  const { userId } = await portal.firms.addStaffUser(admin, { user: { name: 'Sam Staff', email: 'sam@firm.example' } });
  const staff = staffCaller(admin.tenantId, userId);
  return { test, portal, admin, staff };
}

describe('creating a firm', () => {
  it('is the platform operator\'s act: a contact, a staff user or a system process is refused, changing nothing', async () => {
    const { test, portal, admin } = await setUp();
    const before = await eventCount(test.ctx);
    const callers: Caller[] = [
      { tenantId: admin.tenantId, actor: { kind: 'contact', contactId: 'c-1' } },
      admin,
      { tenantId: 'signup', actor: { kind: 'system', name: 'signup' } },
    ];
    for (const caller of callers) {
      const error = await refusal(portal.firms.createFirm(caller, { name: `New ${caller.actor.kind}`, partnerAdmin: { name: 'Pat', email: 'pat@new.example' } }));
      expect(error.code, caller.actor.kind).toBe('firm.platform_only');
    }
    expect(await eventCount(test.ctx)).toBe(before);
  });

  it('by the platform operator, records the operator as the actor', async () => {
    const { test, portal } = await setUp();
    const { firmId } = await portal.firms.createFirm(platform, { name: 'Harbour', partnerAdmin: { name: 'Pat', email: 'pat@harbour.example' } });
    const [created] = await test.ctx.log.readStream(`firm-${firmId}`);
    expect(created!.metadata.actor).toEqual({ kind: 'platform', operatorId: 'operator-1' });
  });

  it('refuses a malformed platform actor with a ValidationError', async () => {
    const { portal } = await setUp();
    const caller = { tenantId: 'platform', actor: { kind: 'platform' } } as unknown as Caller;
    const error = await refusal(portal.firms.createFirm(caller, { name: 'Harbour', partnerAdmin: { name: 'Pat', email: 'pat@harbour.example' } }));
    expect(error).toBeInstanceOf(ValidationError);
  });
});

describe("the firm's OneDrive account", () => {
  it('is connected, replaced and disconnected by partner admins only', async () => {
    const { test, portal, admin, staff } = await setUp();
    const account = (accountId: string) => ({ accountId, displayName: 'Firm OneDrive', driveType: 'personal' as const });
    const before = await eventCount(test.ctx);
    expect((await refusal(portal.firms.connectOneDrive(staff, account('od-1')))).code).toBe('firm.not_partner_admin');
    expect(await eventCount(test.ctx)).toBe(before);
    await portal.firms.connectOneDrive(admin, account('od-1'));
    expect((await refusal(portal.firms.connectOneDrive(staff, account('od-2')))).code).toBe('firm.not_partner_admin');
    expect((await refusal(portal.firms.disconnectOneDrive(staff))).code).toBe('firm.not_partner_admin');
    expect((await portal.firms.getFirm(admin)).oneDrive).toMatchObject({ status: 'connected', accountId: 'od-1' });
    await portal.firms.connectOneDrive(admin, account('od-2'));
    expect((await portal.firms.disconnectOneDrive(admin)).changed).toBe(true);
  });
});

describe('cancelling an invitation', () => {
  it.each(['client_archived', 'member_removed', 'contact_forgotten'] as const)(
    "refuses the automatic reason '%s' from a staff user: only the portal's processes record it",
    async (reason) => {
      const { test, portal, admin } = await setUp();
      const { clientId, contactIds } = await givenClient(test.ctx, admin);
      await portal.invitations.inviteMember(admin, { clientId, contactId: contactIds[0]! });
      const before = await eventCount(test.ctx);
      const error = await refusal(portal.invitations.cancelInvitation(admin, { contactId: contactIds[0]!, reason }));
      expect(error.code).toBe('invitation.reason_for_processes_only');
      expect(await eventCount(test.ctx)).toBe(before);
      expect((await portal.invitations.memberStatus(admin, { clientId, contactId: contactIds[0]! })).status.state).toBe('invited_just_now');
    },
  );

  it('lets the firm withdraw an invitation: the link stops working and the member reads as not invited', async () => {
    const { test, portal, admin } = await setUp();
    const { clientId, contactIds } = await givenClient(test.ctx, admin);
    const contactId = contactIds[0]!;
    await portal.invitations.inviteMember(admin, { clientId, contactId });
    const token = (await test.outbox.lastTo(contactId))!.token;
    expect(await portal.invitations.cancelInvitation(admin, { contactId, reason: 'withdrawn_by_firm' })).toMatchObject({ changed: true });
    expect((await portal.invitations.memberStatus(admin, { clientId, contactId })).status.state).toBe('not_invited');
    expect((await refusal(portal.invitations.acceptInvitation({ contactId, token, password: 'a long passphrase' }))).code).toMatch(/^invitation\./);
  });
});

describe("a member's status", () => {
  it("reads an unknown contact and another firm's contact alike: not found", async () => {
    const { test, portal, admin } = await setUp();
    const other = await givenFirm(test.ctx);
    const { clientId } = await givenClient(test.ctx, admin);
    const theirs = await givenClient(test.ctx, other.admin);
    const invited = theirs.contactIds[0]!;
    const notInvited = (await givenClient(test.ctx, other.admin)).contactIds[0]!;
    await portal.invitations.inviteMember(other.admin, { clientId: theirs.clientId, contactId: invited });
    const refusals = [];
    for (const contactId of ['made-up-contact', invited, notInvited]) {
      refusals.push(await refusal(portal.invitations.memberStatus(admin, { clientId, contactId })));
    }
    for (const error of refusals) expect([error.name, error.code, error.message]).toEqual([refusals[0]!.name, refusals[0]!.code, refusals[0]!.message]);
    expect(refusals[0]!.name).toBe('NotFoundError');
    const viaTheirClient = await refusal(portal.invitations.memberStatus(admin, { clientId: theirs.clientId, contactId: invited }));
    const viaUnknownClient = await refusal(portal.invitations.memberStatus(admin, { clientId: 'made-up-client', contactId: 'made-up-contact' }));
    expect([viaTheirClient.code, viaTheirClient.message]).toEqual([viaUnknownClient.code, viaUnknownClient.message]);
  });
});

describe('the partner portal', () => {
  it("lists each managed company with its premium apps and its admins", async () => {
    const { portal, admin } = await setUp();
    await portal.firms.enablePartnerFeatures(platform, { firmId: admin.tenantId });
    const { companyId } = await portal.firms.createManagedCompany(admin, {
      name: `Acme ${admin.tenantId}`,
      premiumApps: ['payroll'],
      admins: [{ name: 'Carl Admin', email: 'carl@acme.example' }],
    });
    const { userId } = await portal.firms.addCompanyAdmin(admin, { companyId, admin: { name: 'Dee Admin', email: 'dee@acme.example' } });
    const listed = await portal.firms.listManagedCompanies(admin);
    expect(listed).toEqual([
      {
        companyId,
        name: `Acme ${admin.tenantId}`,
        premiumApps: ['payroll'],
        admins: [
          { userId: expect.any(String), name: 'Carl Admin', email: 'carl@acme.example' },
          { userId, name: 'Dee Admin', email: 'dee@acme.example' },
        ],
      },
    ]);
  });
});
