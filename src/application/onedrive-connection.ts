/**
 * The firm-wide OneDrive Personal connection (partner admins connect, replace and disconnect it;
 * staff or the sync report that it needs reconnecting).
 *
 * Process rule wired here: ConnectOneDrive carries `linkedClientIds` (only looked up when the
 * account really changes).
 */
import type { z } from 'zod';
import * as c from '../firm/commands.js';
import type { OneDriveConnection } from '../firm/state.js';
import type { AppContext, Caller } from './context.js';
import { runFirm, type FirmChange } from './firm-change.js';
import { loadFirm } from './firm-scope.js';
import { noInput, parseRequest } from './input.js';

export const connectOneDriveInput = c.connectOneDrive.omit({ linkedClientIds: true });

/**
 * Connects the firm's OneDrive Personal account. When it replaces another account, the clients
 * with a linked folder are looked up (a scan of the folder links) so the sync can re-check them.
 */
export async function connectOneDrive(
  ctx: AppContext,
  caller: Caller,
  asked: z.input<typeof connectOneDriveInput>,
): Promise<FirmChange & { oneDrive: OneDriveConnection; linkedClientIds: string[] }> {
  const input = parseRequest(caller, connectOneDriveInput, asked);
  const firm = await loadFirm(ctx, caller.tenantId);
  const previous = firm?.oneDrive.accountId ?? null;
  const accountChanges = previous !== null && previous !== input.accountId;
  const linkedClientIds = accountChanges ? await linkedClientsOf(ctx, caller.tenantId) : [];
  const { result, change } = await runFirm(ctx, caller, { type: 'ConnectOneDrive', data: { ...input, linkedClientIds } });
  return { ...change, oneDrive: result.state.oneDrive, linkedClientIds };
}

/** Clients of the firm whose folder link is currently linked, from the client list read model. */
async function linkedClientsOf(ctx: AppContext, firmId: string): Promise<string[]> {
  return (await ctx.views()).clientList.linkedClients(firmId);
}

/** Staff or a system process (the sync) report that the connection stopped working. */
export async function markOneDriveNeedsReconnect(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof c.markOneDriveNeedsReconnect>,
): Promise<FirmChange> {
  const data = parseRequest(caller, c.markOneDriveNeedsReconnect, input);
  return (await runFirm(ctx, caller, { type: 'MarkOneDriveNeedsReconnect', data })).change;
}

/** Disconnects the firm's OneDrive account. */
export async function disconnectOneDrive(ctx: AppContext, caller: Caller, input?: z.input<typeof noInput>): Promise<FirmChange> {
  parseRequest(caller, noInput, input);
  return (await runFirm(ctx, caller, { type: 'DisconnectOneDrive', data: {} })).change;
}
