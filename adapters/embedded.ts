import type { Database } from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { aesGcmCipher } from './crypto/aes-gcm.js';
import { eventStoreDbEventStore } from './event-store/eventstoredb.js';
import { sqliteKeyStore } from './event-store/sqlite-key-store.js';
import { sqliteEventStore } from './event-store/sqlite.js';
import { sqliteCheckpoints } from './mail/checkpoints.js';
import { startMailDelivery, type MailDelivery, type MailDeliveryOptions } from './mail/mail-delivery.js';
import { systemClock, uuidIds } from './system/clock-and-ids.js';
import { createNodeSecrets, nodeSecrets } from './system/secrets.js';
import { tokenKeyFile } from './system/token-key.js';
import { openReadModelDb, sqliteReadModels, type SqliteReadModels } from '../projections/read-models/index.js';
import type { RunnerOptions } from '../projections/runner.js';
import { createPortal, type Portal } from '../src/application/portal.js';
import type { BlobStore } from '../src/core/blob-store.js';
import type { FolderResolver } from '../src/folder-link/resolver.js';
import type { EventStore } from '../src/core/event-store.js';
import type { Clock, IdGenerator, Secrets } from '../src/core/ports.js';

export interface EmbeddedPortalOptions {
  /** Folder for the portal's files (SQLite file, token key, blobs, mail outbox). Default: the folder of `dbPath`, else `data`. */
  dataDir?: string;
  /** The SQLite file. Default: `portal.db` in `dataDir`. */
  dbPath?: string;
  /** Keep the events in EventStoreDB (a connection string); the SQLite file then holds only keys and read models. */
  eventStoreUrl?: string;
  /**
   * Sends the portal's emails (invitations, reminders, access notices, upload alerts) through this
   * mailer, following the log from a checkpoint in the SQLite file. Without it nothing is mailed
   * (until a process with a mailer runs over the same data: it catches up).
   */
  mail?: Omit<MailDeliveryOptions, 'portal' | 'checkpoints'>;
  clock?: Clock;
  ids?: IdGenerator;
  /**
   * The key invitation links are derived with (32+ bytes). Default: `token.key` in `dataDir`, made
   * on first use; every process mailing for this data must have the same key.
   */
  tokenKey?: Uint8Array;
  /** Replaces the secrets made from the token key (tests). */
  secrets?: Secrets;
  runner?: RunnerOptions;
  /** Documents' content; forgetting an individual client deletes the blobs only its documents use. */
  blobs?: BlobStore;
  /**
   * Resolves pasted OneDrive folder addresses (adapters/onedrive's graphFolderResolver). For the
   * sync itself, start adapters/onedrive's startOneDriveSync over this portal and its `db`.
   */
  folderResolver?: FolderResolver;
  /** Refuse (MissingDatabaseError) rather than create a SQLite file that is not there yet. */
  mustExist?: boolean;
}

/** A portal on the local SQLite file, with what its host needs to drive and close it. */
export interface EmbeddedPortal {
  portal: Portal;
  store: EventStore;
  /** The connection holding the keys and read models (and the events, unless they are in EventStoreDB). */
  db: Database;
  readModels: SqliteReadModels;
  dataDir: string;
  /** The mail process, when a mailer was given. */
  mail: MailDelivery | null;
  /** Stops the mail process and the read models and closes the store and the SQLite file. */
  close(): Promise<void>;
}

/** The SQLite file asked for with `mustExist` is not there; nothing was created. */
export class MissingDatabaseError extends Error {
  constructor(readonly path: string) {
    super(`No database at ${path}.`);
  }
}

/** Opens the portal over one local SQLite file (events, keys, read models), or over EventStoreDB with the file beside it. */
export function openEmbeddedPortal(options: EmbeddedPortalOptions = {}): EmbeddedPortal {
  const dataDir = options.dataDir ?? (options.dbPath === undefined ? 'data' : dirname(options.dbPath));
  const dbPath = options.dbPath ?? join(dataDir, 'portal.db');
  // A read on a mistyped path must not leave an empty database behind.
  if (options.mustExist && !existsSync(dbPath)) throw new MissingDatabaseError(dbPath);
  if (!options.mustExist) {
    mkdirSync(dataDir, { recursive: true });
    mkdirSync(dirname(dbPath), { recursive: true });
  }

  const { store, db } = openStore(dbPath, options.eventStoreUrl);
  try {
    let readModels!: SqliteReadModels;
    const views = sqliteReadModels({ db, runner: options.runner });
    const portal = createPortal({
      store,
      keys: sqliteKeyStore(db, aesGcmCipher),
      cipher: aesGcmCipher,
      clock: options.clock ?? systemClock,
      ids: options.ids ?? uuidIds,
      secrets: options.secrets ?? secretsFor(options, dataDir),
      // Kept, so the host can start, stop and rebuild the read models the portal queries.
      readModels: (log) => (readModels = views(log)),
      ...(options.blobs ? { blobs: options.blobs } : {}),
      ...(options.folderResolver ? { folderResolver: options.folderResolver } : {}),
    });
    const mail = options.mail ? startMailDelivery({ ...options.mail, portal, checkpoints: sqliteCheckpoints(db) }) : null;
    return {
      portal,
      store,
      db,
      readModels,
      dataDir,
      mail,
      async close() {
        await mail?.stop();
        await readModels.stop();
        await store.close();
        if (db.open) db.close();
      },
    };
  } catch (error) {
    void store.close().catch(() => undefined);
    if (db.open) db.close();
    throw error;
  }
}

/** Secrets deriving links with the given key, else the data folder's (a read-only open without one gets a key of its own). */
function secretsFor(options: EmbeddedPortalOptions, dataDir: string): Secrets {
  const key = options.tokenKey ?? tokenKeyFile(join(dataDir, 'token.key'), !options.mustExist);
  return key === null ? nodeSecrets : createNodeSecrets({ tokenKey: key });
}

function openStore(dbPath: string, eventStoreUrl: string | undefined): { store: EventStore; db: Database } {
  if (eventStoreUrl === undefined || eventStoreUrl === '') {
    const sqlite = sqliteEventStore({ path: dbPath });
    return { store: sqlite, db: sqlite.db };
  }
  // The client first: a malformed connection string throws before the file is opened.
  const store = eventStoreDbEventStore({ connectionString: eventStoreUrl });
  return { store, db: openReadModelDb(dbPath) };
}
