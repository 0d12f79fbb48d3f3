/**
 * The OneDrive sync of a portal process: follows the log from a checkpoint to know which folders
 * are linked, which firms are connected and which uploads are asked for (sync-store.ts), and polls
 * every linked folder of a connected firm about every `pollIntervalMs` (with jitter), a bounded
 * number at once across all firms. Before and after each poll the client's pending uploads run, so
 * their echoes are recognised. A firm whose connection is dead is marked "needs reconnect" and its
 * folders wait until it is connected again.
 */
import type { Database } from 'better-sqlite3';
import type { RecordedEvent } from '../../src/core/envelope.js';
import type { ReconnectReason } from '../../src/firm/events.js';
import { ProjectionRunner, type ProjectionTarget } from '../../projections/runner.js';
import { sqliteCheckpoints, type CheckpointStore } from '../mail/checkpoints.js';
import { pollFolder, syncCaller, type FolderSyncDeps, type PollOutcome, type SyncLog } from './folder-sync.js';
import { sqliteSyncStore, type SyncedFolder, type SyncStore } from './sync-store.js';
import { runUploads } from './uploads.js';

export interface OneDriveSyncOptions extends Omit<FolderSyncDeps, 'store' | 'onNeedsReconnect' | 'now' | 'random' | 'sleep' | 'log' | 'maxFileBytes'> {
  db: Database;
  checkpoints?: CheckpointStore;
  /** About how often each folder is polled (default 5 minutes). */
  pollIntervalMs?: number;
  /** ± this fraction of the interval, at random, so folders linked together spread out (default 0.2). */
  jitter?: number;
  /** Folders polled at once, across all firms (default 4). */
  concurrency?: number;
  /** How often due folders are looked for (default 1 s). */
  tickMs?: number;
  /** Poll on a timer (default true); tests drive `pollDue()` themselves. */
  timer?: boolean;
  maxFileBytes?: number;
  log?: SyncLog;
  now?: () => Date;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** A firm disconnected OneDrive: its tokens are forgotten. */
  onDisconnected?: (firmId: string) => void;
}

export interface OneDriveSync {
  store: SyncStore;
  /** Resolves once the sync tables reflect the log as it is now. */
  caughtUp(): Promise<void>;
  /** Polls every due folder once (bounded concurrency); returns each folder's outcome. */
  pollDue(): Promise<Map<string, PollOutcome>>;
  /** Makes every folder due now. */
  dueNow(): void;
  stop(): Promise<void>;
}

const CHECKPOINT = 'onedrive-sync';
const TYPES = [
  'FolderLinked', 'FolderRelinked', 'FolderUnlinked',
  'OneDriveConnected', 'OneDriveAccountChanged', 'OneDriveNeedsReconnect', 'OneDriveDisconnected',
  'DocumentMarkedForOneDriveSync', 'DocumentSyncConflictRecorded',
];
const quiet: SyncLog = { info: () => undefined, warn: () => undefined };

