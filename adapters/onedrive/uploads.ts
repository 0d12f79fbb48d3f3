/**
 * Portal → OneDrive: a document marked for "Sync" (or the portal's copy in a conflict) uploaded
 * into the client's folder: simple PUT up to 4 MiB, else an upload session whose fragments go with
 * plain fetch (no bearer token) and our own retries, resumed from the session's status after a
 * crash or a 416. Before uploading, a file already at the place with the same size and
 * QuickXorHash that no document holds yet is taken as this upload's own (a crash after Graph stored it
 * but before the portal recorded it), so a restart never uploads twice; a file already synced as a
 * document stays that document's and the upload goes beside it (Graph's rename behaviour).
 */
import { GraphError } from '@microsoft/microsoft-graph-client';
import type { BlobStore } from '../../src/core/blob-store.js';
import { streams } from '../../src/streams.js';
import { quickXorHasher } from '../../src/sync/quick-xor-hash.js';
import { planUpload, recordConflictCopy, remainingChunks, recordUploadedItem, REPLACE_REFUSED, syncTarget, type Chunk, type SyncTarget } from '../../src/sync/upload.js';
import { syncCaller, type FolderSyncDeps } from './folder-sync.js';
import { keyOf, type SyncedFolder, type UploadJob } from './sync-store.js';

const enc = encodeURIComponent;

interface DriveItemJson {
  id: string;
  name?: string;
  size?: number;
  cTag?: string;
  eTag?: string;
  file?: { hashes?: { quickXorHash?: string } };
  folder?: object;
}

async function bytesOf(blobs: BlobStore, contentHash: string, range?: Chunk): Promise<Buffer> {
  const stream = await blobs.get(contentHash, range);
  if (stream === null) throw new Error(`The content ${contentHash} is not in the blob store.`);
  const parts: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) parts.push(chunk);
  return Buffer.concat(parts);
}

async function quickXorOfBlob(blobs: BlobStore, contentHash: string): Promise<string> {
  const stream = await blobs.get(contentHash);
  if (stream === null) throw new Error(`The content ${contentHash} is not in the blob store.`);
  const hasher = quickXorHasher();
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) hasher.update(chunk);
  return hasher.digest();
}

/** Runs the client's pending uploads (before its folder is polled, so their echoes are recognised). */
export async function runUploads(deps: FolderSyncDeps, folder: SyncedFolder): Promise<void> {
  for (const job of deps.store.uploadsOf(folder.clientId)) {
    const current = deps.store.folder(folder.clientId);
    if (current === null || current.state === null || current.state.round !== null || current.state.lastSuccessAt === null) return;
    try {
      await runUpload(deps, current, job);
      deps.store.removeUpload(job.documentId, keyOf(job));
    } catch (error) {
      if (error instanceof GraphError && error.statusCode === 507) {
        // The drive is full: recorded on the document (marking it for sync again tries again), not retried every poll.
        if (job.kind === 'sync') {
          const reason = 'The OneDrive account is full: free some space, then mark the document for sync again.';
          await deps.portal.documents.recordOneDriveUpload(syncCaller(folder.firmId), { outcome: 'failed', documentId: job.documentId, reason });
        }
        deps.store.removeUpload(job.documentId, keyOf(job));
        continue;
      }
      deps.log.warn({ documentId: job.documentId, reason: (error as Error).message }, 'upload to OneDrive not done yet');
    }
  }
}

