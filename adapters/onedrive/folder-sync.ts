/**
 * One poll of one linked folder, as src/sync's recipe says: page through the round (storing the
 * state after each page, so a crash or a reset resumes from the last page applied), act on faults
 * as onFault decides, then finish the round: download what it asks for into the blob store,
 * verified, before each document change is appended; store the state with what failed withheld;
 * report to the folder link.
 */
import type { Portal } from '../../src/application/portal.js';
import type { Caller } from '../../src/application/context.js';
import type { BlobStore } from '../../src/core/blob-store.js';
import { PortalError } from '../../src/core/errors.js';
import type { ReconnectReason } from '../../src/firm/events.js';
import { syncedChangeInput, type Decision, type StoredContent } from '../../src/sync/decision.js';
import { parseDrivePage, type DrivePage } from '../../src/sync/drive-item.js';
import { defaultRetryPolicy, onFault, type RetryPolicy } from '../../src/sync/faults.js';
import { finishRound, withhold } from '../../src/sync/finish-round.js';
import { failureReport, roundProblem, roundReport } from '../../src/sync/report.js';
import { applyPage, nextFetch, type Fetch } from '../../src/sync/round.js';
import { initialSyncState, type FolderSyncState } from '../../src/sync/state.js';
import { faultOf, reconnectNeeded, type OneDriveGraph } from './graph.js';
import type { SyncedFolder, SyncStore } from './sync-store.js';
import { DownloadError, downloadInto } from './transfer.js';

export interface SyncLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface FolderSyncDeps {
  portal: Portal;
  graph: OneDriveGraph;
  blobs: BlobStore;
  store: SyncStore;
  log: SyncLog;
  now: () => Date;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
  policy?: RetryPolicy;
  /** Largest file taken from OneDrive (bytes). */
  maxFileBytes: number;
  /** Decisions of a round applied at once (APPLY_CONCURRENCY by default). */
  applyConcurrency?: number;
  /** Called once a firm's connection is found dead (the runner stops polling the firm). */
  onNeedsReconnect(firmId: string, reason: ReconnectReason): Promise<void>;
}

export type PollOutcome = 'synced' | 'unchanged' | 'stopped' | 'needs-reconnect' | 'unlinked';

export const syncCaller = (firmId: string): Caller => ({ tenantId: firmId, actor: { kind: 'system', name: 'onedrive-sync' } });

const enc = encodeURIComponent;

function firstUrl(fetch: Exclude<Fetch, { kind: 'finish' }>): string {
  if (fetch.url !== null) return fetch.url;
  if (fetch.kind === 'delta') return `/drives/${enc(fetch.driveId)}/items/${enc(fetch.itemId)}/delta`;
  return `/drives/${enc(fetch.driveId)}/items/${enc(fetch.folderId)}/children`;
}

class UnreadablePage extends Error {}

/** The page as src/sync takes it; a malformed one is an UnreadablePage (a fault, recorded like the others). */
function pageOf(json: unknown): DrivePage {
  try {
    return parseDrivePage(json);
  } catch (error) {
    const issue = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues?.[0];
    throw new UnreadablePage(issue ? `${issue.path.map(String).join('.')}: ${issue.message}` : (error as Error).message);
  }
}

