/**
 * Documents in a client's space: uploads by the firm or by a contact, changes, removal, downloads
 * and views (the per-document audit trail), and the firm's "Sync" to the client's OneDrive folder.
 *
 * Blob contents are out of scope here (the blob port comes with the HTTP/blob issue): inputs carry
 * size, contentHash (`sha256:` + hex of the stored bytes) and blobRef of content already stored.
 *
 * Facts passed to the decider: visibleToContact = canSee(the contact's access, the document) for
 * downloads and views; folderLinked (the client's FolderLink) for MarkForOneDriveSync.
 * The OneDrive sync reports each change of the linked folder through applySyncedChange.
 * Process rules left to later issues: a client upload tells the firm by email (the mail process
 * reads origin 'client_upload'); DocumentMarkedForOneDriveSync → the OneDrive adapter uploads and
 * reports back through recordOneDriveUpload.
 */
import { z } from 'zod';
import { DomainError, NotFoundError, PortalError } from '../core/errors.js';
import { idempotencyKey } from '../core/idempotency.js';
import { holderOf, release, reserve } from '../core/reservation.js';
import {
  applySyncedChangeData,
  markForOneDriveSyncData,
  moveDocumentData,
  recordDocumentAccessData,
  recordOneDriveUploadFailedData,
  recordOneDriveUploadSucceededData,
  removeDocumentData,
  renameDocumentData,
  uploadDocumentData,
  uploadNewVersionData,
} from '../document/commands.js';
import { documentDecider } from '../document/decider.js';
import { DRIVE_ITEM_RESERVATION, driveItemReservation, syncedDocumentId } from '../document/onedrive.js';
import type { ExistingDocument } from '../document/state.js';
import { folderLinkDecider } from '../folder-link/decider.js';
import { canSee } from '../portal-access/shared-items.js';
import type { PortalAccessState } from '../portal-access/decider.js';
import { streams } from '../streams.js';
import type { AppContext, Caller } from './context.js';
import { refuseEarly } from './early-refusal.js';
import { parseRequest } from './input.js';
import { loadAccess } from './issue-invitation.js';
import { loadActiveClient, loadInTenant, requireFirmSide, requireMember, type ProcessCaller } from './tenant-guards.js';

/** A document as the portal shows it (the blob itself is fetched by blobRef elsewhere). */
export type DocumentView = Omit<ExistingDocument, never>;

/** Content already stored as a blob: its size, hash and reference. */
export type DocumentContent = Pick<z.input<typeof uploadNewVersionData>, 'size' | 'contentHash' | 'blobRef'>;

const notFound = () => new NotFoundError('document.not_found', 'This document does not exist.');

/** The document inside the caller's tenant. */
async function loadDocument(ctx: AppContext, tenantId: string, documentId: string): Promise<ExistingDocument> {
  const { state } = await loadInTenant(ctx, documentDecider, streams.document(documentId), tenantId, notFound);
  if (state.status === 'none') throw notFound();
  return state;
}

/**
 * A contact acts on a client's documents only with active portal access to that client: pending
 * access has no password yet, closed access lets nothing through.
 */
export async function requireActiveAccess(ctx: AppContext, caller: Caller, clientId: string): Promise<PortalAccessState> {
  if (caller.actor.kind !== 'contact') throw new Error('requireActiveAccess is for contacts');
  const access = await loadAccess(ctx, caller.tenantId, caller.actor.contactId);
  requireAccessTo(access, clientId);
  return access;
}

/** The rule of requireActiveAccess over a contact's access as it stands (`none`: never opened). */
export function requireAccessTo(access: { clientId: string | null; status: PortalAccessState['status'] }, clientId: string): void {
  if (access.clientId !== clientId || access.status === 'none') {
    throw new DomainError('portal_access.not_open', 'You have no portal access to this client.');
  }
  if (access.status === 'closed') throw new DomainError('portal_access.closed', 'Portal access for this contact is closed.');
  if (access.status !== 'active') throw new DomainError('portal_access.not_activated', 'This contact has not activated their portal access yet.');
}

/**
 * A contact's access to the client a document belongs to. Another client's document reads as one
 * that does not exist, so a contact cannot learn which documents the firm holds for others.
 */
