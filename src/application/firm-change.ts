import type { FirmCommand } from '../firm/commands.js';
import { firmDecider } from '../firm/decider.js';
import { streams } from '../streams.js';
import type { AppContext, Caller } from './context.js';
import type { Written } from './written.js';

/** The outcome of a command on a firm's stream (`revision`: the firm stream's). */
export interface FirmChange extends Written {
  firmId: string;
  /** False when the command decided nothing (already so). */
  changed: boolean;
}

/** Runs one command on the caller's firm stream. */
export async function runFirm(ctx: AppContext, caller: Caller & { causationId?: string }, command: FirmCommand) {
  const result = await ctx.execute(firmDecider, streams.firm(caller.tenantId), command, caller);
  const change: FirmChange = {
    firmId: caller.tenantId,
    revision: result.nextExpectedRevision,
    position: result.position,
    changed: result.events.length > 0,
  };
  return { result, change };
}

/** The firm stream as it stands, for a keyed create an earlier attempt already made. */
export async function firmAsItStands(ctx: AppContext, firmId: string): Promise<FirmChange> {
  const [last] = await ctx.log.readStream(streams.firm(firmId), { direction: 'backwards', maxCount: 1 });
  return { firmId, revision: last!.revision, position: last!.position, changed: true };
}
