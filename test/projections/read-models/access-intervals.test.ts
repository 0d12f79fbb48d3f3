import { describe, expect, it } from 'vitest';
import { changeLoginEmail, changeSharedSelection, closePortalAccess, openPortalAccess } from '../../../src/application/access.js';
import { accessAsOf, viewAsClient } from '../../../src/application/audit-access.js';
import { moveDocument, renameDocument, uploadDocument } from '../../../src/application/documents.js';
import { acceptInvitation } from '../../../src/application/invitations.js';
import { forgetContact } from '../../../src/application/personal-data.js';
import type { Caller } from '../../../src/application/context.js';
import { ERASED } from '../../../src/core/events.js';
import { hashOf } from '../../support/content-hash.js';
import { contactCaller, givenClient, givenFirm, testPortal } from '../../support/portal.js';
import { refusal } from '../../support/refusal.js';

const content = (n = 1) => ({ size: 100 * n, contentHash: hashOf(n), blobRef: `blob-${n}` });
const tax = [{ kind: 'folder' as const, path: 'Tax' }];
const ms = (at: string, delta: number) => new Date(new Date(at).getTime() + delta).toISOString();

async function setUp() {
  const portal = testPortal();
  const { ctx, clock } = portal;
  const { tenantId, admin } = await givenFirm(ctx);
  const { clientId, contactIds } = await givenClient(ctx, admin, { owners: [{ name: 'Olivia Owner', emails: ['olivia@client.example'] }] });
  const contactId = contactIds[0]!;
  const now = () => clock.now().toISOString();
  /** Moves the clock a minute on, then runs the step and lets the read models apply it live; returns its instant. */
  const step = async (run: () => Promise<unknown>) => {
    clock.advance(60_000);
    await run();
    await ctx.views();
    return now();
  };
  const grantsAt = async (at: string, caller: Caller = admin, more: { clientId?: string } = {}) => (await accessAsOf(ctx, caller, { at, ...more })).items;
  return { ...portal, tenantId, admin, clientId, contactId, step, grantsAt, now };
}

describe('access intervals: as of an instant', () => {
  it('shows a grant from the instant it opened (inclusive), with names and who granted it', async () => {
    const { ctx, admin, clientId, contactId, step, grantsAt } = await setUp();
    const opened = await step(() => openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: tax }));
    expect(await grantsAt(ms(opened, -1))).toEqual([]);
    expect(await grantsAt(opened)).toEqual([
      {
        clientId,
        clientName: 'Olivia Owner',
        contactId,
        contactName: 'Olivia Owner',
        loginEmail: 'olivia@client.example',
        sharedItems: tax,
        state: 'pending',
        validFrom: opened,
        validTo: null,
        grantedBy: { kind: 'staff', id: (admin.actor as { userId: string }).userId, name: 'Alice Partner' },
        revokedBy: null,
      },
    ]);
  });

  it('splits the grant at activation, selection and login email changes; valid-to is exclusive', async () => {
    const portal = await setUp();
    const { ctx, admin, clientId, contactId, step, grantsAt } = portal;
    const opened = await step(() => openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: tax }));
    const token = (await portal.outbox.lastTo(contactId))!.token;
    const activated = await step(() => acceptInvitation(ctx, { contactId, token, password: 'correct horse battery' }));
    const changed = await step(() => changeSharedSelection(ctx, admin, { contactId, sharedItems: [{ kind: 'folder', path: 'Payroll' }] }));
    const emailed = await step(() => changeLoginEmail(ctx, admin, { contactId, loginEmail: 'olivia@work.example' }));
    const closed = await step(() => closePortalAccess(ctx, admin, { contactId, via: 'toggle' }));
    const at = async (instant: string) => (await grantsAt(instant)).map((g) => [g.state, g.sharedItems[0], g.loginEmail, g.validFrom, g.validTo]);
    const payroll = { kind: 'folder', path: 'Payroll' };
    expect(await at(ms(activated, -1))).toEqual([['pending', tax[0], 'olivia@client.example', opened, activated]]);
    expect(await at(activated)).toEqual([['active', tax[0], 'olivia@client.example', activated, changed]]);
    expect(await at(changed)).toEqual([['active', payroll, 'olivia@client.example', changed, emailed]]);
    expect(await at(ms(closed, -1))).toEqual([['active', payroll, 'olivia@work.example', emailed, closed]]);
    expect(await at(closed)).toEqual([]);
    const [last] = await grantsAt(ms(closed, -1));
    expect(last!.revokedBy).toMatchObject({ kind: 'staff', name: 'Alice Partner' });
    const [activation] = await grantsAt(activated);
    expect(activation!.grantedBy).toMatchObject({ kind: 'contact', id: contactId });
  });

  it('shows a re-opened grant after a gap', async () => {
    const { ctx, admin, clientId, contactId, step, grantsAt } = await setUp();
    await step(() => openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: tax }));
    const closed = await step(() => closePortalAccess(ctx, admin, { contactId, via: 'toggle' }));
    const reopened = await step(() => openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: [{ kind: 'folder', path: 'Letters' }] }));
    expect(await grantsAt(ms(closed, 1))).toEqual([]);
    expect((await grantsAt(reopened)).map((g) => g.sharedItems)).toEqual([[{ kind: 'folder', path: 'Letters' }]]);
  });

  it('pages by client and contact, and filters by client', async () => {
    const { ctx, admin, clientId, contactId, step, now } = await setUp();
    const group = await givenClient(ctx, admin, {
      owners: [
        { name: 'Gina Group', emails: ['gina@group.example'] },
        { name: 'Gus Group', emails: ['gus@group.example'] },
      ],
    });
    await step(() => openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: tax }));
    for (const id of group.contactIds) await step(() => openPortalAccess(ctx, admin, { contactId: id, clientId: group.clientId, sharedItems: tax }));
    const at = now();
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await accessAsOf(ctx, admin, { at, limit: 1, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((g) => `${g.clientId}/${g.contactId}`));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const expected = [`${clientId}/${contactId}`, ...group.contactIds.map((id) => `${group.clientId}/${id}`)].sort();
    expect(seen).toEqual(expected);
    const first = await accessAsOf(ctx, admin, { at, clientId: group.clientId, limit: 1 });
    const second = await accessAsOf(ctx, admin, { at, clientId: group.clientId, limit: 1, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((g) => g.contactId)).toEqual([...group.contactIds].sort());
    expect(second.nextCursor).toBeNull();
  });

  it('reads an instant with an offset as the same UTC instant', async () => {
    const { ctx, admin, clientId, contactId, step } = await setUp();
    const opened = await step(() => openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: tax }));
    const local = new Date(opened).toISOString().replace('Z', '+00:00').replace(/T(\d\d)/, (_, h) => `T${String((Number(h) + 2) % 24).padStart(2, '0')}`);
    const withOffset = local.replace('+00:00', '+02:00');
    expect((await accessAsOf(ctx, admin, { at: withOffset })).items).toHaveLength(1);
    expect((await refusal(accessAsOf(ctx, admin, { at: 'yesterday' }))).code).toBe('validation.failed');
  });
});

