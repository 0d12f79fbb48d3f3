/**
 * Content between OneDrive and the blob store: downloads streamed from the pre-authenticated URL
 * (no bearer token) into the blob store, hashed with QuickXorHash on the way and checked against
 * the listing's size and hash before anything is recorded.
 */
import type { BlobStore } from '../../src/core/blob-store.js';
import type { Download, StoredContent } from '../../src/sync/decision.js';
import { downloadProblem, quickXorHasher } from '../../src/sync/quick-xor-hash.js';
import type { OneDriveGraph } from './graph.js';

/** A download that did not arrive as listed (size, hash, or the transfer itself). */
export class DownloadError extends Error {
  override name = 'DownloadError';
}

const enc = encodeURIComponent;

/** A fresh pre-authenticated URL of the item (download URLs live about an hour and are never kept). */
async function freshDownloadUrl(graph: OneDriveGraph, firmId: string, driveId: string, itemId: string): Promise<string> {
  const item = (await graph.forFirm(firmId).client.api(`/drives/${enc(driveId)}/items/${enc(itemId)}`).get()) as Record<string, unknown>;
  const url = item['@microsoft.graph.downloadUrl'];
  if (typeof url !== 'string') throw new DownloadError(`OneDrive gave no download address for item ${itemId}.`);
  return url;
}

/**
 * Streams the item's content into the blob store and checks it; `hold` keeps the blob from being
 * deleted until the document event referring to it is recorded.
 */
export async function downloadInto(
  blobs: BlobStore,
  graph: OneDriveGraph,
  where: { firmId: string; driveId: string },
  download: Download,
  options: { maxBytes: number; hold: Promise<unknown> },
): Promise<StoredContent> {
  let url = download.downloadUrl ?? (await freshDownloadUrl(graph, where.firmId, where.driveId, download.itemId));
  let response = await fetch(url);
  if (response.status === 401 || response.status === 403 || response.status === 404 || response.status === 410) {
    // The listing's URL expired: ask for a new one, once.
    await response.body?.cancel();
    url = await freshDownloadUrl(graph, where.firmId, where.driveId, download.itemId);
    response = await fetch(url);
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new DownloadError(`Downloading item ${download.itemId} answered ${response.status}.`);
  }
  const hasher = quickXorHasher();
  let size = 0;
  const body = response.body;
  async function* counted() {
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      hasher.update(chunk);
      size += chunk.byteLength;
      yield chunk;
    }
  }
  const stored = await blobs.put(counted(), { maxBytes: options.maxBytes, holdUntil: options.hold });
  const problem = downloadProblem({ size: download.size, quickXorHash: download.quickXorHash }, { size, quickXorHash: hasher.digest() });
  if (problem !== null) throw new DownloadError(`Item ${download.itemId}: ${problem}`);
  return { size: stored.size, contentHash: stored.contentHash, blobRef: stored.contentHash };
}
