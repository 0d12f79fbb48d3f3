/**
 * Linking a client to its OneDrive Personal folder.
 *
 * The pasted address is read here (parseFolderUrl: clear refusals for SharePoint/Business links and
 * links to files, before any call); the drive item it names is resolved through the FolderResolver
 * port (the OneDrive adapter asks Graph through the firm's own connection), which also names the
 * connected drive the folder must be in. A host that resolved the address itself may pass
 * `driveItem` instead (the HTTP routes take only the address).
 *
 * One folder maps to one client within a firm: the folder is reserved under
 * folderReservationKey(tenantId, driveId, itemId) before LinkFolder; a refusal releases the new
 * reservation, and FolderRelinked / FolderUnlinked release the previous folder's.
 */
import type { RecordedEvent } from '../core/envelope.js';
import { DomainError, NotFoundError } from '../core/errors.js';
import { release, reserve, type Reservation } from '../core/reservation.js';
import { firmDecider } from '../firm/decider.js';
import {
  linkFolderData,
  recordFolderSyncData,
  recordFolderSyncFailureData,
  unlinkFolderData,
  type FolderLinkCommand,
  type resolvedDriveItem,
} from '../folder-link/commands.js';
import { folderLinkDecider, folderReservationKey } from '../folder-link/decider.js';
import { parseFolderUrl, type FolderUrl } from '../folder-link/folder-url.js';
import { listOf, MAX_BULK_ITEMS } from '../core/limits.js';
import { streams } from '../streams.js';
import { z } from 'zod';
import { attempt, type ItemError } from './batch.js';
import type { AppContext, Caller } from './context.js';
import { refuseEarly } from './early-refusal.js';
import { parseRequest } from './input.js';
import { followUp, loadActiveClient, loadClient, requireFirmSide, type ProcessCaller } from './tenant-guards.js';
import { latest, type Written } from './written.js';

/** The folder as the Graph layer resolved the pasted address. */
export type DriveItemFacts = z.input<typeof resolvedDriveItem>;

export const linkFolderInput = linkFolderData.omit({ connectedDriveId: true }).partial({ driveItem: true });

/** What the HTTP routes take: the pasted address only; the server resolves it. */
export const linkFolderByUrlInput = linkFolderInput.omit({ driveItem: true });

/** One client's row: the pasted folder address (and, from a host that resolved it itself, the drive item). */
export type FolderLinkInput = z.input<typeof linkFolderInput>;

/** `revision`: the client's folder link stream's. */
export interface FolderLinkResult extends Written {
  clientId: string;
  driveId: string;
  itemId: string;
  folderName: string;
  change: 'linked' | 'relinked' | 'unchanged';
}

export type FolderRowResult = { clientId: string; ok: true; link: FolderLinkResult } | { clientId: string; ok: false; error: ItemError };

export const saveAllInput = z.strictObject({ links: listOf(linkFolderInput, MAX_BULK_ITEMS, 'folder rows') });
export const saveAllByUrlInput = z.strictObject({ links: listOf(linkFolderByUrlInput, MAX_BULK_ITEMS, 'folder rows') });

const FOLDER_KIND = 'onedrive-folder';

const folderReservation = (tenantId: string, clientId: string, driveId: string, itemId: string): Reservation => ({
  kind: FOLDER_KIND,
  key: folderReservationKey(tenantId, driveId, itemId),
  ownerId: clientId,
});

async function requireOneDriveConnected(ctx: AppContext, tenantId: string): Promise<void> {
  const { state } = await ctx.load(firmDecider, streams.firm(tenantId));
  if (state.status === 'new' || state.id !== tenantId) throw new NotFoundError('firm.not_found', 'This firm does not exist.');
  if (state.oneDrive.status !== 'connected') {
    throw new DomainError('firm.onedrive_not_connected', "OneDrive is not connected for this firm. Connect the firm's OneDrive before linking folders.");
  }
}

/**
 * Releases the folder the client's last link change gave up. Reading it from the stream (not from
 * this request's events) lets a rerun after a crash release what the first run did not.
 * Returns the position of the release (null: nothing was released).
 */