describe('access intervals: view as client', () => {
  it('shows the documents the contact could see then, with the names they had then', async () => {
    const { ctx, admin, clientId, contactId, step } = await setUp();
    let documentId = '';
    await step(async () => {
      documentId = (await uploadDocument(ctx, admin, { clientId, folderPath: 'Tax', name: 'Return.pdf', ...content() })).document.documentId;
    });
    const beforeAccess = await step(() => uploadDocument(ctx, admin, { clientId, folderPath: 'Payroll', name: 'Slip.pdf', ...content(2) }));
    const opened = await step(() => openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: tax }));
    const renamed = await step(() => renameDocument(ctx, admin, { documentId, name: 'Return 2025.pdf' }));
    const moved = await step(() => moveDocument(ctx, admin, { documentId, folderPath: 'Archive' }));
    const view = async (at: string) => (await viewAsClient(ctx, admin, { contactId, at })).map((d) => `${d.folderPath}/${d.name}`);
    expect(await view(beforeAccess)).toEqual([]);
    expect(await view(opened)).toEqual(['Tax/Return.pdf']);
    expect(await view(ms(renamed, -1))).toEqual(['Tax/Return.pdf']);
    expect(await view(renamed)).toEqual(['Tax/Return 2025.pdf']);
    expect(await view(moved)).toEqual([]);
    const [doc] = await viewAsClient(ctx, admin, { contactId, at: opened });
    expect(doc).toEqual({ documentId, folderPath: 'Tax', name: 'Return.pdf', size: 100, version: 1, uploadedByContactId: null, versionAddedAt: expect.any(String) });
  });

  it("shows a contact their own uploads, and nothing once access closed", async () => {
    const portal = await setUp();
    const { ctx, admin, tenantId, clientId, contactId, step } = portal;
    await step(() => openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: tax }));
    await acceptInvitation(ctx, { contactId, token: (await portal.outbox.lastTo(contactId))!.token, password: 'correct horse battery' });
    const uploaded = await step(() => uploadDocument(ctx, contactCaller(tenantId, contactId), { clientId, folderPath: 'Uploads', name: 'r.jpg', ...content() }));
    const closed = await step(() => closePortalAccess(ctx, admin, { contactId, via: 'toggle' }));
    expect((await viewAsClient(ctx, admin, { contactId, at: uploaded })).map((d) => d.name)).toEqual(['r.jpg']);
    expect(await viewAsClient(ctx, admin, { contactId, at: closed })).toEqual([]);
  });
});

