/**
 * A command's refusals, before the request writes anything else. Some requests claim a reservation
 * before their command (a OneDrive folder, a drive item); refused only afterwards, they would leave
 * a claim and its release in the log. Asking the decider first, on the stream as it is (and the
 * request's If-Match), refuses them while the log is untouched. The command handler still decides
 * again in its own turn: this is only the early answer.
 */
import { unlessUnmet } from '../core/command-handler.js';
import type { Decider } from '../core/decider.js';
import type { DomainEvent } from '../core/envelope.js';
import { PreconditionFailedError } from '../core/errors.js';
import type { StreamRevision } from '../core/revision.js';
import type { AppContext, Caller } from './context.js';

/** Throws what the command would be refused with on the stream now; else returns the stream's state as loaded. */
export async function refuseEarly<C, E extends DomainEvent, S>(
  ctx: AppContext,
  decider: Decider<C, E, S>,
  streamId: string,
  command: C,
  caller: Caller,
): Promise<{ state: S; revision: StreamRevision }> {
  const loaded = await ctx.load(decider, streamId);
  const expected = caller.ifMatch?.streamId === streamId ? caller.ifMatch.revision : undefined;
  try {
    decider.decide(command, loaded.state, { now: ctx.deps.clock.now(), newId: () => ctx.deps.ids.newId(), actor: caller.actor, tenantId: caller.tenantId });
  } catch (error) {
    throw unlessUnmet(error, expected, loaded.revision);
  }
  if (expected !== undefined && loaded.revision !== expected) throw new PreconditionFailedError(expected, loaded.revision);
  return loaded;
}