async function accessToDocument(ctx: AppContext, caller: Caller, clientId: string): Promise<PortalAccessState> {
  try {
    return await requireActiveAccess(ctx, caller, clientId);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'portal_access.not_open') throw notFound();
    throw error;
  }
}

/**
 * Loads a document about to change: its client must not be archived (an archived client refuses
 * every change), and a contact needs active access to that client.
 */
async function documentFor(ctx: AppContext, caller: Caller, documentId: string) {
  const document = await loadDocument(ctx, caller.tenantId, documentId);
  await loadActiveClient(ctx, caller.tenantId, document.clientId);
  if (caller.actor.kind !== 'contact') await requireFirmSide(ctx, caller);
  const access = caller.actor.kind === 'contact' ? await accessToDocument(ctx, caller, document.clientId) : null;
  return { document, access };
}

async function run(ctx: AppContext, caller: ProcessCaller, documentId: string, command: Parameters<typeof documentDecider.decide>[0]) {
  const { events, state, nextExpectedRevision, position } = await ctx.execute(documentDecider, streams.document(documentId), command, ctx.correlate(caller));
  if (state.status === 'none') throw notFound();
  // `revision`: the document stream's.
  return { document: state as DocumentView, revision: nextExpectedRevision, position, changed: events.length > 0 };
}

export const uploadDocumentInput = uploadDocumentData.partial({ documentId: true }).extend({ idempotencyKey: idempotencyKey.optional() });

/**
 * Uploads a new document: by the firm (origin firm_upload, anywhere in the client's space) or by a
 * contact with active access (origin client_upload, inside 'Uploads'). Retry-safe with an
 * `idempotencyKey` (or a documentId chosen by the host); else the documentId is made here.
 */
export async function uploadDocument(
  ctx: AppContext,
  caller: ProcessCaller,
  asked: z.input<typeof uploadDocumentInput>,
) {
  const { idempotencyKey: key, ...input } = parseRequest(caller, uploadDocumentInput, asked);
  const client = await loadActiveClient(ctx, caller.tenantId, input.clientId);
  if (caller.actor.kind === 'contact') {
    requireMember(client, caller.actor.contactId);
    await requireActiveAccess(ctx, caller, client.id);
  } else {
    await requireFirmSide(ctx, caller);
  }
  const { folderPath, name, size, contentHash, blobRef } = input;
  const upload = async (documentId: string) => {
    // An id the host chose must not reach into another firm's document.
    await loadInTenant(ctx, documentDecider, streams.document(documentId), caller.tenantId, notFound);
    const data = { documentId, clientId: client.id, folderPath, name, size, contentHash, blobRef };
    try {
      return await run(ctx, caller, documentId, { type: 'UploadDocument', data });
    } catch (error) {
      // An earlier attempt with the key (crashed, or concurrent) uploaded it: that is the result.
      if (!(key !== undefined && error instanceof PortalError && error.code === 'document.already_exists')) throw error;
      return { ...(await documentAsItStands(ctx, caller.tenantId, documentId)), changed: true };
    }
  };
  return ctx.once(caller, {
    operation: 'uploadDocument',
    key,
    input,
    create: (keyedId) => upload(input.documentId ?? keyedId),
    // File names are personal data: the key stream keeps where the document is, and a retry reads it again.
    record: ({ document, revision, position, changed }) => ({ documentId: document.documentId, revision, position, changed }),
    replay: async ({ documentId, ...written }) => ({
      ...(written as { revision: number; position: number; changed: boolean }),
      document: await loadDocument(ctx, caller.tenantId, documentId as string),
    }),
  });
}

async function documentAsItStands(ctx: AppContext, tenantId: string, documentId: string) {
  const [last] = await ctx.log.readStream(streams.document(documentId), { direction: 'backwards', maxCount: 1 });
  return { document: await loadDocument(ctx, tenantId, documentId), revision: last!.revision, position: last!.position };
}

