import { PortalError } from '../core/errors.js';
import type { ClientCommand } from '../client/commands.js';
import { clientDecider } from '../client/decider.js';
import { streams } from '../streams.js';
import type { AppContext } from './context.js';
import { requireFirmSide, type ProcessCaller } from './tenant-guards.js';
import type { Written } from './written.js';

/** The outcome of a command on a client's stream (`revision`: the client stream's). */
export interface ClientChange extends Written {
  clientId: string;
  /** False when the command decided nothing (already so). */
  changed: boolean;
}

/** Runs one command on a client's stream, for the firm only. */
export async function runClient(ctx: AppContext, caller: ProcessCaller, clientId: string, command: ClientCommand) {
  await requireFirmSide(ctx, caller);
  const result = await ctx.execute(clientDecider, streams.client(clientId), command, caller);
  const change: ClientChange = { clientId, revision: result.nextExpectedRevision, position: result.position, changed: result.events.length > 0 };
  return { result, change };
}

export const isRefusal = (error: unknown, code: string) => error instanceof PortalError && error.code === code;
