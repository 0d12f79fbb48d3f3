/**
 * The firm's client list and the OneDrive "Connect client folders" list: queries over the client
 * list read model, scoped to the caller's firm, each made after the caller's last write showed
 * there (read-your-writes, see AppContext.views).
 */
import { z } from 'zod';
import { subscriptionPlans } from '../client/events.js';
import { plainText } from '../core/limits.js';
import type { AppContext, Caller } from './context.js';
import { id, parseRequest } from './input.js';
import { pageFields } from './page-input.js';
import type { ClientListRow, FolderListRow, Page } from './read-models.js';
import { requireFirmSide } from './tenant-guards.js';

/** The longest search text: longer than any name or email it could usefully match inside. */
export const MAX_SEARCH_TEXT_LENGTH = 200;

const text = plainText(MAX_SEARCH_TEXT_LENGTH);

export const searchInput = z.strictObject({
  text: text.optional(),
  accessState: z.enum(['none', 'pending', 'active', 'closed']).optional(),
  invitationState: z.enum(['not_invited', 'invited_just_now', 'waiting', 'expired', 'undeliverable', 'active']).optional(),
  assignedStaffId: id.optional(),
  subscription: z.enum(subscriptionPlans).optional(),
  linked: z.boolean().optional(),
  archived: z.boolean().default(false),
  sort: z.enum(['name', 'last_login', 'invitation_date']).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
  ...pageFields,
});

/** The client list: search, filters, sort and cursor paging, with each member's status worded at the clock's now. */
export async function search(ctx: AppContext, caller: Caller, input: z.input<typeof searchInput> = {}): Promise<Page<ClientListRow>> {
  const q = parseRequest(caller, searchInput, input);
  await requireFirmSide(ctx, caller);
  const query = Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as typeof q;
  return (await ctx.views()).clientList.search(caller.tenantId, query, ctx.deps.clock.now());
}

export const foldersInput = z.strictObject({ text: text.optional(), linked: z.boolean().optional(), ...pageFields });

/** Every current client with its folder link (or none), by name: the "Connect client folders" list. */
export async function folders(ctx: AppContext, caller: Caller, input: z.input<typeof foldersInput> = {}): Promise<Page<FolderListRow>> {
  const q = parseRequest(caller, foldersInput, input);
  await requireFirmSide(ctx, caller);
  const query = Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as typeof q;
  return (await ctx.views()).clientList.folders(caller.tenantId, query);
}