async function releaseGivenUpFolder(ctx: AppContext, caller: ProcessCaller, clientId: string): Promise<number | null> {
  const [last] = (await ctx.log.readStream(streams.folderLink(clientId), { direction: 'backwards', maxCount: 1 })) as RecordedEvent[];
  if (last?.type === 'FolderRelinked') {
    const data = last.data as { previousDriveId: string; previousItemId: string };
    return release(ctx.reservations, folderReservation(caller.tenantId, clientId, data.previousDriveId, data.previousItemId), caller);
  }
  if (last?.type === 'FolderUnlinked') {
    const data = last.data as { driveId: string; itemId: string };
    return release(ctx.reservations, folderReservation(caller.tenantId, clientId, data.driveId, data.itemId), caller);
  }
  return null;
}

/** Links (or relinks) a client to a OneDrive Personal folder of the firm's connected account. */
export async function linkFolder(ctx: AppContext, caller: ProcessCaller, input: FolderLinkInput): Promise<FolderLinkResult> {
  const data = parseRequest(caller, linkFolderInput, input);
  await requireFirmSide(ctx, caller);
  const parsed = parseFolderUrl(data.folderUrl);
  const request = ctx.correlate(caller);
  const client = await loadActiveClient(ctx, caller.tenantId, data.clientId);
  await requireOneDriveConnected(ctx, caller.tenantId);
  const resolved = await resolveFolder(ctx, caller.tenantId, data, parsed);

  const stream = streams.folderLink(client.id);
  const command = { type: 'LinkFolder' as const, data: { clientId: data.clientId, folderUrl: data.folderUrl, ...resolved } };
  // Refused before the folder is claimed, so a refusal writes nothing.
  const { state: before } = await refuseEarly(ctx, folderLinkDecider, stream, command, request);
  const { driveId, itemId } = resolved.driveItem;
  const reservation = folderReservation(caller.tenantId, client.id, driveId, itemId);
  const heldBefore = before.folder !== null && folderReservationKey(caller.tenantId, before.folder.driveId, before.folder.itemId) === reservation.key;
  try {
    await reserve(ctx.reservations, reservation, request);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'reservation.taken') {
      throw new DomainError('folder_link.folder_taken', 'This OneDrive folder is already linked to another client of your firm.');
    }
    throw error;
  }
  let linked;
  try {
    linked = await ctx.execute(folderLinkDecider, stream, command, request);
  } catch (error) {
    if (!heldBefore) await release(ctx.reservations, reservation, followUp(request));
    throw error;
  }
  const released = await releaseGivenUpFolder(ctx, followUp(request), client.id);
  const [first] = linked.events;
  const change = first?.type === 'FolderLinked' ? 'linked' : first?.type === 'FolderRelinked' ? 'relinked' : 'unchanged';
  const written = { revision: linked.nextExpectedRevision, position: latest(linked.position, released) };
  return { clientId: client.id, driveId, itemId, folderName: resolved.driveItem.name, change, ...written };
}

/** The drive item the input names, else what the FolderResolver port finds the address names. */
async function resolveFolder(
  ctx: AppContext,
  firmId: string,
  data: { folderUrl: string; driveItem?: DriveItemFacts | undefined },
  parsed: FolderUrl,
): Promise<{ driveItem: DriveItemFacts; connectedDriveId?: string }> {
  if (data.driveItem !== undefined) return { driveItem: data.driveItem };
  const resolver = ctx.deps.folderResolver;
  if (resolver === undefined) {
    throw new DomainError('folder_link.resolver_missing', 'This portal cannot look up OneDrive folders: OneDrive is not configured.');
  }
  return resolver.resolve(firmId, data.folderUrl.trim(), parsed);
}

/**
 * "Save all changes" on the client list: one LinkFolder per row of `links`; a refused row leaves the
 * others saved. Malformed rows refuse the whole request before any row is saved.
 */
