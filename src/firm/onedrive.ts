import type { z } from 'zod';
import type { DecisionContext } from '../core/decider.js';
import { DomainError } from '../core/errors.js';
import { actingStaffUser, requireFirm, requireFirmPartnerAdmin } from './access.js';
import type { connectOneDrive, markOneDriveNeedsReconnect } from './commands.js';
import type { FirmEvent } from './events.js';
import type { FirmState } from './state.js';

/** One OneDrive Personal connection for the whole firm, made (or replaced) by one of its partner admins. */
export function decideConnectOneDrive(data: z.output<typeof connectOneDrive>, state: FirmState, ctx: DecisionContext): FirmEvent[] {
  requireFirm(state, ctx);
  const user = requireFirmPartnerAdmin(state, ctx, "can connect the firm's OneDrive account");
  if (data.driveType !== 'personal') {
    throw new DomainError(
      'onedrive.personal_only',
      'OneDrive Personal only: OneDrive for Business and SharePoint accounts are not supported.',
    );
  }
  const previous = state.oneDrive;
  if (previous.status === 'connected' && previous.accountId === data.accountId) return [];
  const events: FirmEvent[] = [
    {
      type: 'OneDriveConnected',
      data: {
        firmId: state.id,
        accountId: data.accountId,
        displayName: data.displayName,
        connectedBy: user.userId,
        connectedAt: ctx.now.toISOString(),
      },
    },
  ];
  // Allowed, but the linked folders now point into another account: the sync process deals with that.
  if (previous.accountId !== null && previous.accountId !== data.accountId && data.linkedClientIds.length > 0) {
    events.push({
      type: 'OneDriveAccountChanged',
      data: { firmId: state.id, previousAccountId: previous.accountId, accountId: data.accountId, linkedClientIds: data.linkedClientIds },
    });
  }
  return events;
}

/** Staff, or a system process such as the sync, notice that the connection no longer works. */
export function decideMarkOneDriveNeedsReconnect(
  data: z.output<typeof markOneDriveNeedsReconnect>,
  state: FirmState,
  ctx: DecisionContext,
): FirmEvent[] {
  requireFirm(state, ctx);
  if (ctx.actor.kind !== 'system' && !actingStaffUser(state, ctx)) {
    throw new DomainError('firm.not_staff', 'Only staff users of this firm or the platform may do this.');
  }
  const { status, accountId } = state.oneDrive;
  if (status === 'needs_reconnect') return [];
  if (status !== 'connected' || accountId === null) {
    throw new DomainError('firm.onedrive_not_connected', 'OneDrive is not connected for this firm.');
  }
  return [{ type: 'OneDriveNeedsReconnect', data: { firmId: state.id, accountId, reason: data.reason, detectedAt: ctx.now.toISOString() } }];
}

export function decideDisconnectOneDrive(state: FirmState, ctx: DecisionContext): FirmEvent[] {
  requireFirm(state, ctx);
  const user = requireFirmPartnerAdmin(state, ctx, "can disconnect the firm's OneDrive account");
  const { status, accountId } = state.oneDrive;
  if (status === 'not_connected' || status === 'disconnected' || accountId === null) return [];
  return [
    { type: 'OneDriveDisconnected', data: { firmId: state.id, accountId, disconnectedBy: user.userId, disconnectedAt: ctx.now.toISOString() } },
  ];
}