/** New content for a document (a contact only for their own uploads). Same content hash: nothing changes. */
export async function uploadNewVersion(ctx: AppContext, caller: ProcessCaller, input: z.input<typeof uploadNewVersionData>) {
  const data = parseRequest(caller, uploadNewVersionData, input);
  const { document } = await documentFor(ctx, caller, data.documentId);
  // Only a document already in OneDrive needs the fact (its new version follows it there).
  const folderLinked = document.driveItemId !== null ? (await ctx.load(folderLinkDecider, streams.folderLink(document.clientId))).state.folder !== null : false;
  return run(ctx, caller, data.documentId, { type: 'UploadNewVersion', data: { ...data, folderLinked } });
}

/** Renames a document (a contact only their own uploads). */
export async function renameDocument(ctx: AppContext, caller: ProcessCaller, input: z.input<typeof renameDocumentData>) {
  const data = parseRequest(caller, renameDocumentData, input);
  await documentFor(ctx, caller, data.documentId);
  return run(ctx, caller, data.documentId, { type: 'RenameDocument', data });
}

/** Moves a document to another folder of the client's space (a contact: only within 'Uploads'). */
export async function moveDocument(ctx: AppContext, caller: ProcessCaller, input: z.input<typeof moveDocumentData>) {
  const data = parseRequest(caller, moveDocumentData, input);
  await documentFor(ctx, caller, data.documentId);
  return run(ctx, caller, data.documentId, { type: 'MoveDocument', data });
}

/** Removes a document. A contact can remove only their own uploads, never the firm's files. */
export async function removeDocument(ctx: AppContext, caller: ProcessCaller, input: z.input<typeof removeDocumentData>) {
  const data = parseRequest(caller, removeDocumentData, input);
  await documentFor(ctx, caller, data.documentId);
  return run(ctx, caller, data.documentId, { type: 'RemoveDocument', data });
}

export const accessInput = recordDocumentAccessData.omit({ visibleToContact: true });
type AccessInput = z.input<typeof accessInput>;

async function recordAccess(ctx: AppContext, caller: ProcessCaller, asked: AccessInput, type: 'RecordDocumentDownloaded' | 'RecordDocumentViewed') {
  const input = parseRequest(caller, accessInput, asked);
  if (caller.actor.kind !== 'contact') {
    throw new DomainError('document.not_a_contact', "Only a client contact's downloads and views are recorded.");
  }
  const document = await loadDocument(ctx, caller.tenantId, input.documentId);
  const access = await accessToDocument(ctx, caller, document.clientId);
  const visibleToContact = canSee(access, {
    folderPath: document.folderPath,
    documentId: document.documentId,
    uploadedByContactId: document.uploadedByContactId,
  });
  return run(ctx, caller, input.documentId, { type, data: { ...input, visibleToContact } });
}

/** A contact downloads a document: recorded when it is shared with them, else 'document.not_shared'. */
export function recordDownload(ctx: AppContext, caller: ProcessCaller, input: AccessInput) {
  return recordAccess(ctx, caller, input, 'RecordDocumentDownloaded');
}

/** A contact opens a document in the viewer: recorded when it is shared with them, else 'document.not_shared'. */
export function recordView(ctx: AppContext, caller: ProcessCaller, input: AccessInput) {
  return recordAccess(ctx, caller, input, 'RecordDocumentViewed');
}

export const markForOneDriveSyncInput = markForOneDriveSyncData.omit({ folderLinked: true });

/** The firm's "Sync": the document is to be uploaded to the client's linked OneDrive folder. */
export async function markForOneDriveSync(ctx: AppContext, caller: ProcessCaller, input: z.input<typeof markForOneDriveSyncInput>) {
  const { documentId } = parseRequest(caller, markForOneDriveSyncInput, input);
  const { document } = await documentFor(ctx, caller, documentId);
  const { state: link } = await ctx.load(folderLinkDecider, streams.folderLink(document.clientId));
  return run(ctx, caller, documentId, { type: 'MarkForOneDriveSync', data: { documentId, folderLinked: link.folder !== null } });
}

export const oneDriveUploadOutcome = z.discriminatedUnion('outcome', [
  recordOneDriveUploadSucceededData.extend({ outcome: z.literal('succeeded') }),
  recordOneDriveUploadFailedData.extend({ outcome: z.literal('failed') }),
]);