export async function saveAllFolderLinks(
  ctx: AppContext,
  caller: ProcessCaller,
  input: z.input<typeof saveAllInput>,
): Promise<{ results: FolderRowResult[]; position: number | null }> {
  const { links } = parseRequest(caller, saveAllInput, input);
  await requireFirmSide(ctx, caller);
  const request = ctx.correlate(caller);
  const results: FolderRowResult[] = [];
  let position: number | null = null;
  for (const row of links) {
    const outcome = await attempt(() => linkFolder(ctx, request, row));
    results.push(outcome.ok ? { clientId: row.clientId, ok: true, link: outcome.value } : { clientId: row.clientId, ok: false, error: outcome.error });
    if (outcome.ok) position = latest(position, outcome.value.position);
  }
  return { results, position };
}

/** Unlinks the client's folder and frees it for another client (also for an archived client). `revision`: the folder link stream's. */
export async function unlinkFolder(
  ctx: AppContext,
  caller: ProcessCaller,
  input: z.input<typeof unlinkFolderData>,
): Promise<Written & { clientId: string; changed: boolean }> {
  const { clientId } = parseRequest(caller, unlinkFolderData, input);
  await requireFirmSide(ctx, caller);
  const request = ctx.correlate(caller);
  const client = await loadClient(ctx, caller.tenantId, clientId);
  let unlinked;
  try {
    unlinked = await ctx.execute(folderLinkDecider, streams.folderLink(client.id), { type: 'UnlinkFolder', data: { clientId: client.id } }, request);
  } catch (error) {
    // Also after 'folder_link.not_linked': a rerun finishes the release a crash interrupted.
    await releaseGivenUpFolder(ctx, followUp(request), client.id);
    throw error;
  }
  const released = await releaseGivenUpFolder(ctx, followUp(request), client.id);
  const written = { revision: unlinked.nextExpectedRevision, position: latest(unlinked.position, released) };
  return { clientId: client.id, changed: unlinked.events.length > 0, ...written };
}

/** The client's linked folder, or null. */
export async function getFolderLink(ctx: AppContext, caller: Caller, input: z.input<typeof unlinkFolderData>) {
  const { clientId } = parseRequest(caller, unlinkFolderData, input);
  await requireFirmSide(ctx, caller);
  const client = await loadClient(ctx, caller.tenantId, clientId);
  const { state } = await ctx.load(folderLinkDecider, streams.folderLink(client.id));
  return state.folder;
}

/** The sync reports a finished round of the client's folder (a system process; FolderSynced when it says something new). */
export async function recordFolderSync(ctx: AppContext, caller: ProcessCaller, input: z.input<typeof recordFolderSyncData>): Promise<Written & { changed: boolean }> {
  const data = parseRequest(caller, recordFolderSyncData, input);
  return recordSyncOutcome(ctx, caller, data.clientId, { type: 'RecordFolderSync', data });
}

/**
 * Sync reports are the OneDrive sync process's own (a system actor): staff could otherwise forge
 * the folder's sync state ("synced", item counts, errors) through the HTTP routes.
 */
function requireSyncProcess(caller: ProcessCaller): void {
  if (caller.actor.kind !== 'system') {
    throw new DomainError('folder_link.sync_process_only', "Only the OneDrive sync records the results of a folder's sync.");
  }
}

/** The sync reports that the folder's sync stopped on an error (FolderSyncFailed once per kind of error). */
export async function recordFolderSyncFailure(
  ctx: AppContext,
  caller: ProcessCaller,
  input: z.input<typeof recordFolderSyncFailureData>,
): Promise<Written & { changed: boolean }> {
  const data = parseRequest(caller, recordFolderSyncFailureData, input);
  return recordSyncOutcome(ctx, caller, data.clientId, { type: 'RecordFolderSyncFailure', data });
}

/** Either report, on the client's folder link: the sync process only, inside its firm. */
async function recordSyncOutcome(ctx: AppContext, caller: ProcessCaller, clientId: string, command: FolderLinkCommand): Promise<Written & { changed: boolean }> {
  requireSyncProcess(caller);
  await requireFirmSide(ctx, caller);
  const client = await loadClient(ctx, caller.tenantId, clientId);
  const done = await ctx.execute(folderLinkDecider, streams.folderLink(client.id), command, ctx.correlate(caller));
  return { revision: done.nextExpectedRevision, position: done.position, changed: done.events.length > 0 };
}
