/**
 * Documents in a client's space: uploads by the firm or by a contact, changes, removal, downloads
 * and views (the per-document audit trail), and the firm's "Sync" to the client's OneDrive folder.
 *
 * Blob contents are out of scope here (the blob port comes with the HTTP/blob issue): inputs carry
 * size, contentHash and blobRef of content already stored.
 *
 * Facts passed to the decider: visibleToContact = canSee(the contact's access, the document) for
 * downloads and views; folderLinked (the client's FolderLink) for MarkForOneDriveSync.
 * Process rules left to later issues: a client upload tells the firm by email (the mail process
 * reads origin 'client_upload'); DocumentMarkedForOneDriveSync → the OneDrive adapter uploads and
 * reports back through recordOneDriveUpload.
 */
import { DomainError, NotFoundError } from '../core/errors.js';
import { documentDecider } from '../folder-link/document-decider.js';
import type { ExistingDocument } from '../folder-link/document-state.js';
import { folderLinkDecider } from '../folder-link/decider.js';
import { canSee } from '../portal-access/shared-items.js';
import type { PortalAccessState } from '../portal-access/decider.js';
import { streams } from '../streams.js';
import type { AppContext, Caller } from './context.js';
import { loadAccess } from './issue-invitation.js';
import { loadActiveClient, loadInTenant, requireFirmSide, requireMember, type ProcessCaller } from './tenant-guards.js';

/** A document as the portal shows it (the blob itself is fetched by blobRef elsewhere). */
export type DocumentView = Omit<ExistingDocument, never>;

export interface DocumentContent {
  size: number;
  contentHash: string;
  blobRef: string;
}

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
async function requireActiveAccess(ctx: AppContext, caller: Caller, clientId: string): Promise<PortalAccessState> {
  if (caller.actor.kind !== 'contact') throw new Error('requireActiveAccess is for contacts');
  const access = await loadAccess(ctx, caller.tenantId, caller.actor.contactId);
  if (access.clientId !== clientId || access.status === 'none') {
    throw new DomainError('portal_access.not_open', 'You have no portal access to this client.');
  }
  if (access.status === 'closed') throw new DomainError('portal_access.closed', 'Portal access for this contact is closed.');
  if (access.status !== 'active') throw new DomainError('portal_access.not_activated', 'This contact has not activated their portal access yet.');
  return access;
}

/**
 * Loads a document about to change: its client must not be archived (an archived client refuses
 * every change), and a contact needs active access to that client.
 */
async function documentFor(ctx: AppContext, caller: Caller, documentId: string) {
  const document = await loadDocument(ctx, caller.tenantId, documentId);
  await loadActiveClient(ctx, caller.tenantId, document.clientId);
  if (caller.actor.kind !== 'contact') await requireFirmSide(ctx, caller);
  const access = caller.actor.kind === 'contact' ? await requireActiveAccess(ctx, caller, document.clientId) : null;
  return { document, access };
}

async function run(ctx: AppContext, caller: ProcessCaller, documentId: string, command: Parameters<typeof documentDecider.decide>[0]) {
  const { state, nextExpectedRevision } = await ctx.execute(documentDecider, streams.document(documentId), command, ctx.correlate(caller));
  if (state.status === 'none') throw notFound();
  return { document: state as DocumentView, revision: nextExpectedRevision };
}

/**
 * Uploads a new document: by the firm (origin firm_upload, anywhere in the client's space) or by a
 * contact with active access (origin client_upload, inside 'Uploads'). The documentId may come from
 * the host (to retry safely) or is made here.
 */
export async function uploadDocument(
  ctx: AppContext,
  caller: ProcessCaller,
  input: { clientId: string; folderPath: string; name: string; documentId?: string } & DocumentContent,
) {
  const client = await loadActiveClient(ctx, caller.tenantId, input.clientId);
  if (caller.actor.kind === 'contact') {
    requireMember(client, caller.actor.contactId);
    await requireActiveAccess(ctx, caller, client.id);
  } else {
    await requireFirmSide(ctx, caller);
  }
  const documentId = input.documentId ?? ctx.deps.ids.newId();
  // An id the host chose must not reach into another firm's document.
  await loadInTenant(ctx, documentDecider, streams.document(documentId), caller.tenantId, notFound);
  const { folderPath, name, size, contentHash, blobRef } = input;
  return run(ctx, caller, documentId, {
    type: 'UploadDocument',
    data: { documentId, clientId: client.id, folderPath, name, size, contentHash, blobRef },
  });
}

