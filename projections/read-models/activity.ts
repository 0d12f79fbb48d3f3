import type { Database, Statement } from 'better-sqlite3';
import { activityKinds, type ActivityQuery, type HistoryEntry, type HistoryQuery, type Page, type ReadModels } from '../../src/application/read-models.js';
import { portalRegistry } from '../../src/application/context.js';
import type { Actor, RecordedEvent } from '../../src/core/envelope.js';
import { ValidationError } from '../../src/core/errors.js';
import type { PersonalDataDeclaration } from '../../src/core/events.js';
import { personalDataForgotten, redactSubject, subjectsOf } from '../../src/core/personal-data.js';
import type { SqliteProjection } from '../sqlite-target.js';
import { describe, kindOf, namingDocumentTypes, type Names } from './activity-text.js';
import { actorRef, nameOf, personKindOf } from './people.js';

/**
 * Every domain event of a firm, kept decrypted (minus secrets) for the history of a client, the
 * firm's activity feed and replays of the firm's log up to an instant. Lines are worded at query
 * time from the stored event, so a change of wording needs no rebuild. A forgetting redacts every
 * stored row of the subject exactly as a rebuild from 0 would read it; rm_activity_subjects finds them.
 * The firm's rows are reached through (firm_id, kind, position), one walk per kind merged by
 * position: every index slows the rebuild, and this one serves the whole feed and the kinds alike.
 */
const SETUP = `
  CREATE TABLE IF NOT EXISTS rm_activity (
    position INTEGER PRIMARY KEY,
    firm_id TEXT NOT NULL,
    client_id TEXT,
    stream_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    type TEXT NOT NULL,
    kind TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS rm_activity_history ON rm_activity (client_id, position) WHERE client_id IS NOT NULL;
  CREATE INDEX IF NOT EXISTS rm_activity_kinds ON rm_activity (firm_id, kind, position);
  CREATE INDEX IF NOT EXISTS rm_activity_document_names ON rm_activity (stream_id, position) WHERE type IN (${namingDocumentTypes.map((t) => `'${t}'`).join(', ')});
  CREATE TABLE IF NOT EXISTS rm_activity_subjects (
    subject_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (subject_id, position)
  ) WITHOUT ROWID;`;

interface Row {
  position: number;
  firm_id: string;
  client_id: string | null;
  stream_id: string;
  event_id: string;
  revision: number;
  type: string;
  kind: string;
  occurred_at: string;
  actor: string;
  data: string;
}

const COLUMNS = 'position, firm_id, client_id, stream_id, event_id, revision, type, kind, occurred_at, actor, data';
/** Later than any instant, for a history without "as of". */
const END_OF_TIME = '9999-12-31T23:59:59.999Z';

interface Statements {
  insert: Statement<unknown[]>;
  subject: Statement<[string, number]>;
  rowsOf: Statement<[string], { position: number; type: string; data: string }>;
  redact: Statement<[string, number]>;
  clientOf: Statement<[string, string], { client_id: string }>;
  history: Statement<[string, string, number, string, number], Row>;
  feedOfKind: Statement<[string, string, number, number], Row>;
  documentName: Statement<[string, number], { data: string }>;
}

const prepared = new WeakMap<Database, Statements>();

