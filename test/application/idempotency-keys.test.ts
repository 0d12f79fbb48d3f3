import { hashOf } from '../support/content-hash.js';
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../src/application/context.js';
import { createClient } from '../../src/application/clients.js';
import { createPortal } from '../../src/application/portal.js';
import { ValidationError } from '../../src/core/errors.js';
import { streams } from '../../src/streams.js';
import { allEvents, eventCount, givenClient, givenFirm, testPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';

const olivia = { name: 'Olivia Owner', emails: ['olivia@client.example'] };
const platform: Caller = { tenantId: 'platform', actor: { kind: 'platform', operatorId: 'operator-1' } };

/** A partner firm with a group client and a managed company, and every create call of the API. */
async function setUp() {
  const test = testPortal();
  const portal = createPortal(test.deps);
  const { admin } = await givenFirm(test.ctx);
  await portal.firms.enablePartnerFeatures(platform, { firmId: admin.tenantId });
  const { companyId } = await portal.firms.createManagedCompany(admin, { name: `Acme ${admin.tenantId}` });
  const group = await givenClient(test.ctx, admin, { kind: 'group', owners: [olivia] });
  const person = (name: string) => ({ name, email: `${name.toLowerCase()}@x.example` });
  const contact = (name: string) => ({ name, emails: [`${name.toLowerCase()}@x.example`] });
  const content = { size: 1, contentHash: hashOf(1), blobRef: 'blob-1' };
  // Each create call with a key, called with a name: the same name is the same input, another name is other input.
  const creates: Record<string, (name: string, key: string) => Promise<unknown>> = {
    createFirm: (name, idempotencyKey) => portal.firms.createFirm(platform, { name: `${name} & Co`, partnerAdmin: person(name), idempotencyKey }),
    addStaffUser: (name, idempotencyKey) => portal.firms.addStaffUser(admin, { user: person(name), idempotencyKey }),
    createManagedCompany: (name, idempotencyKey) => portal.firms.createManagedCompany(admin, { name: `${name} Ltd`, idempotencyKey }),
    addCompanyAdmin: (name, idempotencyKey) => portal.firms.addCompanyAdmin(admin, { companyId, admin: person(name), idempotencyKey }),
    createClient: (name, idempotencyKey) => portal.clients.createClient(admin, { kind: 'individual', owners: [contact(name)], idempotencyKey }),
    addOwner: (name, idempotencyKey) => portal.clients.addOwner(admin, { clientId: group.clientId, contact: contact(name), idempotencyKey }),
    addGuest: (name, idempotencyKey) => portal.clients.addGuest(admin, { clientId: group.clientId, contact: contact(name), idempotencyKey }),
    uploadDocument: (name, idempotencyKey) =>
      portal.documents.uploadDocument(admin, { clientId: group.clientId, folderPath: 'Tax', name: `${name}.pdf`, ...content, idempotencyKey }),
  };
  return { test, portal, admin, creates };
}

describe('idempotency keys', () => {
  it('a createClient retried with the same key returns the first client and appends nothing', async () => {
    const { ctx } = testPortal();
    const { admin } = await givenFirm(ctx);
    const first = await createClient(ctx, admin, { kind: 'individual', owners: [olivia], idempotencyKey: 'req-1' });
    const before = await eventCount(ctx);
    const again = await createClient(ctx, admin, { kind: 'individual', owners: [olivia], idempotencyKey: 'req-1' });
    expect(again).toEqual(first);
    expect(await eventCount(ctx)).toBe(before);
    expect((await allEvents(ctx)).filter((e) => e.type === 'ClientCreated')).toHaveLength(1);
    expect((await ctx.log.readStream(streams.client(first.clientId))).length).toBeGreaterThan(0);
  });

  it('refuses the same key with different input, appending nothing', async () => {
    const { ctx } = testPortal();
    const { admin } = await givenFirm(ctx);
    await createClient(ctx, admin, { kind: 'individual', owners: [olivia], idempotencyKey: 'req-1' });
    const before = await eventCount(ctx);
    const error = await refusal(createClient(ctx, admin, { kind: 'individual', owners: [{ ...olivia, name: 'Other' }], idempotencyKey: 'req-1' }));
    expect(error.code).toBe('idempotency.key_reused');
    expect(await eventCount(ctx)).toBe(before);
  });

  it('every create call returns its first result to a retry, and refuses the key with other input', async () => {
    const { test, creates } = await setUp();
    for (const [operation, create] of Object.entries(creates)) {
      const first = await create('Kim', `key-${operation}`);
      const before = await eventCount(test.ctx);
      expect(await create('Kim', `key-${operation}`), operation).toEqual(first);
      expect(await eventCount(test.ctx), `${operation} appended on a retry`).toBe(before);
      expect((await refusal(create('Lee', `key-${operation}`))).code, operation).toBe('idempotency.key_reused');
      expect(await eventCount(test.ctx), `${operation} appended on a reused key`).toBe(before);
    }
    expect((await test.outbox.sent()).filter((s) => s.reason === 'guest_added')).toHaveLength(1);
  });

  it('a refused create records nothing under its key: the key can be used again with other input', async () => {
    const { ctx } = testPortal();
    const { admin } = await givenFirm(ctx);
    const before = await eventCount(ctx);
    const error = await refusal(createClient(ctx, admin, { kind: 'individual', owners: [olivia, olivia], idempotencyKey: 'k' }));
    expect(error.code).toBe('client.individual_has_one_owner');
    expect(await eventCount(ctx)).toBe(before);
    const created = await createClient(ctx, admin, { kind: 'individual', owners: [olivia], idempotencyKey: 'k' });
    expect(created.ownerIds).toHaveLength(1);
  });

  it('concurrent retries with one key create one client and all return it', async () => {
    const { ctx } = testPortal();
    const { admin } = await givenFirm(ctx);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => createClient(ctx, admin, { kind: 'individual', owners: [olivia], idempotencyKey: 'same' })),
    );
    expect(new Set(results.map((r) => r.clientId)).size).toBe(1);
    expect(results.every((r) => r.ownerIds[0] === results[0]!.ownerIds[0])).toBe(true);
    expect((await allEvents(ctx)).filter((e) => e.type === 'ClientCreated')).toHaveLength(1);
  });

  it('scopes a key to the caller\'s firm and the function: the same key elsewhere creates anew', async () => {
    const { ctx } = testPortal();
    const a = await givenFirm(ctx);
    const b = await givenFirm(ctx);
    const inA = await createClient(ctx, a.admin, { kind: 'individual', owners: [olivia], idempotencyKey: 'k' });
    const inB = await createClient(ctx, b.admin, { kind: 'individual', owners: [olivia], idempotencyKey: 'k' });
    expect(inB.clientId).not.toBe(inA.clientId);
    const withoutKey = await createClient(ctx, a.admin, { kind: 'individual', owners: [olivia] });
    expect(withoutKey.clientId).not.toBe(inA.clientId);
  });

  it('takes a key of 1 to 100 printable characters', async () => {
    const { ctx } = testPortal();
    const { admin } = await givenFirm(ctx);
    const before = await eventCount(ctx);
    for (const idempotencyKey of ['', 'x'.repeat(101), 'has space', 'tab\t', 'é']) {
      const error = await refusal(createClient(ctx, admin, { kind: 'individual', owners: [olivia], idempotencyKey }));
      expect(error, JSON.stringify(idempotencyKey)).toBeInstanceOf(ValidationError);
    }
    expect(await eventCount(ctx)).toBe(before);
    await createClient(ctx, admin, { kind: 'individual', owners: [olivia], idempotencyKey: 'x'.repeat(100) });
  });
});