/** Polls the folder once. */
export async function pollFolder(deps: FolderSyncDeps, folder: SyncedFolder): Promise<PollOutcome> {
  const { store, graph, log } = deps;
  let state = folder.state ?? initialSyncState(folder.driveId, folder.itemId);
  const save = (next: FolderSyncState) => store.saveState(folder.clientId, (state = next));
  // Failures in a row of the request in hand, per kind: a 429 before a 401 still lets the 401 refresh the token.
  const attempts = new Map<string, number>();
  let pages = 0;
  for (;;) {
    const next = nextFetch(state);
    if (next.kind === 'finish') break;
    let page: DrivePage;
    try {
      page = pageOf(await graph.getOnce(folder.firmId, graph.relative(firstUrl(next))));
    } catch (error) {
      const reconnect = reconnectNeeded(error);
      if (reconnect !== null) {
        await deps.onNeedsReconnect(folder.firmId, reconnect.reason);
        return 'needs-reconnect';
      }
      const fault = error instanceof UnreadablePage ? ({ kind: 'unreadable', message: error.message } as const) : faultOf(error, next.kind === 'delta');
      const attempt = (attempts.get(fault.kind) ?? 0) + 1;
      attempts.set(fault.kind, attempt);
      const decided = onFault(state, fault, attempt, deps.random, deps.now().toISOString(), deps.policy ?? defaultRetryPolicy);
      save(decided.state);
      const action = decided.action;
      if (action.kind === 'retry') await deps.sleep(action.delayMs);
      else if (action.kind === 'refresh-token') graph.forFirm(folder.firmId).refreshToken();
      else if (action.kind === 'restart') attempts.clear();
      else if (action.kind === 'needs-reconnect') {
        await deps.onNeedsReconnect(folder.firmId, action.reason);
        return 'needs-reconnect';
      } else {
        log.warn({ clientId: folder.clientId, code: action.code }, 'folder sync stopped');
        return (await report(deps, folder, state)) ? 'stopped' : 'unlinked';
      }
      continue;
    }
    attempts.clear();
    pages++;
    save(applyPage(state, page).state);
  }
  const before = state;
  const result = finishRound(before, deps.now().toISOString(), { maxFileBytes: deps.maxFileBytes });
  if (result.state.folderGone) {
    save(result.state);
    return (await report(deps, folder, state)) ? 'stopped' : 'unlinked';
  }
  const failed: { itemId: string; reason: string }[] = [];
  const stopped = await applyDecisions(deps, folder, result.decisions, failed);
  if (stopped !== null) return stopped;
  for (const skip of result.skipped) log.warn({ clientId: folder.clientId, itemId: skip.itemId, reason: skip.reason }, 'file skipped');
  const stored = withhold(before, result.state, failed.map((f) => f.itemId));
  save(stored);
  try {
    await deps.portal.folders.recordFolderSync(syncCaller(folder.firmId), roundReport(folder.clientId, before, result, stored, roundProblem(result, failed)));
  } catch (error) {
    if (error instanceof PortalError && error.code === 'folder_link.not_this_folder') return 'unlinked';
    throw error;
  }
  log.info({ clientId: folder.clientId, pages, decisions: result.decisions.length, failed: failed.length }, 'folder synced');
  return result.decisions.length === 0 && pages <= 1 ? 'unchanged' : 'synced';
}

/** Decisions applied at once by default: downloads overlap, blob fsyncs overlap, appends share group commits. */
export const APPLY_CONCURRENCY = 8;

/**
 * Applies the round's decisions, a few at once (each is its own document, and the round's state is
 * stored only after all of them, so a crash applies them all again, each idempotently): content
 * downloaded and checked into the blob store first, then the document change. The items that
 * failed go to `failed` (decided again next round); a folder no longer synced or a dead connection
 * stops the round (the changes under way finish first).
 */
async function applyDecisions(deps: FolderSyncDeps, folder: SyncedFolder, decisions: Decision[], failed: { itemId: string; reason: string }[]): Promise<PollOutcome | null> {
  const { graph, log } = deps;
  let stop: PollOutcome | null = null;
  let reconnect: ReconnectReason | null = null;
  let next = 0;
  const applyOne = async (decision: Decision) => {
    let settle: () => void = () => undefined;
    const hold = new Promise<void>((resolve) => (settle = resolve));
    let downloading = false;
    try {
      let content: StoredContent | undefined;
      if (decision.kind === 'upserted' && decision.download !== null) {
        downloading = true;
        content = await downloadInto(deps.blobs, graph, folder, decision.download, { maxBytes: deps.maxFileBytes, hold });
        downloading = false;
      }
      await deps.portal.documents.applySyncedChange(syncCaller(folder.firmId), syncedChangeInput(folder.clientId, decision, content));
    } catch (error) {
      if (error instanceof PortalError && (error.code === 'document.folder_not_linked' || error.code === 'client.archived')) {
        log.warn({ clientId: folder.clientId, code: error.code }, 'folder no longer synced');
        stop ??= 'unlinked';
      } else if (reconnectNeeded(error) !== null) {
        reconnect ??= reconnectNeeded(error)!.reason;
        stop ??= 'needs-reconnect';
      } else {
        // Decided again next round (withhold), whatever went wrong with this one item.
        log.warn({ clientId: folder.clientId, itemId: decision.itemId, reason: (error as Error).message }, 'synced change not applied');
        const reason = error instanceof DownloadError ? error.message : downloading ? 'its download did not complete' : 'its change could not be applied';
        failed.push({ itemId: decision.itemId, reason });
      }
    } finally {
      settle();
    }
  };
  const worker = async () => {
    while (stop === null && next < decisions.length) await applyOne(decisions[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(deps.applyConcurrency ?? APPLY_CONCURRENCY, decisions.length) }, worker));
  if (reconnect !== null) await deps.onNeedsReconnect(folder.firmId, reconnect);
  return stop;
}

/** Records the stop (or the folder gone) on the folder link; false when the client is no longer linked to it. */
async function report(deps: FolderSyncDeps, folder: SyncedFolder, state: FolderSyncState): Promise<boolean> {
  const failure = failureReport(folder.clientId, state);
  if (failure === null) return true;
  try {
    await deps.portal.folders.recordFolderSyncFailure(syncCaller(folder.firmId), failure);
    return true;
  } catch (error) {
    if (error instanceof PortalError && error.code === 'folder_link.not_this_folder') return false;
    throw error;
  }
}
