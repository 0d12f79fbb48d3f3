import { describe, expect, it } from 'vitest';
import { logIn, openPortalAccess } from '../../src/application/access.js';
import { acceptInvitation, checkInvitationLink } from '../../src/application/accept-invitation.js';
import { checkPasswordResetLink, requestPasswordReset, resetPassword } from '../../src/application/password-reset.js';
import { streams } from '../../src/streams.js';
import { fastSecrets, givenClient, givenFirm, testPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';
const EMAIL = 'olivia@client.example';

/** `real`: scrypt and SHA-256 digests (slower), for the test that looks for the token in the log. */
async function setUpActive(real = false) {
  const portal = testPortal(real ? {} : { secrets: fastSecrets() });
  const { tenantId, admin } = await givenFirm(portal.ctx);
  const client = await givenClient(portal.ctx, admin, { owners: [{ name: 'Olivia Owner', emails: [EMAIL] }] });
  const contactId = client.contactIds[0]!;
  await openPortalAccess(portal.ctx, admin, { contactId, clientId: client.clientId, sharedItems: [{ kind: 'folder', path: 'Tax' }] });
  await acceptInvitation(portal.ctx, { contactId, token: (await portal.outbox.lastTo(contactId))!.token, password: PASSWORD });
  return { ...portal, tenantId, admin, contactId };
}

describe('forgot password', () => {
  it('mails a reset link whose token only the digest of is in the log; the link sets a new password once', async () => {
    const { ctx, mail, tenantId, contactId } = await setUpActive(true);
    await expect(requestPasswordReset(ctx, { tenantId, loginEmail: 'Olivia@Client.example' })).resolves.toMatchObject({ requested: true });
    const [reset] = await mail.resets.sent();
    expect(reset).toMatchObject({ contactId, email: EMAIL, tenantId });
    expect(reset!.mail.text).toContain(`https://portal.test/portal/${tenantId}/reset-password?contactId=`);
    expect(reset!.mail.subject).toContain('Set a new password');
    const logged = JSON.stringify(await ctx.log.readStream(streams.portalAccess(contactId)));
    expect(logged).not.toContain(reset!.token);

    await expect(checkPasswordResetLink(ctx, { contactId, token: reset!.token })).resolves.toEqual({ usable: true, tenantId });
    await expect(resetPassword(ctx, { contactId, token: reset!.token, password: NEW_PASSWORD })).resolves.toMatchObject({ tenantId, contactId });
    await expect(logIn(ctx, { tenantId, loginEmail: EMAIL, password: NEW_PASSWORD })).resolves.toMatchObject({ contactId });
    expect((await refusal(logIn(ctx, { tenantId, loginEmail: EMAIL, password: PASSWORD }))).code).toBe('portal_access.invalid_credentials');

    expect(await checkPasswordResetLink(ctx, { contactId, token: reset!.token })).toEqual({ usable: false, tenantId: null });
    expect((await refusal(resetPassword(ctx, { contactId, token: reset!.token, password: 'yet another passphrase' }))).code).toBe('portal_access.reset_link_invalid');
  });

  it('answers the same for an unknown email, and records and mails nothing', async () => {
    const { ctx, mail, store, tenantId } = await setUpActive();
    const before = await store.lastPosition();
    await expect(requestPasswordReset(ctx, { tenantId, loginEmail: 'nobody@nowhere.example' })).resolves.toEqual({ requested: true, position: null });
    expect(await store.lastPosition()).toBe(before);
    expect(await mail.resets.sent()).toEqual([]);
  });

  it('stops an older link once a newer one is asked for, and an expired one after the hour', async () => {
    const { ctx, clock, mail, tenantId, contactId } = await setUpActive();
    await requestPasswordReset(ctx, { tenantId, loginEmail: EMAIL });
    const [first] = await mail.resets.sent();
    await requestPasswordReset(ctx, { tenantId, loginEmail: EMAIL });
    const second = (await mail.resets.sent())[1]!;
    expect(second.token).not.toBe(first!.token);
    expect((await refusal(resetPassword(ctx, { contactId, token: first!.token, password: NEW_PASSWORD }))).code).toBe('portal_access.reset_link_invalid');
    clock.advance(60 * 60 * 1000);
    expect(await checkPasswordResetLink(ctx, { contactId, token: second.token })).toEqual({ usable: false, tenantId: null });
  });

  it('refuses a reset link for a contact with no access stream, the same way', async () => {
    const { ctx } = await setUpActive();
    expect((await refusal(resetPassword(ctx, { contactId: 'nobody', token: 'x', password: NEW_PASSWORD }))).code).toBe('portal_access.reset_link_invalid');
  });
});

describe('checking an activation link', () => {
  it('says a live link works and a used one does not, never why', async () => {
    const portal = testPortal({ secrets: fastSecrets() });
    const { tenantId, admin } = await givenFirm(portal.ctx);
    const client = await givenClient(portal.ctx, admin, { owners: [{ name: 'Olivia Owner', emails: [EMAIL] }] });
    const contactId = client.contactIds[0]!;
    await openPortalAccess(portal.ctx, admin, { contactId, clientId: client.clientId, sharedItems: [{ kind: 'folder', path: 'Tax' }] });
    const { token } = (await portal.outbox.lastTo(contactId))!;
    expect(await checkInvitationLink(portal.ctx, { contactId, token })).toEqual({ usable: true, tenantId });
    expect(await checkInvitationLink(portal.ctx, { contactId, token: 'guessed' })).toEqual({ usable: false, tenantId: null });
    await acceptInvitation(portal.ctx, { contactId, token, password: PASSWORD });
    expect(await checkInvitationLink(portal.ctx, { contactId, token })).toEqual({ usable: false, tenantId: null });
    expect(await checkInvitationLink(portal.ctx, { contactId: 'nobody', token })).toEqual({ usable: false, tenantId: null });
  });
});
