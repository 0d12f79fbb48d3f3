import { fold, type Decider } from '../core/decider.js';
import type { DomainEvent, RecordedEvent } from '../core/envelope.js';
import { DomainError, NotFoundError } from '../core/errors.js';
import { clientDecider } from '../client/decider.js';
import type { ClientState, Member } from '../client/state.js';
import { streams } from '../streams.js';
import type { AppContext, Caller } from './context.js';
import { loadFirm } from './firm-scope.js';

/** A caller that may carry what caused its request, for process rules' follow-up commands. */
export type ProcessCaller = Caller & { causationId?: string };

/** The caller for the follow-up commands of a request: same correlation id, caused by the request. */
export function followUp(request: Caller & { correlationId: string }): ProcessCaller {
  return { ...request, causationId: request.correlationId };
}

/**
 * Tenant isolation for streams the deciders cannot check themselves (invitation, portal access,
 * folder link, document: their states carry no firm id). Each event's metadata names its tenant, so
 * a stream written in another firm reads exactly like a stream that does not exist.
 */
export async function loadInTenant<E extends DomainEvent, S>(
  ctx: AppContext,
  decider: Pick<Decider<unknown, E, S>, 'initialState' | 'evolve'>,
  streamId: string,
  tenantId: string,
  notFound: () => NotFoundError,
): Promise<{ state: S; events: RecordedEvent[] }> {
  const events = await ctx.log.readStream(streamId);
  if (events.some((e) => e.metadata.tenantId !== tenantId)) throw notFound();
  return { state: fold(decider, events as unknown as E[]), events };
}

const clientNotFound = () => new NotFoundError('client.not_found', 'This client does not exist.');

/** The client, inside the caller's tenant (archived or not). */
export async function loadClient(ctx: AppContext, tenantId: string, clientId: string): Promise<ClientState> {
  const { state } = await ctx.load(clientDecider, streams.client(clientId));
  if (state.status === 'new' || state.firmId !== tenantId) throw clientNotFound();
  return state;
}

/** The refusal of any change to an archived client. */
export const archivedClient = () => new DomainError('client.archived', 'This client is archived.');

/** The client, inside the caller's tenant, and not archived (an archived client refuses every change). */
export async function loadActiveClient(ctx: AppContext, tenantId: string, clientId: string): Promise<ClientState> {
  const state = await loadClient(ctx, tenantId, clientId);
  if (state.status === 'archived') throw archivedClient();
  return state;
}

export function requireMember(client: ClientState, contactId: string): Member {
  const member = client.members.find((m) => m.contactId === contactId);
  if (!member) throw new DomainError('client.member_not_found', 'This contact is not a member of the client.');
  return member;
}

/**
 * Firm-side operations (inviting, opening access, linking folders) are refused to client contacts,
 * and a staff actor must be a current staff user of the firm (a removed user can do nothing more).
 * System actors are the application's own processes. The tenant in the caller comes from the host's
 * authentication and is trusted.
 */
export async function requireFirmSide(ctx: AppContext, caller: Caller): Promise<void> {
  const { actor } = caller;
  // The platform operator opens firms; inside a firm only the firm acts.
  if (actor.kind === 'contact' || actor.kind === 'platform') throw new DomainError('access.firm_only', 'Only the firm can do this.');
  if (actor.kind === 'staff') {
    const firm = await loadFirm(ctx, caller.tenantId);
    if (!firm) throw new NotFoundError('firm.not_found', 'This firm does not exist.');
    if (!firm.staff.some((s) => s.userId === actor.userId)) {
      throw new DomainError('firm.not_staff', 'Only staff users of this firm may do this.');
    }
  }
}
