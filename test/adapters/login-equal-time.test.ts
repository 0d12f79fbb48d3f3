import { describe, expect, it } from 'vitest';
import { nodeSecrets } from '../../adapters/system/secrets.js';
import { logIn, openPortalAccess } from '../../src/application/access.js';
import { acceptInvitation } from '../../src/application/invitations.js';
import { givenClient, givenFirm, testPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';

// "A wrong password and an unknown email get the same answer in the same time." The domain's logIn
// checks a password against a stand-in hash when nobody matches, so the HTTP layer adds nothing
// but the rate limiter (which must count every refusal alike). What keeps the times equal is
// that the stand-in costs what a real hash costs: the same scrypt parameters, salt and key lengths.

const tax = [{ kind: 'folder' as const, path: 'Tax' }];
const PASSWORD = 'ann long password';

/** What decides scrypt's cost: N, r, p, and the salt's and key's lengths in bytes. */
function cost(hash: string) {
  const [scheme, n, r, p, salt, key] = hash.split('$');
  return { scheme, n, r, p, saltBytes: Buffer.from(salt!, 'base64url').length, keyBytes: Buffer.from(key!, 'base64url').length };
}

async function setUp() {
  const verified: string[] = [];
  const secrets = { ...nodeSecrets, verifyPassword: (password: string, hash: string) => (verified.push(hash), nodeSecrets.verifyPassword(password, hash)) };
  const portal = testPortal({ secrets });
  const { tenantId, admin } = await givenFirm(portal.ctx);
  const open = async (email: string) => {
    const { clientId, contactIds } = await givenClient(portal.ctx, admin, { owners: [{ name: 'Ann Smith', emails: [email] }] });
    await openPortalAccess(portal.ctx, admin, { contactId: contactIds[0]!, clientId, sharedItems: tax });
    return contactIds[0]!;
  };
  const ann = await open('ann@smith.example');
  await acceptInvitation(portal.ctx, { contactId: ann, token: (await portal.outbox.lastTo(ann))!.token, password: PASSWORD });
  await open('pending@smith.example');
  verified.length = 0;
  return { ...portal, tenantId, verified };
}

describe('logging in: the same answer in the same time', () => {
  it('checks one password of the real cost for an unknown email, a pending access or an unknown contact, as a wrong password costs', async () => {
    const { ctx, tenantId, verified } = await setUp();
    const wrong = await refusal(logIn(ctx, { tenantId, loginEmail: 'ann@smith.example', password: 'not the password' }));
    const real = verified.splice(0);
    const others = [
      await refusal(logIn(ctx, { tenantId, loginEmail: 'nobody@smith.example', password: PASSWORD })),
      await refusal(logIn(ctx, { tenantId, loginEmail: 'pending@smith.example', password: PASSWORD })),
      await refusal(logIn(ctx, { tenantId, contactId: 'nobody', password: PASSWORD })),
    ];
    expect(others.map((e) => [e.code, e.message])).toEqual(Array(3).fill([wrong.code, wrong.message]));
    expect(real).toHaveLength(1);
    expect(verified).toHaveLength(3);
    for (const standIn of verified) expect(cost(standIn)).toEqual(cost(real[0]!));
  });
});
