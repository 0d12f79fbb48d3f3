import { describe, expect, it } from 'vitest';
import { activity, history } from '../../../src/application/audit-history.js';
import { changeSubscription, createClient, renameContact, restoreClient } from '../../../src/application/clients.js';
import type { Caller } from '../../../src/application/context.js';
import { portalRegistry } from '../../../src/application/context.js';
import type { HistoryEntry } from '../../../src/application/read-models.js';
import { NotFoundError } from '../../../src/core/errors.js';
import Database from 'better-sqlite3';
import { activityProjection } from '../../../projections/read-models/activity.js';
import { describedTypes, kindOf } from '../../../projections/read-models/activity-text.js';
import { clientEvents } from '../../../src/client/events.js';
import { documentEvents } from '../../../src/document/events.js';
import { firmEvents } from '../../../src/firm/events.js';
import { folderLinkEvents } from '../../../src/folder-link/events.js';
import { invitationEvents } from '../../../src/invitation/events.js';
import { portalAccessEvents } from '../../../src/portal-access/events.js';
import { storedEvents, testPortal } from '../../support/portal.js';
import { clientLife, firmWithPat } from './activity-support.js';

const lines = (items: readonly HistoryEntry[]) => items.map((e) => `${e.actor.name}: ${e.text}`);

async function wholeHistory(test: ReturnType<typeof testPortal>, caller: Caller, clientId: string) {
  return (await history(test.ctx, caller, { clientId, limit: 200 })).items;
}