async function runUpload(deps: FolderSyncDeps, folder: SyncedFolder, job: UploadJob): Promise<void> {
  const caller = syncCaller(folder.firmId);
  const document = await deps.portal.documents.getDocument(caller, { documentId: job.documentId });
  let target: { folderPath: string; name: string; contentHash: string; size: number };
  let place: SyncTarget = { kind: 'new' };
  if (job.kind === 'sync') {
    if (document.status === 'removed' || document.oneDrive !== 'pending') return;
    target = { folderPath: document.folderPath, name: document.name, contentHash: document.contentHash, size: document.size };
    place = syncTarget(document, folder.state!);
    if (place.kind === 'wait') throw new Error(place.reason);
  } else {
    const conflict = (await deps.portal.log.readStream(streams.document(job.documentId))).find((e) => e.id === job.eventId);
    if (!conflict) return;
    const d = conflict.data as { conflictName: string; contentHash: string; size: number };
    target = { folderPath: document.folderPath, name: d.conflictName, contentHash: d.contentHash, size: d.size };
  }
  const replace = place.kind === 'replace' ? place : null;
  const plan = planUpload({ folderPath: target.folderPath, name: target.name, size: target.size, replaceItemId: replace?.itemId ?? null, ifMatch: replace?.ifMatch ?? null });
  if (!plan.ok) {
    if (job.kind === 'sync') await deps.portal.documents.recordOneDriveUpload(caller, { outcome: 'failed', documentId: job.documentId, reason: plan.message });
    return;
  }
  const hash = await quickXorOfBlob(deps.blobs, target.contentHash);
  const same = (found: DriveItemJson | null): found is DriveItemJson => found !== null && found.size === target.size && found.file?.hashes?.quickXorHash === hash;
  // Only an item no document holds is taken as this upload's own: one synced as another document stays that document's.
  const free = (found: DriveItemJson): boolean => folder.state!.synced[found.id] === undefined && !(folder.state!.conflictCopies ?? []).includes(found.id);
  let item: DriveItemJson;
  if (replace !== null) {
    const { itemId, ifMatch } = replace;
    // Already replaced (a crash after Graph stored it, before the portal recorded it): taken as it is.
    const existing = await itemById(deps, folder, itemId);
    if (same(existing)) item = existing;
    else if (plan.transfer.kind === 'simple') item = await simpleReplace(deps, folder, itemId, ifMatch, await bytesOf(deps.blobs, target.contentHash));
    else item = await sessionUpload(deps, folder, job, { itemId, ifMatch }, target, plan.transfer.chunkSize);
  } else {
    const parentId = await ensureFolders(deps, folder, plan.folderPath);
    const existing = await itemAt(deps, folder, parentId, plan.name);
    if (same(existing) && free(existing)) item = existing;
    else if (plan.transfer.kind === 'simple') item = await simpleUpload(deps, folder, parentId, plan.name, await bytesOf(deps.blobs, target.contentHash));
    else item = await sessionUpload(deps, folder, job, { parentId, name: plan.name }, target, plan.transfer.chunkSize);
  }
  if (job.kind === 'conflict') {
    const now = deps.store.folder(folder.clientId);
    if (now?.state) deps.store.saveState(folder.clientId, recordConflictCopy(now.state, item.id));
    return;
  }
  await deps.portal.documents.recordOneDriveUpload(caller, {
    outcome: 'succeeded',
    documentId: job.documentId,
    driveItemId: item.id,
    ...(item.cTag ? { cTag: item.cTag } : {}),
    ...(item.eTag ? { eTag: item.eTag } : {}),
    // A name OneDrive forbids was sanitised: said on the document (and in its history), never silently.
    ...(plan.sanitised ? { sanitised: plan.sanitised } : {}),
  });
  const now = deps.store.folder(folder.clientId);
  if (now?.state) deps.store.saveState(folder.clientId, recordUploadedItem(now.state, item, { folderPath: document.folderPath, name: document.name }));
}

/** A replacement OneDrive refused (412): the job waits for the folder's next round (REPLACE_REFUSED). */
function refusedReplace(error: unknown): never {
  if (error instanceof GraphError && error.statusCode === 412) throw new Error(REPLACE_REFUSED);
  throw error;
}

async function itemById(deps: FolderSyncDeps, folder: SyncedFolder, itemId: string): Promise<DriveItemJson | null> {
  try {
    return (await deps.graph.forFirm(folder.firmId).client.api(`/drives/${enc(folder.driveId)}/items/${enc(itemId)}`).get()) as DriveItemJson;
  } catch (error) {
    if (error instanceof GraphError && error.statusCode === 404) return null;
    throw error;
  }
}

async function simpleReplace(deps: FolderSyncDeps, folder: SyncedFolder, itemId: string, ifMatch: string, bytes: Buffer): Promise<DriveItemJson> {
  return (await deps.graph
    .forFirm(folder.firmId)
    .client.api(`/drives/${enc(folder.driveId)}/items/${enc(itemId)}/content`)
    .header('Content-Type', 'application/octet-stream')
    .header('If-Match', ifMatch)
    .put(bytes)
    .catch(refusedReplace)) as DriveItemJson;
}

async function itemAt(deps: FolderSyncDeps, folder: SyncedFolder, parentId: string, name: string): Promise<DriveItemJson | null> {
  try {
    return (await deps.graph.forFirm(folder.firmId).client.api(`/drives/${enc(folder.driveId)}/items/${enc(parentId)}:/${enc(name)}:`).get()) as DriveItemJson;
  } catch (error) {
    if (error instanceof GraphError && error.statusCode === 404) return null;
    throw error;
  }
}

