import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/core/envelope.js';
import { reserve } from '../../src/core/reservation.js';
import { AppContext, type Caller } from '../../src/application/context.js';
import type { EventStore } from '../../src/core/event-store.js';
import { assignStaff, createClient } from '../../src/application/clients.js';
import {
  addCompanyAdmin,
  addStaffUser,
  changeLicensingPartner,
  changePremiumApps,
  changeStaffRole,
  clearBranding,
  connectOneDrive,
  createFirm,
  createManagedCompany,
  disablePartnerFeatures,
  disconnectOneDrive,
  effectiveBrandingOf,
  enablePartnerFeatures,
  getFirm,
  listManagedCompanies,
  markOneDriveNeedsReconnect,
  removeCompanyAdmin,
  removeStaffUser,
  setBranding,
} from '../../src/application/firms.js';
import { clientDecider } from '../../src/client/decider.js';
import { defaultBranding } from '../../src/firm/branding.js';
import { firmDecider } from '../../src/firm/decider.js';
import { folderLinkDecider } from '../../src/folder-link/decider.js';
import { streams } from '../../src/streams.js';
import { allEvents, eventCount, givenClient, givenFirm, staffCaller, testPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';

const platform: Caller = { tenantId: 'platform', actor: { kind: 'platform', operatorId: 'operator-1' } };


const streamEvents = (events: RecordedEvent[], streamId: string) => events.filter((e) => e.streamId === streamId);
const typesOn = async (ctx: ReturnType<typeof testPortal>['ctx'], streamId: string) => (await ctx.log.readStream(streamId)).map((e) => e.type);

/** A firm with partner features on (licensing partner), as the platform would set it up. */
async function givenPartner(ctx: ReturnType<typeof testPortal>['ctx'], licensingPartner = true) {
  const firm = await givenFirm(ctx);
  await enablePartnerFeatures(ctx, platform, { firmId: firm.tenantId, licensingPartner });
  return firm;
}

describe('firms', () => {
  it('creates a firm whose id is its tenant, with its first partner admin', async () => {
    const { ctx } = testPortal();
    const created = await createFirm(ctx, platform, { name: '  Smith   & Co ', partnerAdmin: { name: 'Ann', email: 'Ann@Smith.example' } });
    const [event] = await ctx.log.readStream(streams.firm(created.firmId));
    expect(event?.type).toBe('FirmCreated');
    expect(event?.metadata.tenantId).toBe(created.firmId);
    const firm = await getFirm(ctx, staffCaller(created.firmId, created.partnerAdminId));
    expect(firm).toMatchObject({ id: created.firmId, name: 'Smith & Co', managedBy: null });
    expect(firm.staff).toEqual([{ userId: created.partnerAdminId, name: 'Ann', email: 'ann@smith.example', role: 'partner_admin' }]);
  });

  it('keeps company names unique across the platform: firms and managed companies alike', async () => {
    const { ctx } = testPortal();
    const first = await createFirm(ctx, platform, { name: 'Smith & Co', partnerAdmin: { name: 'Ann', email: 'ann@smith.example' } });
    const again = await refusal(createFirm(ctx, platform, { name: '  SMITH   & co', partnerAdmin: { name: 'Bob', email: 'bob@x.example' } }));
    expect(again.code).toBe('firm.company_name_taken');
    const partner = staffCaller(first.firmId, first.partnerAdminId);
    await enablePartnerFeatures(ctx, platform, { firmId: first.firmId });
    expect((await refusal(createManagedCompany(ctx, partner, { name: 'smith & co' }))).code).toBe('firm.company_name_taken');
    await createManagedCompany(ctx, partner, { name: 'Acme' });
    expect((await refusal(createFirm(ctx, platform, { name: 'ACME', partnerAdmin: { name: 'Cy', email: 'cy@x.example' } }))).code).toBe(
      'firm.company_name_taken',
    );
  });

  it('adds a staff user and changes their role', async () => {
    const { ctx } = testPortal();
    const { tenantId, admin } = await givenFirm(ctx);
    const { userId } = await addStaffUser(ctx, admin, { user: { name: 'Bob', email: 'bob@firm.example' } });
    const changed = await changeStaffRole(ctx, admin, { userId, role: 'partner_admin' });
    expect(changed.changed).toBe(true);
    expect((await getFirm(ctx, admin)).staff.find((s) => s.userId === userId)?.role).toBe('partner_admin');
    expect((await changeStaffRole(ctx, admin, { userId, role: 'partner_admin' })).changed).toBe(false);
    expect(tenantId).toBe(admin.tenantId);
  });

  it('refuses staff management to a staff user who is not a partner admin, changing nothing', async () => {
    const { ctx } = testPortal();
    const { tenantId, admin } = await givenFirm(ctx);
    const { userId } = await addStaffUser(ctx, admin, { user: { name: 'Bob', email: 'bob@firm.example' } });
    const before = await eventCount(ctx);
    const error = await refusal(addStaffUser(ctx, staffCaller(tenantId, userId), { user: { name: 'Eve', email: 'eve@firm.example' } }));
    expect(error.code).toBe('firm.not_partner_admin');
    expect(await eventCount(ctx)).toBe(before);
  });

  it("reads another firm, and changes its staff, as not found", async () => {
    const { ctx } = testPortal();
    const a = await givenFirm(ctx);
    const b = await givenFirm(ctx);
    expect((await refusal(getFirm(ctx, b.admin, { firmId: a.tenantId }))).code).toBe('firm.not_found');
    const contact: Caller = { tenantId: a.tenantId, actor: { kind: 'contact', contactId: 'c-1' } };
    expect((await refusal(getFirm(ctx, contact))).code).toBe('access.firm_only');
    const before = await eventCount(ctx);
    const error = await refusal(addStaffUser(ctx, b.admin, { firmId: a.tenantId, user: { name: 'Eve', email: 'eve@b.example' } }));
    expect(error.code).toBe('firm.not_found');
    expect(await eventCount(ctx)).toBe(before);
  });

  describe('removing a staff user', () => {
    it("unassigns them from every client of the firm they were assigned to, and from no other firm's", async () => {
      const { ctx } = testPortal();
      const a = await givenFirm(ctx);
      const b = await givenFirm(ctx);
      const bob = 'user-bob';
      await addStaffUser(ctx, a.admin, { user: { userId: bob, name: 'Bob', email: 'bob@a.example' } });
      // The same person (same user id) also works for firm B.
      await addStaffUser(ctx, b.admin, { user: { userId: bob, name: 'Bob', email: 'bob@b.example' } });
      const one = await givenClient(ctx, a.admin);
      const two = await givenClient(ctx, a.admin);
      const notAssigned = await givenClient(ctx, a.admin);
      const ofB = await givenClient(ctx, b.admin);
      for (const client of [one, two]) await assignStaff(ctx, a.admin, { clientId: client.clientId, userId: bob });
      await assignStaff(ctx, b.admin, { clientId: ofB.clientId, userId: bob });

      const removed = await removeStaffUser(ctx, { ...a.admin, correlationId: 'req-1' }, { userId: bob });

      expect(removed.unassignedFrom.sort()).toEqual([one.clientId, two.clientId].sort());
      const events = await allEvents(ctx);
      const unassigned = events.filter((e) => e.type === 'StaffUnassigned');
      expect(unassigned.map((e) => e.streamId).sort()).toEqual([streams.client(one.clientId), streams.client(two.clientId)].sort());
      for (const e of unassigned) expect(e.metadata).toMatchObject({ correlationId: 'req-1', causationId: 'req-1', tenantId: a.tenantId });
      expect(streamEvents(events, streams.client(notAssigned.clientId)).map((e) => e.type)).toEqual(['ClientCreated']);
      expect((await ctx.load(clientDecider, streams.client(ofB.clientId))).state.assignedStaff).toEqual([bob]);
    });

    it('finishes the unassigning when the request is repeated after stopping half-way, then reports the refusal', async () => {
      const { ctx } = testPortal();
      const { tenantId, admin } = await givenFirm(ctx);
      const { userId } = await addStaffUser(ctx, admin, { user: { name: 'Bob', email: 'bob@a.example' } });
      const client = await givenClient(ctx, admin);
      await assignStaff(ctx, admin, { clientId: client.clientId, userId });
      // Only the first command ran before the crash.
      await ctx.execute(firmDecider, streams.firm(tenantId), { type: 'RemoveStaffUser', data: { userId } }, admin);

      expect((await refusal(removeStaffUser(ctx, admin, { userId }))).code).toBe('firm.staff_not_found');
      expect((await ctx.load(clientDecider, streams.client(client.clientId))).state.assignedStaff).toEqual([]);
    });

    it('refuses to remove the last partner admin', async () => {
      const { ctx } = testPortal();
      const { admin } = await givenFirm(ctx);
      const actor = admin.actor as { userId: string };
      expect((await refusal(removeStaffUser(ctx, admin, { userId: actor.userId }))).code).toBe('firm.last_partner_admin');
    });
  });

  describe('partner features (platform only)', () => {
    it('are switched on, made licensing and switched off by the platform', async () => {
      const { ctx } = testPortal();
      const { tenantId, admin } = await givenFirm(ctx);
      await enablePartnerFeatures(ctx, platform, { firmId: tenantId });
      await changeLicensingPartner(ctx, platform, { firmId: tenantId, licensingPartner: true });
      expect((await getFirm(ctx, admin)).partner).toEqual({ enabled: true, licensingPartner: true });
      await disablePartnerFeatures(ctx, platform, { firmId: tenantId });
      expect((await getFirm(ctx, admin)).partner.enabled).toBe(false);
      expect(await typesOn(ctx, streams.firm(tenantId))).toEqual([
        'FirmCreated',
        'PartnerFeaturesEnabled',
        'LicensingPartnerStatusChanged',
        'PartnerFeaturesDisabled',
      ]);
    });

    it("are refused to the firm's own partner admin", async () => {
      const { ctx } = testPortal();
      const { tenantId, admin } = await givenFirm(ctx);
      expect((await refusal(enablePartnerFeatures(ctx, admin, { firmId: tenantId }))).code).toBe('firm.platform_only');
      expect((await refusal(changeLicensingPartner(ctx, admin, { firmId: tenantId, licensingPartner: true }))).code).toBe('firm.platform_only');
      expect(await typesOn(ctx, streams.firm(tenantId))).toEqual(['FirmCreated']);
    });
  });

  describe('managed companies', () => {
    it("opens the company's own stream, in its own tenant, managed by the partner", async () => {
      const { ctx } = testPortal();
      const partner = await givenPartner(ctx);
      const { companyId, name } = await createManagedCompany(ctx, { ...partner.admin, correlationId: 'req-c' }, {
        name: 'Acme  Ltd',
        premiumApps: ['payroll'],
        admins: [{ name: 'Carl', email: 'carl@acme.example' }],
      });
      expect(name).toBe('Acme Ltd');
      const [created] = await ctx.log.readStream(streams.firm(companyId));
      expect(created).toMatchObject({ type: 'FirmCreated', metadata: { tenantId: companyId, correlationId: 'req-c', causationId: 'req-c' } });
      const company = await getFirm(ctx, partner.admin, { firmId: companyId });
      expect(company).toMatchObject({ id: companyId, managedBy: partner.tenantId, premiumApps: ['payroll'] });
      expect(company.staff).toMatchObject([{ name: 'Carl', email: 'carl@acme.example', role: 'partner_admin' }]);
      expect(await listManagedCompanies(ctx, partner.admin)).toMatchObject([{ companyId, name: 'Acme Ltd' }]);
      expect(await typesOn(ctx, streams.reservation('company-name', 'acme ltd'))).toEqual(['ValueReserved']);
    });

    it('lets exactly one of two concurrent creations win a name that differs only in case and spaces', async () => {
      const { ctx } = testPortal();
      const p1 = await givenPartner(ctx);
      const p2 = await givenPartner(ctx);
      const results = await Promise.allSettled([
        createManagedCompany(ctx, p1.admin, { name: 'Acme Ltd' }),
        createManagedCompany(ctx, p2.admin, { name: '  acme   LTD ' }),
        createManagedCompany(ctx, p1.admin, { name: 'ACME ltd' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
        expect(r.reason).toMatchObject({ code: 'firm.company_name_taken' });
      }
      const events = await allEvents(ctx);
      expect(events.filter((e) => e.type === 'ManagedCompanyCreated')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'FirmCreated' && (e.data as { managedBy: string | null }).managedBy !== null)).toHaveLength(1);
    });

    it("refuses a name another partner's company holds", async () => {
      const { ctx } = testPortal();
      const p1 = await givenPartner(ctx);
      const p2 = await givenPartner(ctx);
      await createManagedCompany(ctx, p1.admin, { name: 'Acme Ltd' });
      const before = await eventCount(ctx);
      const error = await refusal(createManagedCompany(ctx, p2.admin, { name: ' ACME  ltd' }));
      expect(error).toMatchObject({ code: 'firm.company_name_taken', message: 'A company with this name already exists.' });
      expect(await eventCount(ctx)).toBe(before);
    });

    it('claims no name when the partner refuses, so the name stays free', async () => {
      const { ctx } = testPortal();
      const partner = await givenPartner(ctx);
      const { userId } = await addStaffUser(ctx, partner.admin, { user: { name: 'Bob', email: 'bob@p.example' } });
      const error = await refusal(createManagedCompany(ctx, staffCaller(partner.tenantId, userId), { name: 'Acme Ltd' }));
      expect(error.code).toBe('firm.not_partner_admin');
      expect(await ctx.log.readStream(streams.reservation('company-name', 'acme ltd'))).toEqual([]);
      await createManagedCompany(ctx, partner.admin, { name: 'Acme Ltd' });
    });

    it('releases the name when the partner command is refused after the name was claimed', async () => {
      const portal = testPortal();
      const partner = await givenPartner(portal.ctx);
      // The platform switches the partner portal off between the claim and the partner's command.
      let hooked = false;
      const store: EventStore = {
        ...portal.store,
        async append(streamId, events, expected) {
          const result = await portal.store.append(streamId, events, expected);
          if (!hooked && streamId.startsWith('reservation-company-name')) {
            hooked = true;
            await disablePartnerFeatures(portal.ctx, platform, { firmId: partner.tenantId });
          }
          return result;
        },
      };
      const ctx = new AppContext({ ...portal.deps, store });

      const error = await refusal(createManagedCompany(ctx, partner.admin, { name: 'Acme Ltd' }));
      expect(error.code).toBe('firm.partner_features_disabled');
      expect(await typesOn(ctx, streams.reservation('company-name', 'acme ltd'))).toEqual(['ValueReserved', 'ReservationReleased']);
      const other = await givenPartner(ctx);
      await createManagedCompany(ctx, other.admin, { name: 'ACME LTD' });
    });

    it('finishes a creation that stopped before the company stream was opened, when repeated with its id', async () => {
      const { ctx } = testPortal();
      const partner = await givenPartner(ctx);
      const companyId = 'company-1';
      await reserve(ctx.reservations, { kind: 'company-name', key: 'acme ltd', ownerId: companyId }, partner.admin);
      await ctx.execute(firmDecider, streams.firm(partner.tenantId), { type: 'CreateManagedCompany', data: { companyId, name: 'Acme Ltd' } }, partner.admin);

      expect(await createManagedCompany(ctx, partner.admin, { companyId, name: 'Acme Ltd' })).toMatchObject({ companyId, name: 'Acme Ltd' });
      expect(await typesOn(ctx, streams.firm(companyId))).toEqual(['FirmCreated']);
      const before = await eventCount(ctx);
      await createManagedCompany(ctx, partner.admin, { companyId, name: 'Acme Ltd' });
      expect(await eventCount(ctx)).toBe(before);
    });

    it("refuses a company id that names another firm's stream", async () => {
      const { ctx } = testPortal();
      const partner = await givenPartner(ctx);
      const other = await givenFirm(ctx);
      const error = await refusal(createManagedCompany(ctx, partner.admin, { companyId: other.tenantId, name: 'Acme Ltd' }));
      expect(error.code).toBe('firm.already_exists');
    });

    it("lets the managing partner's admin change premium apps, not the company's own admin", async () => {
      const { ctx } = testPortal();
      const partner = await givenPartner(ctx);
      const { companyId } = await createManagedCompany(ctx, partner.admin, { name: 'Acme', admins: [{ userId: 'carl', name: 'Carl', email: 'carl@acme.example' }] });
      const changed = await changePremiumApps(ctx, partner.admin, { companyId, premiumApps: ['crm', 'payroll'] });
      expect(changed).toMatchObject({ companyId, premiumApps: ['payroll', 'crm'], changed: true });
      const error = await refusal(changePremiumApps(ctx, staffCaller(companyId, 'carl'), { companyId, premiumApps: [] }));
      expect(error.code).toBe('firm.not_managing_partner_admin');
      const stranger = await givenPartner(ctx);
      expect((await refusal(changePremiumApps(ctx, stranger.admin, { companyId, premiumApps: [] }))).code).toBe('firm.not_found');
      expect(await typesOn(ctx, streams.firm(companyId))).toEqual(['FirmCreated', 'PremiumAppSwitchedOn', 'PremiumAppSwitchedOn']);
    });

    it('adds and removes company admins, keeping at least one', async () => {
      const { ctx } = testPortal();
      const partner = await givenPartner(ctx);
      const { companyId } = await createManagedCompany(ctx, partner.admin, { name: 'Acme', admins: [{ userId: 'carl', name: 'Carl', email: 'carl@acme.example' }] });
      const { userId } = await addCompanyAdmin(ctx, partner.admin, { companyId, admin: { name: 'Dora', email: 'dora@acme.example' } });
      await removeCompanyAdmin(ctx, partner.admin, { companyId, userId: 'carl' });
      expect((await getFirm(ctx, partner.admin, { firmId: companyId })).staff).toMatchObject([{ userId, role: 'partner_admin' }]);
      expect((await refusal(removeCompanyAdmin(ctx, partner.admin, { companyId, userId }))).code).toBe('firm.last_partner_admin');
    });

    it('stops acting on managed companies once the platform switches partner features off, and resumes when on again', async () => {
      const { ctx } = testPortal();
      const partner = await givenPartner(ctx);
      const { companyId } = await createManagedCompany(ctx, partner.admin, { name: 'Acme', admins: [{ userId: 'carl', name: 'Carl', email: 'carl@acme.example' }] });
      await disablePartnerFeatures(ctx, platform, { firmId: partner.tenantId });
      const before = await eventCount(ctx);
      const calls = [
        () => changePremiumApps(ctx, partner.admin, { companyId, premiumApps: ['payroll'] }),
        () => addCompanyAdmin(ctx, partner.admin, { companyId, admin: { name: 'Dora', email: 'dora@acme.example' } }),
        () => removeCompanyAdmin(ctx, partner.admin, { companyId, userId: 'carl' }),
        () => addStaffUser(ctx, partner.admin, { firmId: companyId, user: { name: 'Eve', email: 'eve@acme.example' } }),
        () => changeStaffRole(ctx, partner.admin, { firmId: companyId, userId: 'carl', role: 'staff' }),
        () => removeStaffUser(ctx, partner.admin, { firmId: companyId, userId: 'carl' }),
        () => getFirm(ctx, partner.admin, { firmId: companyId }),
        () => effectiveBrandingOf(ctx, partner.admin, { firmId: companyId }),
        () => listManagedCompanies(ctx, partner.admin),
      ];
      for (const call of calls) expect((await refusal(call())).code).toBe('firm.partner_features_disabled');
      expect(await eventCount(ctx)).toBe(before);
      // The company's own admin still runs the company.
      await addStaffUser(ctx, staffCaller(companyId, 'carl'), { user: { name: 'Finn', email: 'finn@acme.example' } });

      await enablePartnerFeatures(ctx, platform, { firmId: partner.tenantId });
      expect((await changePremiumApps(ctx, partner.admin, { companyId, premiumApps: ['payroll'] })).changed).toBe(true);
      expect(await listManagedCompanies(ctx, partner.admin)).toMatchObject([{ companyId, name: 'Acme' }]);
    });

    it('does not finish a half-done company creation once partner features are off', async () => {
      const { ctx } = testPortal();
      const partner = await givenPartner(ctx);
      // The partner recorded the company, then the request stopped before the company's own stream opened.
      await ctx.execute(firmDecider, streams.firm(partner.tenantId), { type: 'CreateManagedCompany', data: { companyId: 'acme-1', name: 'Acme' } }, partner.admin);
      await disablePartnerFeatures(ctx, platform, { firmId: partner.tenantId });
      const error = await refusal(createManagedCompany(ctx, partner.admin, { companyId: 'acme-1', name: 'Acme' }));
      expect(error.code).toBe('firm.partner_features_disabled');
      expect(await typesOn(ctx, streams.firm('acme-1'))).toEqual([]);
    });

    it("gives the partner's admins no rights on a company while partner features are off, even inside its tenant", async () => {
      const { ctx } = testPortal();
      const partner = await givenPartner(ctx);
      const { companyId } = await createManagedCompany(ctx, partner.admin, { name: 'Acme', admins: [{ userId: 'carl', name: 'Carl', email: 'carl@acme.example' }] });
      await disablePartnerFeatures(ctx, platform, { firmId: partner.tenantId });
      const asPartnerInCompany = { ...partner.admin, tenantId: companyId };
      expect((await refusal(changePremiumApps(ctx, asPartnerInCompany, { companyId, premiumApps: ['payroll'] }))).code).toBe(
        'firm.not_managing_partner_admin',
      );
    });

    it("lets only the partner's admins read a managed company", async () => {
      const { ctx } = testPortal();
      const partner = await givenPartner(ctx);
      const { companyId } = await createManagedCompany(ctx, partner.admin, { name: 'Acme' });
      const { userId } = await addStaffUser(ctx, partner.admin, { user: { name: 'Bob', email: 'bob@p.example' } });
      const staff = staffCaller(partner.tenantId, userId);
      expect((await refusal(getFirm(ctx, staff, { firmId: companyId }))).code).toBe('firm.not_found');
      expect((await refusal(listManagedCompanies(ctx, staff))).code).toBe('firm.not_partner_admin');
    });
  });

  describe('branding', () => {
    const branding = { logo: null, primaryColour: '#1A2B3C', supportChannel: 'help@partner.example' };

    it("is the partner's for its managed companies, and the defaults once cleared", async () => {
      const { ctx } = testPortal();
      const partner = await givenPartner(ctx);
      const { companyId } = await createManagedCompany(ctx, partner.admin, { name: 'Acme', admins: [{ userId: 'carl', name: 'Carl', email: 'carl@acme.example' }] });
      await setBranding(ctx, partner.admin, branding);
      const expected = { logo: null, primaryColour: '#1a2b3c', supportChannel: { kind: 'email', address: 'help@partner.example' } };
      expect(await effectiveBrandingOf(ctx, staffCaller(companyId, 'carl'))).toEqual(expected);
      expect(await effectiveBrandingOf(ctx, partner.admin, { firmId: companyId })).toEqual(expected);
      await clearBranding(ctx, partner.admin);
      expect(await effectiveBrandingOf(ctx, staffCaller(companyId, 'carl'))).toEqual(defaultBranding);
    });

    it('is refused to a partner that is not a licensing partner', async () => {
      const { ctx } = testPortal();
      const partner = await givenPartner(ctx, false);
      expect((await refusal(setBranding(ctx, partner.admin, branding))).code).toBe('firm.not_licensing_partner');
    });

    it("of another firm reads as not found", async () => {
      const { ctx } = testPortal();
      const a = await givenPartner(ctx);
      const b = await givenFirm(ctx);
      expect((await refusal(effectiveBrandingOf(ctx, b.admin, { firmId: a.tenantId }))).code).toBe('firm.not_found');
    });
  });

  describe('OneDrive', () => {
    const account = (accountId: string) => ({ accountId, displayName: 'Firm Drive', driveType: 'personal' as const });

    async function linkFolder(ctx: ReturnType<typeof testPortal>['ctx'], caller: Caller, clientId: string) {
      const driveItem = { driveId: 'drive-1', itemId: `item-${clientId}`, driveType: 'personal', isFolder: true, name: 'Client folder' };
      const folderUrl = 'https://onedrive.live.com/?id=ABC%21123&cid=0123456789ABCDEF';
      await ctx.execute(folderLinkDecider, streams.folderLink(clientId), { type: 'LinkFolder', data: { clientId, folderUrl, driveItem } }, caller);
    }

    it('connects, needs reconnecting and disconnects', async () => {
      const { ctx } = testPortal();
      const { admin } = await givenFirm(ctx);
      const connected = await connectOneDrive(ctx, admin, account('acc-1'));
      expect(connected.oneDrive.status).toBe('connected');
      await markOneDriveNeedsReconnect(ctx, { ...admin, actor: { kind: 'system', name: 'sync' } }, { reason: 'token_expired' });
      expect((await getFirm(ctx, admin)).oneDrive).toMatchObject({ status: 'needs_reconnect', reason: 'token_expired' });
      await disconnectOneDrive(ctx, admin);
      expect((await getFirm(ctx, admin)).oneDrive.status).toBe('disconnected');
    });

    it("changing account names the firm's clients with a linked folder, and no other firm's", async () => {
      const { ctx } = testPortal();
      const a = await givenFirm(ctx);
      const b = await givenFirm(ctx);
      await connectOneDrive(ctx, a.admin, account('acc-1'));
      const linked = await givenClient(ctx, a.admin);
      const unlinked = await givenClient(ctx, a.admin);
      const ofB = await givenClient(ctx, b.admin);
      await linkFolder(ctx, a.admin, linked.clientId);
      await linkFolder(ctx, a.admin, unlinked.clientId);
      await ctx.execute(folderLinkDecider, streams.folderLink(unlinked.clientId), { type: 'UnlinkFolder', data: { clientId: unlinked.clientId } }, a.admin);
      await linkFolder(ctx, b.admin, ofB.clientId);

      const result = await connectOneDrive(ctx, a.admin, account('acc-2'));
      expect(result.linkedClientIds).toEqual([linked.clientId]);
      const [, changed] = (await ctx.log.readStream(streams.firm(a.tenantId))).slice(-2);
      expect(changed).toMatchObject({ type: 'OneDriveAccountChanged', data: { previousAccountId: 'acc-1', accountId: 'acc-2', linkedClientIds: [linked.clientId] } });
    });

    it('refuses OneDrive for Business', async () => {
      const { ctx } = testPortal();
      const { admin } = await givenFirm(ctx);
      const error = await refusal(connectOneDrive(ctx, admin, { ...account('acc-1'), driveType: 'business' }));
      expect(error.code).toBe('onedrive.personal_only');
    });
  });

  it('a client is created in the firm only', async () => {
    const { ctx } = testPortal();
    const error = await refusal(createClient(ctx, staffCaller('no-such-firm', 'u'), { kind: 'individual', owners: [{ name: 'Olivia', emails: ['o@x.example'] }] }));
    expect(error.code).toBe('firm.not_found');
  });
});
