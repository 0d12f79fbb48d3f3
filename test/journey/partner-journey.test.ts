import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aesGcmCipher } from '../../adapters/crypto/aes-gcm.js';
import { sqliteKeyStore } from '../../adapters/event-store/sqlite-key-store.js';
import { sqliteEventStore } from '../../adapters/event-store/sqlite.js';
import { uuidIds } from '../../adapters/system/clock-and-ids.js';
import { nodeSecrets } from '../../adapters/system/secrets.js';
import type { Caller } from '../../src/application/context.js';
import { sqliteReadModels } from '../../projections/read-models/index.js';
import { createPortal } from '../../src/application/portal.js';
import { ERASED } from '../../src/core/events.js';
import type { EventStore } from '../../src/core/event-store.js';
import { DAY_MS, testClock } from '../support/portal.js';
import { hashOf } from '../support/content-hash.js';
import { testMail } from '../support/mail.js';

const dir = mkdtempSync(join(tmpdir(), 'journey-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The SQLite store, counting how many events each command had to load from one stream. */
function measuredStore() {
  const store = sqliteEventStore({ path: join(dir, 'portal.db'), durability: 'normal' });
  let longestLoad = 0;
  let longestOverall = 0;
  const measured: EventStore = {
    append: (...args) => store.append(...args),
    readAll: (...args) => store.readAll(...args),
    subscribe: (...args) => store.subscribe(...args),
    lastPosition: () => store.lastPosition(),
    close: () => store.close(),
    async readStream(streamId, options) {
      const events = await store.readStream(streamId, options);
      longestLoad = Math.max(longestLoad, events.length);
      longestOverall = Math.max(longestOverall, events.length);
      return events;
    },
  };
  return {
    store,
    measured,
    longestLoad: () => longestLoad,
    longestOverall: () => longestOverall,
    resetLongestLoad: () => (longestLoad = 0),
  };
}

describe("a partner firm's journey through the application API, on SQLite", () => {
  it('runs from a managed company to a forgotten contact', async () => {
    const { store, measured, longestLoad, longestOverall, resetLongestLoad } = measuredStore();
    const clock = testClock(new Date('2026-03-02T09:00:00.000Z'));
    const portal = createPortal({
      store: measured,
      keys: sqliteKeyStore(store.db, aesGcmCipher),
      cipher: aesGcmCipher,
      clock,
      ids: uuidIds,
      secrets: nodeSecrets,
      readModels: sqliteReadModels({ db: store.db }),
    });
    const { outbox } = testMail(portal);
    const platform: Caller = { tenantId: 'platform', actor: { kind: 'platform', operatorId: 'operator-1' } };

    // A partner firm, switched on by the platform, creates a managed company.
    const partner = await portal.firms.createFirm(platform, {
      name: 'Harbour Partners',
      partnerAdmin: { name: 'Pat Partner', email: 'pat@harbour.example' },
    });
    const pat: Caller = { tenantId: partner.firmId, actor: { kind: 'staff', userId: partner.partnerAdminId } };
    await portal.firms.enablePartnerFeatures(platform, { firmId: partner.firmId, licensingPartner: true });
    await portal.firms.setBranding(pat, { logo: null, primaryColour: '#0a7d5a', supportChannel: 'https://help.harbour.example/portal' });
    const company = await portal.firms.createManagedCompany(pat, { name: 'Acme Bookkeeping', premiumApps: ['payroll'] });
    await expect(portal.firms.createManagedCompany(pat, { name: '  ACME   bookkeeping ' })).rejects.toMatchObject({
      code: 'firm.company_name_taken',
    });
    // The company's first admin defaults to the partner admin who created it.
    const acme: Caller = { tenantId: company.companyId, actor: { kind: 'staff', userId: partner.partnerAdminId } };
    expect((await portal.firms.getFirm(acme, { firmId: company.companyId })).managedBy).toBe(partner.firmId);

    // A group client with two co-owners and a guest; the guest is invited automatically.
    const smiths = await portal.clients.createClient(acme, {
      kind: 'group',
      name: 'The Smith Family',
      owners: [
        { name: 'Ann Smith', emails: ['ann@smith.example'] },
        { name: 'Bob Smith', emails: ['Bob@Smith.example', 'bob.work@smith.example'] },
      ],
    });
    const [ann, bob] = smiths.ownerIds as [string, string];
    const guest = await portal.clients.addGuest(acme, { clientId: smiths.clientId, contact: { name: 'Carol Guest', emails: ['carol@guest.example'] } });
    const carol = guest.contactId;
    const toCarol = (await outbox.lastTo(carol))!;
    expect(toCarol).toMatchObject({ email: 'carol@guest.example', reason: 'guest_added' });
    // The managed company's email shows its own name in the partner's branding.
    expect(toCarol.mail.subject).toBe('Acme Bookkeeping invites you to its client portal');
    expect(toCarol.mail.html).toContain('background:#0a7d5a');
    expect(toCarol.mail.text).toContain('Questions? Get help at https://help.harbour.example/portal.');
    const solo = await portal.clients.createClient(acme, { kind: 'individual', owners: [{ name: 'Dee Solo', emails: ['dee@solo.example'] }] });

    // Thousands of synced documents live in their own streams and never slow a member command.
    await Promise.all(
      Array.from({ length: 1500 }, (_, i) =>
        portal.documents.uploadDocument(acme, {
          clientId: smiths.clientId,
          folderPath: `Tax/${2020 + (i % 6)}`,
          name: `statement-${i}.pdf`,
          size: 1000 + i,
          contentHash: hashOf(i),
          blobRef: `blob-${i}`,
        }),
      ),
    );

    // Bulk invitation: per-client results; an unknown client fails alone.
    resetLongestLoad();
    const { results: bulk } = await portal.invitations.inviteInBulk(acme, { clientIds: [smiths.clientId, solo.clientId, 'no-such-client'] });
    expect(bulk.map((r) => r.ok)).toEqual([true, true, false]);
    expect(bulk[2]).toMatchObject({ ok: false, error: { code: 'client.not_found' } });
    const loadedForInvite = longestLoad();
    console.info(`journey: the longest stream a command loaded while inviting in bulk had ${loadedForInvite} events (client has 1,500 documents)`);
    expect(loadedForInvite).toBeLessThan(20);
    expect((await portal.invitations.memberStatus(acme, { clientId: smiths.clientId, contactId: ann })).text).toBe('Invitation sent just now');

    // Ann accepts and logs in.
    clock.advance(2 * 60 * 1000);
    expect((await portal.invitations.memberStatus(acme, { clientId: smiths.clientId, contactId: ann })).text).toBe('Waiting for member to accept invitation (sent 2026-03-02)');
    const annToken = (await outbox.lastTo(ann))!.token;
    await expect(portal.invitations.acceptInvitation({ contactId: ann, token: annToken, password: 'ann-secret-pw' })).resolves.toMatchObject({
      access: 'active',
    });
    await expect(portal.invitations.acceptInvitation({ contactId: ann, token: annToken, password: 'ann-secret-pw' })).rejects.toMatchObject({
      code: 'invitation.already_accepted',
    });
    const login = await portal.access.logIn({ tenantId: acme.tenantId, contactId: ann, password: 'ann-secret-pw', ipAddress: '203.0.113.7' });
    expect((await portal.invitations.memberStatus(acme, { clientId: smiths.clientId, contactId: ann })).status).toEqual({ state: 'active', lastLoginAt: login.lastLoginAt });
    expect((await portal.access.getPortalAccess(acme, { contactId: ann })).toggle).toBe('green');

    await portal.invitations.acceptInvitation({ contactId: carol, token: (await outbox.lastTo(carol))!.token, password: 'carol-secret-pw' });

    // Bob's invitation expires after 30 days and is resent; only the new link works.
    clock.advance(31 * DAY_MS);
    expect((await portal.invitations.memberStatus(acme, { clientId: smiths.clientId, contactId: bob })).status.state).toBe('expired');
    const oldToken = (await outbox.lastTo(bob))!.token;
    await expect(portal.invitations.acceptInvitation({ contactId: bob, token: oldToken, password: 'bob-secret-pw' })).rejects.toMatchObject({
      code: 'invitation.expired',
    });
    await portal.invitations.resendInvitation(acme, { contactId: bob });
    await expect(portal.invitations.acceptInvitation({ contactId: bob, token: oldToken, password: 'bob-secret-pw' })).rejects.toMatchObject({
      code: 'invitation.invalid_token',
    });
    await portal.invitations.acceptInvitation({ contactId: bob, token: (await outbox.lastTo(bob))!.token, password: 'bob-secret-pw' });

    // Access closed by each of the three ways; every closed access refuses the login.
    await portal.access.closePortalAccess(acme, { contactId: ann, via: 'access_window' });
    await portal.access.closePortalAccess(acme, { contactId: bob, via: 'toggle' });
    await portal.clients.archiveClient(acme, { clientId: smiths.clientId });
    for (const [contactId, password] of [[ann, 'ann-secret-pw'], [bob, 'bob-secret-pw'], [carol, 'carol-secret-pw']] as const) {
      await expect(portal.access.logIn({ tenantId: acme.tenantId, contactId, password })).rejects.toMatchObject({ code: 'portal_access.closed' });
    }
    const reasons: Record<string, string> = {};
    for await (const event of portal.log.readAll({ filter: { eventTypePrefixes: ['PortalAccessClosed'] } })) {
      const data = event.data as { contactId: string; reason: string };
      reasons[data.contactId] = data.reason;
    }
    expect(reasons).toEqual({ [ann]: 'access_window', [bob]: 'toggle', [carol]: 'client_archived' });

    // Bob is forgotten: his personal data is unreadable everywhere, the history of what happened stays.
    await portal.personalData.forgetContact(acme, { clientId: smiths.clientId, contactId: bob });
    const client = await portal.clients.getClient(acme, { clientId: smiths.clientId });
    const bobNow = client.members.find((m) => m.contactId === bob)!;
    expect(bobNow.name).toBe(ERASED);
    expect(client.members.find((m) => m.contactId === ann)!.name).toBe('Ann Smith');
    const bobHistory: string[] = [];
    for await (const event of portal.log.readAll({ filter: { streamPrefixes: [`invitation-${bob}`, `portal-access-${bob}`] } })) {
      bobHistory.push(event.type);
      expect(JSON.stringify(event.data)).not.toMatch(/bob(\.work)?@smith\.example/i);
    }
    expect(bobHistory).toEqual(expect.arrayContaining(['InvitationSent', 'InvitationAccepted', 'PortalAccessClosed']));
    const raw = JSON.stringify(await store.readStream(`client-${smiths.clientId}`));
    expect(raw).not.toContain('Bob Smith');
    expect(raw).not.toContain('Ann Smith');

    console.info(`journey: the longest stream any command of the whole journey loaded had ${longestOverall()} events`);
    expect(longestOverall()).toBeLessThan(20);
    await store.close();
  });
});
