import type { Database } from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { aesGcmCipher } from './crypto/aes-gcm.js';
import { eventStoreDbEventStore } from './event-store/eventstoredb.js';
import { sqliteKeyStore } from './event-store/sqlite-key-store.js';
import { sqliteEventStore } from './event-store/sqlite.js';
import { memoryAccessNotificationOutbox, memoryInvitationOutbox } from './mail/memory-outbox.js';
import { systemClock, uuidIds } from './system/clock-and-ids.js';
import { nodeSecrets } from './system/secrets.js';
import { openReadModelDb, sqliteReadModels, type SqliteReadModels } from '../projections/read-models/index.js';
import type { RunnerOptions } from '../projections/runner.js';
import { createPortal, type Portal } from '../src/application/portal.js';
import type { BlobStore } from '../src/core/blob-store.js';
import type { EventStore } from '../src/core/event-store.js';
import type { AccessNotificationDelivery, Clock, IdGenerator, InvitationDelivery, Secrets } from '../src/core/ports.js';

export interface EmbeddedPortalOptions {
  /** Folder for the portal's files (SQLite file, blobs, mail outbox). Default: the folder of `dbPath`, else `data`. */
  dataDir?: string;
  /** The SQLite file. Default: `portal.db` in `dataDir`. */
  dbPath?: string;
  /** Keep the events in EventStoreDB (a connection string); the SQLite file then holds only keys and read models. */
  eventStoreUrl?: string;
  /** Default: kept in memory, nothing sent. */
  invitations?: InvitationDelivery;
  /** Default: kept in memory, nothing sent. */
  accessNotifications?: AccessNotificationDelivery;
  clock?: Clock;
  ids?: IdGenerator;
  secrets?: Secrets;
  runner?: RunnerOptions;
  /** Documents' content; forgetting an individual client deletes the blobs only its documents use. */
  blobs?: BlobStore;
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
  /** Stops the read models and closes the store and the SQLite file. */
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
      secrets: options.secrets ?? nodeSecrets,
      invitations: options.invitations ?? memoryInvitationOutbox(),
      accessNotifications: options.accessNotifications ?? memoryAccessNotificationOutbox(),
      // Kept, so the host can start, stop and rebuild the read models the portal queries.
      readModels: (log) => (readModels = views(log)),
      ...(options.blobs ? { blobs: options.blobs } : {}),
    });
    return {
      portal,
      store,
      db,
      readModels,
      dataDir,
      async close() {
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

function openStore(dbPath: string, eventStoreUrl: string | undefined): { store: EventStore; db: Database } {
  if (eventStoreUrl === undefined || eventStoreUrl === '') {
    const sqlite = sqliteEventStore({ path: dbPath });
    return { store: sqlite, db: sqlite.db };
  }
  // The client first: a malformed connection string throws before the file is opened.
  const store = eventStoreDbEventStore({ connectionString: eventStoreUrl });
  return { store, db: openReadModelDb(dbPath) };
}