export type OneDriveUploadOutcome = z.input<typeof oneDriveUploadOutcome>;

/** What the OneDrive adapter reports after uploading a document marked for sync. */
export async function recordOneDriveUpload(ctx: AppContext, caller: ProcessCaller, asked: OneDriveUploadOutcome) {
  const input = parseRequest(caller, oneDriveUploadOutcome, asked);
  // The upload already happened: its outcome is recorded even if the client was archived meanwhile.
  await requireFirmSide(ctx, caller);
  const document = await loadDocument(ctx, caller.tenantId, input.documentId);
  if (input.outcome === 'failed') {
    return run(ctx, caller, input.documentId, { type: 'RecordOneDriveUploadFailed', data: { documentId: input.documentId, reason: input.reason } });
  }
  const { outcome: _outcome, ...data } = input;
  const command = { type: 'RecordOneDriveUploadSucceeded' as const, data };
  const request = ctx.correlate(caller);
  // Refused before the drive item is claimed, so a refusal writes nothing.
  await refuseEarly(ctx, documentDecider, streams.document(input.documentId), command, request);
  // The item is claimed for this document first, so the sync's next look at it finds the original.
  const reservation = driveItemReservation(document.clientId, data.driveItemId, data.documentId);
  const heldBefore = (await holderOf(ctx.reservations, reservation.kind, reservation.key)) === data.documentId;
  try {
    await reserve(ctx.reservations, reservation, request);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'reservation.taken') {
      throw new DomainError('document.drive_item_taken', 'This OneDrive item already belongs to another document of the client.');
    }
    throw error;
  }
  try {
    return await run(ctx, request, input.documentId, command);
  } catch (error) {
    if (!heldBefore) await release(ctx.reservations, reservation, request);
    throw error;
  }
}

/** The document a drive item's changes go to: the one the portal uploaded it from, else its synced document. */
async function documentOfDriveItem(ctx: AppContext, clientId: string, driveItemId: string): Promise<string> {
  const synced = syncedDocumentId(clientId, driveItemId);
  return (await holderOf(ctx.reservations, DRIVE_ITEM_RESERVATION, synced)) ?? synced;
}

/**
 * One document. The firm sees any of its documents, removed ones included; a contact only what is
 * shared with them and not removed ('document.not_shared' otherwise, as for downloads).
 */
export async function getDocument(ctx: AppContext, caller: Caller, input: z.input<typeof removeDocumentData>): Promise<DocumentView> {
  const { documentId } = parseRequest(caller, removeDocumentData, input);
  const document = await loadDocument(ctx, caller.tenantId, documentId);
  if (caller.actor.kind === 'contact') {
    if (document.status === 'removed') throw notFound();
    const access = await accessToDocument(ctx, caller, document.clientId);
    const visible = canSee(access, document);
    if (!visible) throw new DomainError('document.not_shared', 'This document is not shared with you.');
  }
  return document;
}

export const applySyncedChangeInput = applySyncedChangeData.omit({ documentId: true });

/**
 * The OneDrive sync applies one change of an item in the client's linked folder (a system process
 * or staff; never a contact). The document is the one the portal uploaded the item from, else the
 * item's synced document, syncedDocumentId(clientId, driveItemId), so the same change applied twice
 * decides nothing the second time.
 */
export async function applySyncedChange(ctx: AppContext, caller: ProcessCaller, input: z.input<typeof applySyncedChangeInput>) {
  const data = parseRequest(caller, applySyncedChangeInput, input);
  await requireFirmSide(ctx, caller);
  const client = await loadActiveClient(ctx, caller.tenantId, data.clientId);
  const { state: link } = await ctx.load(folderLinkDecider, streams.folderLink(client.id));
  if (link.folder === null) {
    throw new DomainError('document.folder_not_linked', "This client has no linked OneDrive folder. Link the client's folder first.");
  }
  const documentId = await documentOfDriveItem(ctx, client.id, data.driveItemId);
  await loadInTenant(ctx, documentDecider, streams.document(documentId), caller.tenantId, notFound);
  return run(ctx, caller, documentId, { type: 'ApplySyncedChange', data: { ...data, documentId } });
}