describe('access intervals: tenant isolation', () => {
  it("reads another firm's grants as empty and its ids as not found", async () => {
    const { ctx, admin, clientId, contactId, step } = await setUp();
    const opened = await step(() => openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: tax }));
    const other = await givenFirm(ctx);
    expect((await accessAsOf(ctx, other.admin, { at: opened })).items).toEqual([]);
    expect((await refusal(accessAsOf(ctx, other.admin, { at: opened, clientId }))).code).toBe('client.not_found');
    expect((await refusal(viewAsClient(ctx, other.admin, { contactId, at: opened }))).code).toBe('contact.not_found');
    expect((await refusal(viewAsClient(ctx, admin, { contactId: 'nobody', at: opened }))).code).toBe('contact.not_found');
  });
});

function snapshot(portal: ReturnType<typeof testPortal>) {
  const db = portal.readModels.db;
  const strip = (rows: unknown[]) => rows.map((r: any) => ({ ...r, interval_id: undefined, open_interval_id: r.open_interval_id === null ? null : 'open' }));
  return {
    intervals: strip(db.prepare('SELECT * FROM rm_access_intervals ORDER BY contact_id, valid_from, interval_id').all()),
    contacts: strip(db.prepare('SELECT * FROM rm_access_contacts ORDER BY contact_id').all()),
  };
}

describe('access intervals: rebuilding and forgetting', () => {
  it('answers the same live and after a rebuild', async () => {
    const portal = await setUp();
    const { ctx, admin, clientId, contactId, step } = portal;
    await step(() => openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: tax }));
    await step(() => changeSharedSelection(ctx, admin, { contactId, sharedItems: [{ kind: 'folder', path: 'Payroll' }] }));
    await step(() => closePortalAccess(ctx, admin, { contactId, via: 'toggle' }));
    await accessAsOf(ctx, admin, { at: portal.now() });
    const live = snapshot(portal);
    await portal.readModels.rebuild(['access-intervals']);
    expect(snapshot(portal)).toEqual(live);
  });

  it("redacts the forgotten contact's login email and the individual client's shared folders, as a rebuild shows them", async () => {
    const portal = await setUp();
    const { ctx, admin, clientId, contactId, step } = portal;
    const opened = await step(() => openPortalAccess(ctx, admin, { contactId, clientId, sharedItems: [...tax, { kind: 'document', documentId: 'doc-1' }] }));
    await step(() => forgetContact(ctx, admin, { clientId, contactId }));
    const [grant] = await portal.grantsAt(opened);
    expect(grant).toMatchObject({ loginEmail: ERASED, sharedItems: [{ kind: 'document', documentId: 'doc-1' }, { kind: 'folder', path: ERASED }].sort((a, b) => (a.kind < b.kind ? -1 : 1)) });
    const live = snapshot(portal);
    expect(JSON.stringify(live)).not.toContain('olivia@');
    await portal.readModels.rebuild(['access-intervals']);
    expect(snapshot(portal)).toEqual(live);
  });

  it("keeps a group's shared folders when one member is forgotten, erasing only that member's login email", async () => {
    const portal = await setUp();
    const { ctx, admin, step } = portal;
    const group = await givenClient(ctx, admin, {
      owners: [
        { name: 'Gina Group', emails: ['gina@group.example'] },
        { name: 'Gus Group', emails: ['gus@group.example'] },
      ],
    });
    const [gina, gus] = group.contactIds as [string, string];
    await step(() => openPortalAccess(ctx, admin, { contactId: gina, clientId: group.clientId, sharedItems: tax }));
    const opened = await step(() => openPortalAccess(ctx, admin, { contactId: gus, clientId: group.clientId, sharedItems: tax }));
    await step(() => forgetContact(ctx, admin, { clientId: group.clientId, contactId: gina }));
    const grants = await portal.grantsAt(opened);
    expect(Object.fromEntries(grants.map((g) => [g.contactId, [g.loginEmail, g.sharedItems]]))).toEqual({
      [gina]: [ERASED, tax],
      [gus]: ['gus@group.example', tax],
    });
    const live = snapshot(portal);
    await portal.readModels.rebuild(['access-intervals']);
    expect(snapshot(portal)).toEqual(live);
  });
});
