import { describe, expect, it } from 'vitest';
import type { Caller } from '../../src/application/context.js';
import { createPortal } from '../../src/application/portal.js';
import { streams } from '../../src/streams.js';
import { allEvents, givenFirm, givenOneDrive, testPortal } from '../support/portal.js';

/** The stream's current revision and the log's last position: what a command's result must report. */
async function whereTheLogIs(test: ReturnType<typeof testPortal>, streamId: string) {
  const events = await allEvents(test.ctx);
  const stream = events.filter((e) => e.streamId === streamId);
  return { revision: stream.at(-1)?.revision ?? 'no_stream', position: events.at(-1)?.position ?? null };
}

async function setUp() {
  const test = testPortal();
  const portal = createPortal(test.deps);
  const { admin } = await givenFirm(test.ctx);
  const { clientId, ownerIds } = await portal.clients.createClient(admin, { kind: 'individual', owners: [{ name: 'Ann', emails: ['ann@x.example'] }] });
  return { test, portal, admin, clientId, contactId: ownerIds[0]! };
}

describe('every command reports where its change is', () => {
  it('closePortalAccess, cancelInvitation and unlinkFolder return the revision of their stream and the position of their last event', async () => {
    const { test, portal, admin, clientId, contactId } = await setUp();
    await portal.access.openPortalAccess(admin, { clientId, contactId, sharedItems: [{ kind: 'folder', path: 'Tax' }] });
    expect(await portal.access.closePortalAccess(admin, { contactId, via: 'toggle' })).toMatchObject(await whereTheLogIs(test, streams.portalAccess(contactId)));

    await portal.invitations.inviteMember(admin, { clientId, contactId });
    const process: Caller = { tenantId: admin.tenantId, actor: { kind: 'system', name: 'retention' } };
    expect(await portal.invitations.cancelInvitation(process, { contactId, reason: 'member_removed' })).toMatchObject(
      await whereTheLogIs(test, streams.invitation(contactId)),
    );

    await givenOneDrive(test.ctx, admin);
    const driveItem = { driveId: 'abcdef1234567890', itemId: 'ABCDEF1234567890!1', driveType: 'personal', isFolder: true, name: 'Ann' } as const;
    const folderUrl = 'https://onedrive.live.com/?id=ABCDEF1234567890%211&cid=ABCDEF1234567890';
    await portal.folders.linkFolder(admin, { clientId, folderUrl, driveItem });
    const unlinked = await portal.folders.unlinkFolder(admin, { clientId });
    const log = await whereTheLogIs(test, streams.folderLink(clientId));
    // The folder's reservation is released after the unlink: the position is that release's.
    expect(unlinked).toEqual({ clientId, revision: log.revision, position: log.position, changed: true });
  });

  it('a command that changes nothing reports the current revision and the position of its stream\'s last event', async () => {
    const { test, portal, admin, clientId } = await setUp();
    const changed = await portal.clients.changeSubscription(admin, { clientId, plan: 'pro' });
    await portal.clients.renameClient(admin, { clientId, name: 'Elsewhere' });
    const unchanged = await portal.clients.changeSubscription(admin, { clientId, plan: 'pro' });
    const events = (await allEvents(test.ctx)).filter((e) => e.streamId === streams.client(clientId));
    expect(changed.position).toBe(events.at(-2)!.position);
    expect(unchanged).toMatchObject({ changed: false, revision: events.at(-1)!.revision, position: events.at(-1)!.position });
  });

  it('a command with follow-ups reports the position of the last event it appended, on any stream', async () => {
    const { test, portal, admin, clientId } = await setUp();
    const added = await portal.clients.addGuest(admin, { clientId, contact: { name: 'Gus', emails: ['gus@x.example'] } });
    const log = await whereTheLogIs(test, streams.client(clientId));
    expect(added).toMatchObject({ revision: log.revision, position: log.position });
    expect(added.invitation).toMatchObject(await whereTheLogIs(test, streams.invitation(added.contactId)));
  });

  it('bulk calls report per-item results and the last position', async () => {
    const { test, portal, admin, clientId } = await setUp();
    const bulk = await portal.invitations.inviteInBulk(admin, { clientIds: [clientId, 'no-such-client'] });
    expect(bulk.results.map((r) => r.ok)).toEqual([true, false]);
    expect(bulk.position).toBe((await whereTheLogIs(test, streams.client(clientId))).position);
  });

  it('takes every input as one object, reads included', async () => {
    const { portal, admin, clientId } = await setUp();
    expect((await portal.clients.getClient(admin, { clientId })).id).toBe(clientId);
    expect((await portal.firms.getFirm(admin, { firmId: admin.tenantId })).id).toBe(admin.tenantId);
    expect((await portal.firms.effectiveBrandingOf(admin, {})).primaryColour).toBeDefined();
    const caller: Caller = admin;
    expect(await portal.folders.saveAllFolderLinks(caller, { links: [] })).toEqual({ results: [], position: null });
  });
});