describe('a client’s history in the firm’s words', () => {
  it('tells the life of a client, newest first, naming the staff user or contact who did each thing', async () => {
    const test = testPortal();
    const { pat } = await firmWithPat(test);
    const { clientId } = await clientLife(test, pat);

    const { items, nextCursor } = await history(test.ctx, pat, { clientId });
    expect(nextCursor).toBeNull();
    expect(lines(items).reverse()).toEqual([
      'Pat Partner: Client created (individual, Starter plan) with owner Ann Smith',
      'Pat Partner: Invitation sent to ann@x.example (valid until 2026-02-15)',
      'Ann Smith: Ann Smith accepted the invitation',
      'Ann Smith: Portal access opened for Ann Smith with login ann@x.example; shared: Uploads',
      'Ann Smith: Ann Smith activated their portal access',
      'Ann Smith: Portal access email to ann@x.example requested',
      'Pat Partner: Shared folders changed: Payroll, Tax 2025',
      'Ann Smith: Document “Q3.pdf” uploaded by the client',
      'Ann Smith: Ann Smith downloaded “Q3.pdf”',
      'Pat Partner: Staff user Bob Books assigned',
      'Pat Partner: Client archived',
      'Pat Partner: Portal access closed for Ann Smith (client archived)',
    ]);
    expect(items.map((e) => e.kind).reverse()).toEqual([
      'client', 'invitation', 'invitation', 'access', 'access', 'access', 'access', 'document', 'document', 'staff', 'client', 'access',
    ]);
    expect(items.every((e) => e.clientId === clientId)).toBe(true);
    const positions = items.map((e) => e.position);
    expect([...positions].sort((a, b) => b - a)).toEqual(positions);
  });

  it('names a system process by its name', async () => {
    const test = testPortal();
    const { pat, firmId } = await firmWithPat(test);
    const { clientId } = await createClient(test.ctx, pat, { kind: 'individual', owners: [{ name: 'Cy Client', emails: ['cy@x.example'] }] });
    await changeSubscription(test.ctx, { tenantId: firmId, actor: { kind: 'system', name: 'billing-sync' } }, { clientId, plan: 'pro' });
    const [latest] = await wholeHistory(test, pat, clientId);
    expect(latest).toMatchObject({ actor: { kind: 'system', id: 'billing-sync', name: 'Billing sync' }, text: 'Subscription changed to Pro', kind: 'client' });
  });

  it('shows a contact renamed later by their new name in older entries too', async () => {
    const test = testPortal();
    const { pat } = await firmWithPat(test);
    const live = await clientLife(test, pat);
    await renameContactLater(test, pat, live.clientId, live.annId);
    const texts = (await wholeHistory(test, pat, live.clientId)).map((e) => e.text);
    expect(texts).toContain('Ann Jones downloaded “Q3.pdf”');
    expect(texts).toContain('Portal access closed for Ann Jones (client archived)');
    expect(texts.join('\n')).not.toContain('Ann Smith');
  });

  it('pages newest first with a cursor that stays right while entries are added', async () => {
    const test = testPortal();
    const { pat } = await firmWithPat(test);
    const { clientId } = await createClient(test.ctx, pat, { kind: 'individual', owners: [{ name: 'Pia Page', emails: ['pia@x.example'] }] });
    for (const plan of ['pro', 'starter', 'pro', 'starter', 'pro', 'starter', 'pro'] as const) await changeSubscription(test.ctx, pat, { clientId, plan });
    const all = await wholeHistory(test, pat, clientId);
    expect(all).toHaveLength(8);

    const first = await history(test.ctx, pat, { clientId, limit: 3 });
    await changeSubscription(test.ctx, pat, { clientId, plan: 'starter' });
    const second = await history(test.ctx, pat, { clientId, limit: 3, cursor: first.nextCursor! });
    const third = await history(test.ctx, pat, { clientId, limit: 3, cursor: second.nextCursor! });
    expect(third.nextCursor).toBeNull();
    expect([...first.items, ...second.items, ...third.items]).toEqual(all);
    await expect(history(test.ctx, pat, { clientId, cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'validation.failed' });
  });

  it('as of an instant, shows only what had happened by then (an offset is read as its UTC instant)', async () => {
    const test = testPortal();
    const { pat } = await firmWithPat(test);
    const { clientId, at } = await clientLife(test, pat);
    const all = await wholeHistory(test, pat, clientId);

    const asOf = at.shared!;
    const then = await history(test.ctx, pat, { clientId, asOf, limit: 200 });
    expect(then.items).toEqual(all.filter((e) => e.at <= asOf));
    expect(then.items[0]!.text).toBe('Shared folders changed: Payroll, Tax 2025');

    const inParis = new Date(Date.parse(asOf) + 60 * 60 * 1000).toISOString().replace('Z', '+01:00');
    expect((await history(test.ctx, pat, { clientId, asOf: inParis, limit: 200 })).items).toEqual(then.items);
    expect((await history(test.ctx, pat, { clientId, asOf: '2000-01-01T00:00:00Z' })).items).toEqual([]);
  });

  it("reads another firm's client like one that does not exist", async () => {
    const test = testPortal();
    const harbour = await firmWithPat(test, 'Harbour Accounting');
    const ridge = await firmWithPat(test, 'Ridge Tax');
    const { clientId } = await createClient(test.ctx, ridge.pat, { kind: 'individual', owners: [{ name: 'Rita Ridge', emails: ['rita@x.example'] }] });
    const refused = await history(test.ctx, harbour.pat, { clientId }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NotFoundError);
    expect(refused).toMatchObject({ code: 'client.not_found' });
    await expect(history(test.ctx, harbour.pat, { clientId: 'no-such-client' })).rejects.toMatchObject({ code: 'client.not_found' });
  });

  it('is for the firm only: a contact cannot read the history or the feed', async () => {
    const test = testPortal();
    const { pat, firmId } = await firmWithPat(test);
    const { clientId, ownerIds } = await createClient(test.ctx, pat, { kind: 'individual', owners: [{ name: 'Cy Client', emails: ['cy@x.example'] }] });
    const cy: Caller = { tenantId: firmId, actor: { kind: 'contact', contactId: ownerIds[0]! } };
    await expect(history(test.ctx, cy, { clientId })).rejects.toMatchObject({ code: 'access.firm_only' });
    await expect(activity(test.ctx, cy, {})).rejects.toMatchObject({ code: 'access.firm_only' });
  });
});

describe('the firm’s activity feed', () => {
  it('shows every event of the firm newest first, and only the firm’s', async () => {
    const test = testPortal();
    const harbour = await firmWithPat(test, 'Harbour Accounting');
    const ridge = await firmWithPat(test, 'Ridge Tax');
    const mine = await clientLife(test, harbour.pat);
    const theirs = await clientLife(test, ridge.pat, 'rob@ridge.example');

    const feed = (await activity(test.ctx, harbour.pat, { limit: 200 })).items;
    const texts = feed.map((e) => e.text);
    expect(texts.at(-1)).toBe('Firm “Harbour Accounting” opened with partner admin Pat Partner');
    expect(texts).toContain('Staff user Bob Books added as staff');
    expect(feed.filter((e) => e.clientId !== null).every((e) => e.clientId === mine.clientId)).toBe(true);
    expect(texts.join('\n')).not.toContain('rob@ridge.example');
    expect(feed.map((e) => e.position)).toEqual([...feed.map((e) => e.position)].sort((a, b) => b - a));
    const theirFeed = (await activity(test.ctx, ridge.pat, { limit: 200 })).items;
    expect(theirFeed.some((e) => e.clientId === theirs.clientId)).toBe(true);
    expect(theirFeed.some((e) => e.clientId === mine.clientId)).toBe(false);
  });

  it('filters by kinds of activity, paging through the merged kinds', async () => {
    const test = testPortal();
    const { pat } = await firmWithPat(test);
    await clientLife(test, pat);
    const all = (await activity(test.ctx, pat, { limit: 200 })).items;

    const documents = (await activity(test.ctx, pat, { kinds: ['document'] })).items;
    expect(documents.map((e) => e.text)).toEqual(['Ann Smith downloaded “Q3.pdf”', 'Document “Q3.pdf” uploaded by the client']);

    const kinds = ['access', 'invitation'] as const;
    const wanted = all.filter((e) => (kinds as readonly string[]).includes(e.kind));
    const pages: HistoryEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = await activity(test.ctx, pat, { kinds: [...kinds], limit: 2, ...(cursor ? { cursor } : {}) });
      pages.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages).toEqual(wanted);
    expect(wanted.length).toBeGreaterThan(4);
  });
});

