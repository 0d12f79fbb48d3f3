import { describe, expect, it } from 'vitest';
import { folders, search } from '../../../src/application/client-list.js';
import { archiveClient, assignStaff, createClient, renameClient } from '../../../src/application/clients.js';
import { inviteMember } from '../../../src/application/invitations.js';
import { forgetContact } from '../../../src/application/personal-data.js';
import { ERASED } from '../../../src/core/events.js';
import { contactCaller, DAY_MS, givenFirm, testPortal } from '../../support/portal.js';
import { refusal } from '../../support/refusal.js';

// The client list through the application: read-your-writes, tenants, rebuilds and forgetting,
// with the real commands writing the events.

async function setUp() {
  const portal = testPortal();
  const { tenantId, admin } = await givenFirm(portal.ctx);
  const add = async (name: string | undefined, owner: string, email: string) => {
    const { clientId, ownerIds } = await createClient(portal.ctx, admin, {
      kind: name === undefined ? 'individual' : 'group',
      ...(name !== undefined ? { name } : {}),
      owners: [{ name: owner, emails: [email] }],
    });
    return { clientId, contactId: ownerIds[0]! };
  };
  return { ...portal, tenantId, admin, add };
}

describe('client list through the portal', () => {
  it('shows a command right after it returned (read-your-writes)', async () => {
    const { ctx, admin, add, clock } = await setUp();
    const smith = await add(undefined, 'Anna Smith', 'anna@smith.example');
    expect((await search(ctx, admin, { text: 'smi' })).items.map((r) => r.name)).toEqual(['Anna Smith']);
    await inviteMember(ctx, admin, { clientId: smith.clientId, contactId: smith.contactId });
    let row = (await search(ctx, admin, {})).items[0]!;
    expect(row.members[0]!.statusText).toBe('Invitation sent just now');
    clock.advance(DAY_MS);
    row = (await search(ctx, admin, {})).items[0]!;
    expect(row.members[0]!.statusText).toBe(`Waiting for member to accept invitation (sent ${new Date(clock.now().getTime() - DAY_MS).toISOString().slice(0, 10)})`);
    await renameClient(ctx, admin, { clientId: smith.clientId, name: 'Smith Household' });
    expect((await search(ctx, admin, {})).items.map((r) => r.name)).toEqual(['Smith Household']);
    await assignStaff(ctx, admin, { clientId: smith.clientId, userId: admin.actor.kind === 'staff' ? admin.actor.userId : '' });
    expect((await search(ctx, admin, {})).items[0]!.assignedStaff).toEqual([{ userId: (admin.actor as { userId: string }).userId, name: 'Alice Partner' }]);
    await archiveClient(ctx, admin, { clientId: smith.clientId });
    expect((await search(ctx, admin, {})).items).toEqual([]);
    expect((await search(ctx, admin, { archived: true })).items.map((r) => r.archived)).toEqual([true]);
  });

  it('keeps two firms apart', async () => {
    const { ctx, admin, add } = await setUp();
    await add('Acme', 'Ann', 'ann@acme.example');
    const other = await givenFirm(ctx);
    await createClient(ctx, other.admin, { kind: 'group', name: 'Acme Two', owners: [{ name: 'Bo', emails: ['bo@acme.example'] }] });
    expect((await search(ctx, admin, { text: 'acme' })).items.map((r) => r.name)).toEqual(['Acme']);
    expect((await search(ctx, other.admin, { text: 'acme' })).items.map((r) => r.name)).toEqual(['Acme Two']);
    expect((await folders(ctx, other.admin, {})).items.map((r) => r.name)).toEqual(['Acme Two']);
    // Another firm's staff user is no staff of this firm.
    expect((await refusal(search(ctx, { ...other.admin, tenantId: admin.tenantId }, {}))).code).toBe('firm.not_staff');
  });

  it('is for the firm only', async () => {
    const { ctx, tenantId, add } = await setUp();
    const { contactId } = await add('Acme', 'Ann', 'ann@acme.example');
    expect((await refusal(search(ctx, contactCaller(tenantId, contactId), {}))).code).toBe('access.firm_only');
  });

  it('answers the same live and after a rebuild, also once a contact is forgotten', async () => {
    const { ctx, admin, add, readModels } = await setUp();
    const ann = await add(undefined, 'Ann Smith', 'ann@smith.example');
    await add('Jones Family', 'Jo Jones', 'jo@jones.example');
    await inviteMember(ctx, admin, { clientId: ann.clientId, contactId: ann.contactId });
    const live = await search(ctx, admin, {});
    await readModels.rebuild();
    expect(await search(ctx, admin, {})).toEqual(live);

    await forgetContact(ctx, admin, { clientId: ann.clientId, contactId: ann.contactId });
    const forgotten = await search(ctx, admin, {});
    const row = forgotten.items.find((r) => r.clientId === ann.clientId)!;
    expect(row.name).toBe(ERASED);
    expect(row.members[0]).toMatchObject({ name: ERASED, emails: [ERASED] });
    expect((await search(ctx, admin, { text: 'ann' })).items).toEqual([]);
    await readModels.rebuild();
    expect(await search(ctx, admin, {})).toEqual(forgotten);
  });
});