export function startOneDriveSync(options: OneDriveSyncOptions): OneDriveSync {
  const store = sqliteSyncStore(options.db);
  const checkpoints = options.checkpoints ?? sqliteCheckpoints(options.db);
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const log = options.log ?? quiet;
  const interval = options.pollIntervalMs ?? 5 * 60_000;
  const jitter = options.jitter ?? 0.2;
  const concurrency = options.concurrency ?? 4;
  const stopping = new AbortController();
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  const deps: FolderSyncDeps = {
    ...options,
    store,
    log,
    now,
    random,
    sleep,
    maxFileBytes: options.maxFileBytes ?? 256 * 1024 * 1024,
    async onNeedsReconnect(firmId: string, reason: ReconnectReason) {
      store.setFirm(firmId, 'needs_reconnect');
      log.warn({ firmId, reason }, 'OneDrive needs reconnecting; polling the firm stops');
      await options.portal.firms.markOneDriveNeedsReconnect(syncCaller(firmId), { reason }).catch((error: unknown) => {
        log.warn({ firmId, reason: (error as Error).message }, 'could not record that OneDrive needs reconnecting');
      });
    },
  };

  const target: ProjectionTarget = {
    name: CHECKPOINT,
    filter: { eventTypePrefixes: TYPES },
    checkpoint: () => checkpoints.get(CHECKPOINT),
    async applyBatch(events, checkpoint) {
      options.db.transaction(() => {
        for (const event of events) follow(store, event, options.onDisconnected);
      })();
      await checkpoints.set(CHECKPOINT, checkpoint);
    },
    reset: () => checkpoints.delete(CHECKPOINT),
  };
  const runner = new ProjectionRunner(options.portal.log, target, {
    batchSize: 200,
    onError: (error) => log.warn({ reason: (error as Error).message }, 'OneDrive sync stopped following the log'),
  });
  const started = runner.start().catch(() => undefined);

  const pollOne = async (folder: SyncedFolder): Promise<PollOutcome> => {
    const at = now().getTime();
    store.claim(folder.clientId);
    let outcome: PollOutcome = 'stopped';
    try {
      await runUploads(deps, folder);
      outcome = await pollFolder(deps, store.folder(folder.clientId) ?? folder);
      if (outcome !== 'needs-reconnect' && outcome !== 'unlinked') await runUploads(deps, folder);
    } catch (error) {
      log.warn({ clientId: folder.clientId, reason: (error as Error).message }, 'folder poll failed');
    }
    const spread = 1 + jitter * (random() * 2 - 1);
    store.scheduleAfterPoll(folder.clientId, at + Math.round(interval * spread));
    return outcome;
  };

  let polling: Promise<Map<string, PollOutcome>> | null = null;
  const pollDue = (): Promise<Map<string, PollOutcome>> =>
    (polling ??= (async () => {
      const outcomes = new Map<string, PollOutcome>();
      try {
        await started;
        await caughtUp();
        for (;;) {
          const due = store.dueFolders(now().getTime(), 500).filter((f) => !outcomes.has(f.clientId));
          if (due.length === 0 || stopping.signal.aborted) break;
          let next = 0;
          const worker = async () => {
            while (next < due.length && !stopping.signal.aborted) {
              const folder = due[next++]!;
              outcomes.set(folder.clientId, await pollOne(folder));
            }
          };
          await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, worker));
        }
      } finally {
        polling = null;
      }
      return outcomes;
    })());

  async function caughtUp(): Promise<void> {
    const last = await options.portal.log.store.lastPosition();
    if (last !== undefined) await runner.waitFor(last);
  }

  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    timer = setTimeout(() => {
      void pollDue()
        .catch((error: unknown) => log.warn({ reason: (error as Error).message }, 'OneDrive poll failed'))
        .finally(() => {
          if (!stopping.signal.aborted) tick();
        });
    }, options.tickMs ?? 1000);
    timer.unref?.();
  };
  if (options.timer ?? true) tick();

  return {
    store,
    caughtUp,
    pollDue,
    dueNow: () => options.db.prepare('UPDATE onedrive_sync_folders SET next_poll_at = 0').run() && undefined,
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await polling?.catch(() => undefined);
      await runner.stop();
    },
  };
}

/** One event of the log into the sync tables. */
function follow(store: SyncStore, event: RecordedEvent, onDisconnected?: (firmId: string) => void): void {
  const d = event.data as Record<string, any>;
  const firmId = event.metadata.tenantId;
  switch (event.type) {
    case 'FolderLinked':
    case 'FolderRelinked':
      return store.upsertFolder({ clientId: d.clientId, firmId, driveId: d.driveId, itemId: d.itemId });
    case 'FolderUnlinked':
      return store.removeFolder(d.clientId);
    case 'OneDriveConnected':
      return store.setFirm(firmId, 'connected');
    case 'OneDriveAccountChanged':
      return store.resetFirm(firmId);
    case 'OneDriveNeedsReconnect':
      return store.setFirm(firmId, 'needs_reconnect');
    case 'OneDriveDisconnected':
      store.setFirm(firmId, 'disconnected');
      return onDisconnected?.(firmId);
    case 'DocumentMarkedForOneDriveSync':
      store.addUpload({ kind: 'sync', documentId: d.documentId, clientId: d.clientId, firmId, session: null });
      // Uploaded within a tick, not at the folder's next poll (its round runs first, so the echo is known).
      return store.dueSoon(d.clientId);
    case 'DocumentSyncConflictRecorded':
      // A deletion in OneDrive kept the portal's version: nothing to upload beside.
      if (d.oneDriveDeleted) return;
      return store.addUpload({ kind: 'conflict', documentId: d.documentId, clientId: d.clientId, firmId, session: null, eventId: event.id });
  }
}
