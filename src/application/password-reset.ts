/**
 * "Forgot password": a contact asks for a reset link on the firm's login page, the mail process
 * mails it (PasswordResetRequested), and the link sets a new password once, within the hour.
 *
 * The link's token is derived from the request's id with the server's key, like an invitation's
 * (Secrets.deriveToken('password-reset', resetId)): the log keeps only its digest, and the mail
 * process can make the link again after a restart. Asking answers the same whether or not the email
 * belongs to anyone, so the page tells a stranger nothing.
 */
import { z } from 'zod';
import { emailInput } from '../core/email.js';
import { DomainError } from '../core/errors.js';
import { idOf, MAX_TOKEN_LENGTH } from '../core/limits.js';
import { fold } from '../core/decider.js';
import { parseCommand } from '../core/validate.js';
import { portalAccessDecider, resetLinkInvalid, type PortalAccessState } from '../portal-access/decider.js';
import type { PortalAccessEvent } from '../portal-access/events.js';
import { streams } from '../streams.js';
import { newPassword } from './accept-invitation.js';
import type { AppContext, Caller } from './context.js';
import { id } from './input.js';
import type { Written } from './written.js';

/** The link's token for one reset request: derivable again from its id, only with the server's key. */
export function passwordResetToken(ctx: AppContext, resetId: string): string {
  return ctx.deps.secrets.deriveToken('password-reset', resetId);
}

export const requestPasswordResetInput = z.strictObject({ tenantId: id, loginEmail: emailInput });

/**
 * Mails a reset link to every activated contact of the firm whose login email this is (usually one).
 * Answers `{ requested: true }` whoever the email belongs to, nobody included.
 */
export async function requestPasswordReset(ctx: AppContext, input: z.input<typeof requestPasswordResetInput>): Promise<{ requested: true; position: number | null }> {
  const { tenantId, loginEmail } = parseCommand(requestPasswordResetInput, input);
  let position: number | null = null;
  for (const { contactId } of await (await ctx.views()).clientList.contactsByLoginEmail(tenantId, loginEmail)) {
    const access = await accessIn(ctx, tenantId, contactId);
    if (access?.status !== 'active' || access.loginEmail?.toLowerCase() !== loginEmail.toLowerCase()) continue;
    const resetId = ctx.deps.ids.newId();
    const tokenHash = ctx.deps.secrets.hashToken(passwordResetToken(ctx, resetId));
    const caller: Caller = { tenantId, actor: { kind: 'contact', contactId } };
    const done = await ctx.execute(portalAccessDecider, streams.portalAccess(contactId), { type: 'RequestPasswordReset', data: { contactId, resetId, tokenHash } }, ctx.correlate(caller));
    position = done.position ?? position;
  }
  return { requested: true, position };
}

/** The contact's access as its own stream holds it, or null when it belongs to another firm or none. */
async function accessIn(ctx: AppContext, tenantId: string, contactId: string): Promise<PortalAccessState | null> {
  const events = await ctx.log.readStream(streams.portalAccess(contactId));
  if (events.length === 0 || events.some((e) => e.metadata.tenantId !== tenantId)) return null;
  return fold(portalAccessDecider, events as unknown as PortalAccessEvent[]);
}

export const passwordResetLinkInput = z.strictObject({ contactId: id, token: idOf(MAX_TOKEN_LENGTH) });

/** The firm the stream was written in, and its state; a link to no stream reads as an invalid one. */
async function linkTarget(ctx: AppContext, contactId: string) {
  const events = await ctx.log.readStream(streams.portalAccess(contactId));
  const tenantId = events[0]?.metadata.tenantId;
  if (tenantId === undefined) throw resetLinkInvalid();
  return { tenantId, state: fold(portalAccessDecider, events as unknown as PortalAccessEvent[]) };
}

/**
 * Whether a reset link would work now, for the page to say so before the contact types a password.
 * `tenantId` is the firm's only when it works.
 */
export async function checkPasswordResetLink(ctx: AppContext, input: z.input<typeof passwordResetLinkInput>): Promise<{ usable: boolean; tenantId: string | null }> {
  const { contactId, token } = parseCommand(passwordResetLinkInput, input);
  try {
    const { tenantId, state } = await linkTarget(ctx, contactId);
    const tokenHash = ctx.deps.secrets.hashToken(token);
    portalAccessDecider.decide({ type: 'ResetPassword', data: { contactId, tokenHash, passwordHash: 'not-yet-hashed' } }, state, decisionContext(ctx, tenantId, contactId));
    return { usable: true, tenantId };
  } catch (error) {
    if (error instanceof DomainError && error.code === 'portal_access.reset_link_invalid') return { usable: false, tenantId: null };
    throw error;
  }
}

const decisionContext = (ctx: AppContext, tenantId: string, contactId: string) => ({
  now: ctx.deps.clock.now(),
  newId: () => ctx.deps.ids.newId(),
  actor: { kind: 'contact' as const, contactId },
  tenantId,
});

export const resetPasswordInput = passwordResetLinkInput.extend({ password: newPassword });

/**
 * The contact follows the emailed reset link and sets a new password. A wrong, replaced, used or
 * expired link is refused with 'portal_access.reset_link_invalid' before the password is hashed.
 * `revision`: the contact's portal access stream's.
 */
export async function resetPassword(
  ctx: AppContext,
  input: z.input<typeof resetPasswordInput>,
): Promise<Written & { tenantId: string; contactId: string; clientId: string }> {
  const { contactId, token, password } = parseCommand(resetPasswordInput, input);
  const { tenantId, state } = await linkTarget(ctx, contactId);
  const tokenHash = ctx.deps.secrets.hashToken(token);
  portalAccessDecider.decide({ type: 'ResetPassword', data: { contactId, tokenHash, passwordHash: 'not-yet-hashed' } }, state, decisionContext(ctx, tenantId, contactId));
  const passwordHash = await ctx.deps.secrets.hashPassword(password);
  const caller: Caller = { tenantId, actor: { kind: 'contact', contactId } };
  const done = await ctx.execute(portalAccessDecider, streams.portalAccess(contactId), { type: 'ResetPassword', data: { contactId, tokenHash, passwordHash } }, ctx.correlate(caller));
  return { tenantId, contactId, clientId: done.state.clientId!, revision: done.nextExpectedRevision, position: done.position };
}