/** The id of the folder at `folderPath` inside the linked folder, creating what is missing. */
async function ensureFolders(deps: FolderSyncDeps, folder: SyncedFolder, folderPath: string): Promise<string> {
  const { client } = deps.graph.forFirm(folder.firmId);
  let parentId = folder.itemId;
  for (const name of folderPath.split('/').filter((s) => s.length > 0)) {
    const found = await itemAt(deps, folder, parentId, name);
    if (found) {
      parentId = found.id;
      continue;
    }
    const made = (await client
      .api(`/drives/${enc(folder.driveId)}/items/${enc(parentId)}/children`)
      .post({ name, folder: {}, '@microsoft.graph.conflictBehavior': 'fail' })) as DriveItemJson;
    parentId = made.id;
  }
  return parentId;
}

async function simpleUpload(deps: FolderSyncDeps, folder: SyncedFolder, parentId: string, name: string, bytes: Buffer): Promise<DriveItemJson> {
  return (await deps.graph
    .forFirm(folder.firmId)
    .client.api(`/drives/${enc(folder.driveId)}/items/${enc(parentId)}:/${enc(name)}:/content`)
    .query({ '@microsoft.graph.conflictBehavior': 'rename' })
    .header('Content-Type', 'application/octet-stream')
    .put(bytes)) as DriveItemJson;
}

const FRAGMENT_ATTEMPTS = 5;

async function sessionUpload(
  deps: FolderSyncDeps,
  folder: SyncedFolder,
  job: UploadJob,
  at: { parentId: string; name: string } | { itemId: string; ifMatch: string },
  target: { contentHash: string; size: number },
  chunkSize: number,
): Promise<DriveItemJson> {
  const key = keyOf(job);
  let uploadUrl = job.session;
  let chunks: Chunk[] | null = null;
  if (uploadUrl !== null) chunks = await statusChunks(uploadUrl, target.size, chunkSize);
  if (uploadUrl === null || chunks === null) {
    const { client } = deps.graph.forFirm(folder.firmId);
    const session = (
      'itemId' in at
        ? await client
            .api(`/drives/${enc(folder.driveId)}/items/${enc(at.itemId)}/createUploadSession`)
            .header('If-Match', at.ifMatch)
            .post({ item: { '@microsoft.graph.conflictBehavior': 'replace' } })
            .catch(refusedReplace)
        : await client
            .api(`/drives/${enc(folder.driveId)}/items/${enc(at.parentId)}:/${enc(at.name)}:/createUploadSession`)
            .post({ item: { '@microsoft.graph.conflictBehavior': 'rename', name: at.name } })
    ) as { uploadUrl: string };
    uploadUrl = session.uploadUrl;
    deps.store.saveSession(job.documentId, key, uploadUrl);
    chunks = remainingChunks(target.size, chunkSize, ['0-']);
  }
  let failures = 0;
  while (chunks.length > 0) {
    const chunk = chunks[0]!;
    const bytes = await bytesOf(deps.blobs, target.contentHash, chunk);
    let response: Response;
    try {
      response = await fetch(uploadUrl, {
        method: 'PUT',
        headers: { 'Content-Range': `bytes ${chunk.start}-${chunk.end}/${target.size}`, 'Content-Length': String(bytes.byteLength) },
        body: bytes,
      });
    } catch (error) {
      if (++failures >= FRAGMENT_ATTEMPTS) throw error;
      await deps.sleep(200 * failures);
      chunks = (await statusChunks(uploadUrl, target.size, chunkSize)) ?? chunks;
      continue;
    }
    if (response.status === 200 || response.status === 201) {
      deps.store.saveSession(job.documentId, key, null);
      return (await response.json()) as DriveItemJson;
    }
    if (response.status === 202) {
      await response.body?.cancel();
      chunks = chunks.slice(1);
      failures = 0;
      continue;
    }
    await response.body?.cancel();
    if (response.status === 404) {
      deps.store.saveSession(job.documentId, key, null);
      throw new Error('The upload session expired; a new one starts next time.');
    }
    if (++failures >= FRAGMENT_ATTEMPTS) throw new Error(`An upload fragment kept failing (${response.status}).`);
    await deps.sleep(200 * failures);
    // 416: the server has other bytes than we thought; its status says what it still needs.
    chunks = (await statusChunks(uploadUrl, target.size, chunkSize)) ?? chunks;
  }
  throw new Error('The upload session ended without an item.');
}

/** What the session still needs, from its status (null: the session is gone). */
async function statusChunks(uploadUrl: string, size: number, chunkSize: number): Promise<Chunk[] | null> {
  const response = await fetch(uploadUrl).catch(() => null);
  if (response === null || !response.ok) {
    await response?.body?.cancel();
    return null;
  }
  const status = (await response.json()) as { nextExpectedRanges?: string[] };
  return remainingChunks(size, chunkSize, status.nextExpectedRanges ?? []);
}
