import { describe, expect, it } from 'vitest';
import { nodeSecrets } from '../../../adapters/node.js';
import { logIn, openPortalAccess } from '../../../src/application/access.js';
import { acceptInvitation } from '../../../src/application/invitations.js';
import { givenClient, givenFirm, testPortal } from '../../support/portal.js';
import { refusal } from '../../support/refusal.js';

// Logging in with login email and password: the client list read model finds the contact.

const tax = [{ kind: 'folder' as const, path: 'Tax' }];

async function setUp() {
  const verified: string[] = [];
  const secrets = { ...nodeSecrets, verifyPassword: (password: string, hash: string) => (verified.push(hash), nodeSecrets.verifyPassword(password, hash)) };
  const portal = testPortal({ secrets });
  const { tenantId, admin } = await givenFirm(portal.ctx);
  async function member(email: string, password: string) {
    const { clientId, contactIds } = await givenClient(portal.ctx, admin, { owners: [{ name: 'Fam Member', emails: [email] }] });
    const contactId = contactIds[0]!;
    await openPortalAccess(portal.ctx, admin, { contactId, clientId, sharedItems: tax });
    await acceptInvitation(portal.ctx, { contactId, token: (await portal.outbox.lastTo(contactId))!.token, password });
    return { clientId, contactId };
  }
  return { ...portal, tenantId, admin, member, verified };
}

describe('logging in by email', () => {
  it('finds the contact by login email, case-insensitively', async () => {
    const { ctx, tenantId, member } = await setUp();
    const ann = await member('ann@smith.example', 'ann long password');
    const session = await logIn(ctx, { tenantId, loginEmail: 'Ann@Smith.EXAMPLE', password: 'ann long password' });
    expect(session).toMatchObject(ann);
  });

  it('picks, among contacts sharing a login email, the one whose password matches', async () => {
    const { ctx, tenantId, member } = await setUp();
    const first = await member('family@home.example', 'first long password');
    const second = await member('family@home.example', 'second long password');
    expect(await logIn(ctx, { tenantId, loginEmail: 'family@home.example', password: 'second long password' })).toMatchObject(second);
    expect(await logIn(ctx, { tenantId, loginEmail: 'family@home.example', password: 'first long password' })).toMatchObject(first);
    expect((await refusal(logIn(ctx, { tenantId, loginEmail: 'family@home.example', password: 'neither one of them' }))).code).toBe(
      'portal_access.invalid_credentials',
    );
  });

  it('answers an unknown email, or another firm, like a wrong password, after checking a password all the same', async () => {
    const { ctx, tenantId, member, verified } = await setUp();
    await member('ann@smith.example', 'ann long password');
    const other = await givenFirm(ctx);
    verified.length = 0;
    const unknown = await refusal(logIn(ctx, { tenantId, loginEmail: 'nobody@smith.example', password: 'ann long password' }));
    const elsewhere = await refusal(logIn(ctx, { tenantId: other.tenantId, loginEmail: 'ann@smith.example', password: 'ann long password' }));
    const wrong = await refusal(logIn(ctx, { tenantId, loginEmail: 'ann@smith.example', password: 'not the password' }));
    expect([unknown, elsewhere].map((e) => [e.code, e.message])).toEqual([[wrong.code, wrong.message], [wrong.code, wrong.message]]);
    expect(verified).toHaveLength(3);
    expect(verified[0]).toMatch(/^scrypt\$16384\$8\$1\$/);
  });

  it('takes exactly one of contactId and loginEmail', async () => {
    const { ctx, tenantId, member } = await setUp();
    const ann = await member('ann@smith.example', 'ann long password');
    const both = await refusal(logIn(ctx, { tenantId, contactId: ann.contactId, loginEmail: 'ann@smith.example', password: 'ann long password' }));
    const neither = await refusal(logIn(ctx, { tenantId, password: 'ann long password' }));
    expect([both.code, neither.code]).toEqual(['validation.failed', 'validation.failed']);
  });
});