describe('what the activity read model keeps', () => {
  it('never keeps a token hash or a password hash', async () => {
    const test = testPortal();
    const { pat } = await firmWithPat(test);
    await clientLife(test, pat);
    const secrets = (await storedEvents(test))
      .flatMap((e) => Object.entries(e.data as Record<string, unknown>))
      .filter(([key]) => key === 'tokenHash' || key === 'passwordHash')
      .map(([, value]) => value as string);
    expect(secrets.length).toBeGreaterThanOrEqual(2);
    await test.ctx.views();
    const rows = test.readModels.db.prepare('SELECT * FROM rm_activity').all();
    const kept = JSON.stringify(rows);
    expect(kept).toContain('InvitationAccepted');
    expect(kept).not.toMatch(/tokenHash|passwordHash/);
    for (const secret of secrets) expect(kept).not.toContain(secret);
  });

  it('drops a secret at any depth, and only the secrets', () => {
    const db = new Database(':memory:');
    activityProjection.setup(db);
    const metadata = { tenantId: 'f', occurredAt: '2026-01-01T00:00:00.000Z', actor: { kind: 'system', name: 'x' }, correlationId: 'c', causationId: 'c', schemaVersion: 1 } as const;
    const data = { clientId: 'k', passwordHash: 'p1', nested: [{ tokenHash: 't1', contentHash: 'sha256:1', note: 'tokenHash":' }] };
    activityProjection.apply(db, { id: 'e', streamId: 'client-k', revision: 0, position: 1, type: 'Unknown', data, metadata });
    const { data: kept } = db.prepare('SELECT data FROM rm_activity').get() as { data: string };
    expect(JSON.parse(kept)).toEqual({ clientId: 'k', nested: [{ contentHash: 'sha256:1', note: 'tokenHash":' }] });
  });

  it('words and classes every event type of the domain', () => {
    const types = [clientEvents, documentEvents, firmEvents, folderLinkEvents, invitationEvents, portalAccessEvents].flat().map((d) => d.type);
    expect(types.filter((t) => !describedTypes.includes(t))).toEqual([]);
    expect(describedTypes).toContain('PersonalDataForgotten');
    expect(kindOf('PersonalDataForgotten')).toBe('personal_data');
    expect(portalRegistry().get('InvitationSent')).toBeDefined();
  });
});

async function renameContactLater(test: ReturnType<typeof testPortal>, pat: Caller, clientId: string, contactId: string) {
  // The client of clientLife ends archived; restore it to rename its contact.
  await restoreClient(test.ctx, pat, { clientId });
  await renameContact(test.ctx, pat, { clientId, contactId, name: 'Ann Jones' });
}