/** New content for a document (a contact only for their own uploads). Same content hash: nothing changes. */
export async function uploadNewVersion(ctx: AppContext, caller: ProcessCaller, input: { documentId: string } & DocumentContent) {
  await documentFor(ctx, caller, input.documentId);
  return run(ctx, caller, input.documentId, { type: 'UploadNewVersion', data: input });
}

export async function renameDocument(ctx: AppContext, caller: ProcessCaller, input: { documentId: string; name: string }) {
  await documentFor(ctx, caller, input.documentId);
  return run(ctx, caller, input.documentId, { type: 'RenameDocument', data: input });
}

/** Moves a document to another folder of the client's space (a contact: only within 'Uploads'). */
export async function moveDocument(ctx: AppContext, caller: ProcessCaller, input: { documentId: string; folderPath: string }) {
  await documentFor(ctx, caller, input.documentId);
  return run(ctx, caller, input.documentId, { type: 'MoveDocument', data: input });
}

/** Removes a document. A contact can remove only their own uploads, never the firm's files. */
export async function removeDocument(ctx: AppContext, caller: ProcessCaller, input: { documentId: string }) {
  await documentFor(ctx, caller, input.documentId);
  return run(ctx, caller, input.documentId, { type: 'RemoveDocument', data: input });
}

type AccessInput = { documentId: string; ipAddress?: string; userAgent?: string };

async function recordAccess(ctx: AppContext, caller: ProcessCaller, input: AccessInput, type: 'RecordDocumentDownloaded' | 'RecordDocumentViewed') {
  if (caller.actor.kind !== 'contact') {
    throw new DomainError('document.not_a_contact', "Only a client contact's downloads and views are recorded.");
  }
  const document = await loadDocument(ctx, caller.tenantId, input.documentId);
  const access = await requireActiveAccess(ctx, caller, document.clientId);
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

/** The firm's "Sync": the document is to be uploaded to the client's linked OneDrive folder. */
export async function markForOneDriveSync(ctx: AppContext, caller: ProcessCaller, input: { documentId: string }) {
  const { document } = await documentFor(ctx, caller, input.documentId);
  const { state: link } = await ctx.load(folderLinkDecider, streams.folderLink(document.clientId));
  return run(ctx, caller, input.documentId, { type: 'MarkForOneDriveSync', data: { documentId: input.documentId, folderLinked: link.folder !== null } });
}

export type OneDriveUploadOutcome =
  | { documentId: string; outcome: 'succeeded'; driveItemId: string; cTag?: string; eTag?: string }
  | { documentId: string; outcome: 'failed'; reason: string };

/** What the OneDrive adapter reports after uploading a document marked for sync. */
export async function recordOneDriveUpload(ctx: AppContext, caller: ProcessCaller, input: OneDriveUploadOutcome) {
  // The upload already happened: its outcome is recorded even if the client was archived meanwhile.
  await requireFirmSide(ctx, caller);
  await loadDocument(ctx, caller.tenantId, input.documentId);
  if (input.outcome === 'failed') {
    return run(ctx, caller, input.documentId, { type: 'RecordOneDriveUploadFailed', data: { documentId: input.documentId, reason: input.reason } });
  }
  const { outcome: _outcome, ...data } = input;
  return run(ctx, caller, input.documentId, { type: 'RecordOneDriveUploadSucceeded', data });
}

/**
 * One document. The firm sees any of its documents, removed ones included; a contact only what is
 * shared with them and not removed ('document.not_shared' otherwise, as for downloads).
 */
export async function getDocument(ctx: AppContext, caller: Caller, input: { documentId: string }): Promise<DocumentView> {
  const document = await loadDocument(ctx, caller.tenantId, input.documentId);
  if (caller.actor.kind === 'contact') {
    if (document.status === 'removed') throw notFound();
    const access = await requireActiveAccess(ctx, caller, document.clientId);
    const visible = canSee(access, document);
    if (!visible) throw new DomainError('document.not_shared', 'This document is not shared with you.');
  }
  return document;
}
