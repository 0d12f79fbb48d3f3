/**
 * The member follows the emailed link and sets a password.
 *
 * Process rule wired here: InvitationAccepted → PortalAccess ActivatePortalAccess { passwordHash }.
 * Access never opened: it is opened first, with the invitation's email as login email and only the
 * client's upload folder shared (the least the contact needs; the firm widens it in the access
 * window). Access closed meanwhile: the acceptance stands (the password is kept for a later
 * re-opening) but activation is refused, and the result says so with access 'closed'.
 */
import { z } from 'zod';
import { fold } from '../core/decider.js';
import { NotFoundError } from '../core/errors.js';
import { idOf, MAX_TOKEN_LENGTH } from '../core/limits.js';
import { parseCommand } from '../core/validate.js';
import { CLIENT_UPLOAD_FOLDER } from '../document/folder-path.js';
import { invitationDecider, isExpired, type InvitationState } from '../invitation/decider.js';
import type { InvitationEvent } from '../invitation/events.js';
import { portalAccessDecider } from '../portal-access/decider.js';
import { streams } from '../streams.js';
import { openAccess } from './access.js';
import type { AppContext, Caller } from './context.js';
import { id } from './input.js';
import { acceptedPasswordHash, loadAccess } from './issue-invitation.js';
import { followUp, type ProcessCaller } from './tenant-guards.js';
import { latest, type Written } from './written.js';

/** A password must be at least this long (and at most 200 characters). */
export const MIN_PASSWORD_LENGTH = 10;

/** A new password: long enough, not too long, not only spaces. */
export const newPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `A password needs at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(200, 'A password can have at most 200 characters.')
  .refine((password) => password.trim().length > 0, 'A password cannot be only spaces.');

export const acceptInvitationInput = z.strictObject({ contactId: id, token: idOf(MAX_TOKEN_LENGTH), password: newPassword });

/** `revision`: the invitation stream's; `position`: after the access was activated. */
export interface AcceptedInvitation extends Written {
  tenantId: string;
  clientId: string;
  contactId: string;
  /** 'active': the contact can log in now. 'closed': the password is set, but the firm closed access meanwhile. */
  access: 'active' | 'closed';
}

/**
 * The member follows the emailed link (contact id + token) and sets a password. The link names no
 * firm: the tenant is the one the invitation stream was written in, and the contact acts in it.
 */
export async function acceptInvitation(ctx: AppContext, input: z.input<typeof acceptInvitationInput>): Promise<AcceptedInvitation> {
  input = parseCommand(acceptInvitationInput, input);
  const streamId = streams.invitation(input.contactId);
  const history = await ctx.log.readStream(streamId);
  const tenantId = history[0]?.metadata.tenantId;
  if (tenantId === undefined) throw new NotFoundError('invitation.not_found', 'No invitation was sent to this member.');
  const caller: Caller = { tenantId, actor: { kind: 'contact', contactId: input.contactId } };
  const request = ctx.correlate(caller);
  const tokenHash = ctx.deps.secrets.hashToken(input.token);
  const state = fold(invitationDecider, history as unknown as InvitationEvent[]);

  const resumed = await resumeAcceptance(ctx, tenantId, state, history, tokenHash, input.password);
  let passwordHash: string;
  let accepted = { revision: history.at(-1)!.revision as Written['revision'], position: history.at(-1)!.position as number | null };
  if (resumed !== undefined) {
    passwordHash = resumed;
  } else {
    // Refuse a wrong, expired or used link before paying for a password hash.
    const now = ctx.deps.clock.now();
    invitationDecider.decide(
      { type: 'AcceptInvitation', data: { contactId: input.contactId, tokenHash, passwordHash: 'not-yet-hashed' } },
      state,
      { now, newId: () => ctx.deps.ids.newId(), actor: caller.actor, tenantId },
    );
    passwordHash = await ctx.deps.secrets.hashPassword(input.password);
    const result = await ctx.execute(invitationDecider, streamId, { type: 'AcceptInvitation', data: { contactId: input.contactId, tokenHash, passwordHash } }, request);
    accepted = { revision: result.nextExpectedRevision, position: result.position };
  }
  if (state.status === 'none') throw new Error('unreachable: an accepted invitation has a state');
  const activated = await activateAccess(ctx, followUp(request), { clientId: state.clientId, contactId: input.contactId, email: state.email, passwordHash });
  const position = latest(accepted.position, activated.position);
  return { tenantId, clientId: state.clientId, contactId: input.contactId, access: activated.access, revision: accepted.revision, position };
}

export const invitationLinkInput = acceptInvitationInput.pick({ contactId: true, token: true });

/**
 * Whether the emailed link would activate the account now (the invitation open, this send's token,
 * not expired), for the activation page to say so before the contact types a password. It never
 * says why not; `tenantId` is the firm's only when the link works.
 */
export async function checkInvitationLink(ctx: AppContext, input: z.input<typeof invitationLinkInput>): Promise<{ usable: boolean; tenantId: string | null }> {
  const { contactId, token } = parseCommand(invitationLinkInput, input);
  const history = await ctx.log.readStream(streams.invitation(contactId));
  const tenantId = history[0]?.metadata.tenantId;
  const state = fold(invitationDecider, history as unknown as InvitationEvent[]);
  const usable =
    tenantId !== undefined && state.status === 'open' && state.tokenHash === ctx.deps.secrets.hashToken(token) && !isExpired(state, ctx.deps.clock.now());
  return usable ? { usable, tenantId } : { usable: false, tenantId: null };
}

/**
 * A rerun after a crash between the acceptance and the activation: the same link and password
 * finish the activation instead of being refused. Returns the stored password hash, or undefined
 * when this is not such a rerun (then the decider decides as usual).
 */
async function resumeAcceptance(
  ctx: AppContext,
  tenantId: string,
  state: InvitationState,
  history: Parameters<typeof acceptedPasswordHash>[0],
  tokenHash: string,
  password: string,
): Promise<string | undefined> {
  if (state.status !== 'accepted' || state.tokenHash !== tokenHash) return undefined;
  const access = await loadAccess(ctx, tenantId, state.contactId);
  if (access.status !== 'none' && access.status !== 'pending') return undefined;
  const stored = acceptedPasswordHash(history);
  if (stored === undefined || !(await ctx.deps.secrets.verifyPassword(password, stored))) return undefined;
  return stored;
}

/** InvitationAccepted → ActivatePortalAccess, opening the access first when it was never opened. */
async function activateAccess(
  ctx: AppContext,
  caller: ProcessCaller,
  input: { clientId: string; contactId: string; email: string; passwordHash: string },
): Promise<{ access: 'active' | 'closed'; position: number | null }> {
  const access = await loadAccess(ctx, caller.tenantId, input.contactId);
  if (access.status === 'none') {
    // The acceptance is on record, so opening passes it as acceptedPasswordHash and activates at once.
    const opened = await openAccess(ctx, caller, {
      clientId: input.clientId,
      contactId: input.contactId,
      loginEmail: input.email,
      sharedItems: [{ kind: 'folder', path: CLIENT_UPLOAD_FOLDER }],
    });
    return { access: opened.access.status === 'active' ? 'active' : 'closed', position: opened.position };
  }
  if (access.status === 'closed') return { access: 'closed', position: null };
  const { contactId, passwordHash } = input;
  const { position } = await ctx.execute(portalAccessDecider, streams.portalAccess(contactId), { type: 'ActivatePortalAccess', data: { contactId, passwordHash } }, caller);
  return { access: 'active', position };
}