function statements(db: Database): Statements {
  let s = prepared.get(db);
  if (!s) {
    s = {
      insert: db.prepare(`INSERT INTO rm_activity (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      subject: db.prepare('INSERT OR IGNORE INTO rm_activity_subjects (subject_id, position) VALUES (?, ?)'),
      rowsOf: db.prepare(
        'SELECT a.position, a.type, a.data FROM rm_activity_subjects s JOIN rm_activity a ON a.position = s.position WHERE s.subject_id = ?',
      ),
      redact: db.prepare('UPDATE rm_activity SET data = ? WHERE position = ?'),
      clientOf: db.prepare(
        `SELECT a.client_id FROM rm_activity_subjects s JOIN rm_activity a ON a.position = s.position
         WHERE s.subject_id = ? AND a.firm_id = ? AND a.client_id IS NOT NULL ORDER BY s.position DESC LIMIT 1`,
      ),
      // `+firm_id`: a check, not a way in; the walk goes down the client's own entries.
      history: db.prepare(
        `SELECT ${COLUMNS} FROM rm_activity WHERE client_id = ? AND +firm_id = ? AND position < ? AND occurred_at <= ?
         ORDER BY position DESC LIMIT ?`,
      ),
      feedOfKind: db.prepare(
        `SELECT ${COLUMNS} FROM rm_activity WHERE firm_id = ? AND kind = ? AND position < ? ORDER BY position DESC LIMIT ?`,
      ),
      documentName: db.prepare(
        `SELECT data FROM rm_activity WHERE stream_id = ? AND position < ?
         AND type IN (${namingDocumentTypes.map((t) => `'${t}'`).join(', ')}) ORDER BY position DESC LIMIT 1`,
      ),
    };
    prepared.set(db, s);
  }
  return s;
}

const registry = portalRegistry().register(personalDataForgotten);
const declarationsByType = new Map<string, readonly PersonalDataDeclaration[] | undefined>();
function declarationsOf(type: string): readonly PersonalDataDeclaration[] | undefined {
  if (!declarationsByType.has(type)) declarationsByType.set(type, registry.get(type)?.personal);
  return declarationsByType.get(type);
}

const SECRETS = new Set(['tokenHash', 'passwordHash']);
const withoutSecrets = (key: string, value: unknown) => (SECRETS.has(key) ? undefined : value);

/** The event's data as JSON without any token or password hash, at any depth. */
function storedData(data: any): string {
  // Where the domain puts them (top level), dropped without a replacer; any deeper one by it.
  let json: string;
  if (Object.hasOwn(data, 'tokenHash') || Object.hasOwn(data, 'passwordHash')) {
    const { tokenHash: _t, passwordHash: _p, ...rest } = data;
    json = JSON.stringify(rest);
  } else json = JSON.stringify(data);
  // Only a key can put `tokenHash":` in JSON (a quote inside a string is escaped): most events skip the replacer.
  return json.includes('tokenHash":') || json.includes('passwordHash":') ? JSON.stringify(data, withoutSecrets) : json;
}

/** A forgotten subject's rows, redacted in place; the client whose history the forgetting belongs to. */
function forget(db: Database, firmId: string, subjectId: string): string | null {
  const s = statements(db);
  const client = s.clientOf.get(subjectId, firmId)?.client_id ?? null;
  for (const row of s.rowsOf.all(subjectId)) {
    const redacted = JSON.stringify(redactSubject(JSON.parse(row.data), declarationsOf(row.type), subjectId));
    if (redacted !== row.data) s.redact.run(redacted, row.position);
  }
  return client;
}

export const activityProjection: SqliteProjection = {
  name: 'activity',
  // Reservations and idempotency keys are the store's bookkeeping, not the firm's activity.
  filter: { streamPrefixes: ['firm-', 'client-', 'invitation-', 'portal-access-', 'folder-link-', 'document-', 'mail-', 'data-subject-'] },
  setup(db) {
    db.exec(SETUP);
  },
  drop(db) {
    db.exec('DROP TABLE IF EXISTS rm_activity; DROP TABLE IF EXISTS rm_activity_subjects;');
  },
  apply(db, event: RecordedEvent) {
    const s = statements(db);
    const firmId = event.metadata.tenantId;
    const data = event.data as { clientId?: unknown; subjectId?: string };
    let clientId = typeof data.clientId === 'string' ? data.clientId : null;
    if (event.type === personalDataForgotten.type) clientId = forget(db, firmId, data.subjectId!);
    const { position } = event;
    s.insert.run(
      position,
      firmId,
      clientId,
      event.streamId,
      event.id,
      event.revision,
      event.type,
      kindOf(event.type),
      event.metadata.occurredAt,
      JSON.stringify(event.metadata.actor),
      storedData(event.data),
    );
    for (const subjectId of subjectsOf(event.data, declarationsOf(event.type))) s.subject.run(subjectId, position);
  },
};

// ---------------------------------------------------------------- queries

/** Cursors are the last position shown: opaque to callers, and stable while rows are added. */
function after(cursor: string | undefined): number {
  if (cursor === undefined) return Number.MAX_SAFE_INTEGER;
  if (!/^\d{1,15}$/.test(cursor)) throw new ValidationError('This page cursor is not one this query gave.', [{ path: 'cursor', message: 'is not a cursor of this query' }]);
  return Number(cursor);
}

function page(rows: readonly Row[], limit: number, render: (row: Row) => HistoryEntry): Page<HistoryEntry> {
  const shown = rows.slice(0, limit);
  return { items: shown.map(render), nextCursor: rows.length > limit ? String(shown.at(-1)!.position) : null };
}

function names(db: Database, firmId: string): Names {
  const s = statements(db);
  return {
    contact: (id) => nameOf(db, firmId, 'contact', id),
    staff: (id) => nameOf(db, firmId, 'staff', id),
    document(streamId, position) {
      const row = s.documentName.get(streamId, position + 1);
      return row ? (JSON.parse(row.data) as { name?: string }).name : undefined;
    },
    subjectKind: (id) => personKindOf(db, firmId, id),
  };
}

function entry(db: Database, row: Row): HistoryEntry {
  const data = JSON.parse(row.data);
  return {
    position: row.position,
    at: row.occurred_at,
    clientId: row.client_id,
    actor: actorRef(db, row.firm_id, JSON.parse(row.actor) as Actor),
    kind: row.kind,
    type: row.type,
    text: describe({ type: row.type, streamId: row.stream_id, position: row.position, data }, names(db, row.firm_id)),
  };
}

export function activityQueries(db: Database): Pick<ReadModels['audit'], 'history' | 'activity'> {
  return {
    async history(firmId: string, query: HistoryQuery) {
      const s = statements(db);
      const rows = s.history.all(query.clientId, firmId, after(query.cursor), query.asOf ?? END_OF_TIME, query.limit + 1);
      return page(rows, query.limit, (row) => entry(db, row));
    },
    async activity(firmId: string, query: ActivityQuery) {
      const s = statements(db);
      const before = after(query.cursor);
      const kinds = query.kinds && query.kinds.length > 0 ? [...new Set(query.kinds)] : activityKinds;
      // One indexed walk per kind, merged: an IN over the index's middle column would sort every match.
      const rows = kinds
        .flatMap((kind) => s.feedOfKind.all(firmId, kind, before, query.limit + 1))
        .sort((a, b) => b.position - a.position)
        .slice(0, query.limit + 1);
      return page(rows, query.limit, (row) => entry(db, row));
    },
  };
}

/** Rows of several walks, each in position order, merged into one in position order. */
function* inPositionOrder(walks: Array<IterableIterator<Row>>): Generator<Row> {
  const heads = walks.map((walk) => ({ walk, row: walk.next() }));
  try {
    for (;;) {
      let next: (typeof heads)[number] | undefined;
      for (const head of heads) if (!head.row.done && (!next || head.row.value.position < next.row.value!.position)) next = head;
      if (!next) return;
      yield next.row.value as Row;
      next.row = next.walk.next();
    }
  } finally {
    for (const head of heads) if (!head.row.done) head.walk.return?.();
  }
}

/**
 * The firm's events with occurredAt at or before `asOf`, in log order, as they stand in this read
 * model (decrypted, redacted where forgotten, without token or password hashes), for replaying
 * another read model as it stood then. Correlation and causation ids are not kept: they read ''.
 * Its statements stay open until the last event: consume it without awaiting (as replay() does), or
 * the connection is busy for everyone meanwhile.
 */
export function* firmEventsUpTo(db: Database, firmId: string, asOf: string): IterableIterator<RecordedEvent> {
  // A statement iterates once at a time: one of its own per walk, so replays can run side by side.
  const sql = `SELECT ${COLUMNS} FROM rm_activity WHERE firm_id = ? AND kind = ? AND occurred_at <= ? ORDER BY position`;
  const walks = activityKinds.map((kind) => db.prepare<[string, string, string], Row>(sql).iterate(firmId, kind, asOf));
  for (const row of inPositionOrder(walks)) {
    yield {
      id: row.event_id,
      streamId: row.stream_id,
      revision: row.revision,
      position: row.position,
      type: row.type,
      data: JSON.parse(row.data),
      metadata: {
        occurredAt: row.occurred_at,
        tenantId: row.firm_id,
        actor: JSON.parse(row.actor) as Actor,
        correlationId: '',
        causationId: '',
        schemaVersion: registry.get(row.type)?.version ?? 1,
      },
    };
  }
}
