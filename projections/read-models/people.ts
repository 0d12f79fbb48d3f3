import type { Database, Statement } from 'better-sqlite3';
import type { ActorRef } from '../../src/application/read-models.js';
import type { Actor, RecordedEvent } from '../../src/core/envelope.js';
import { ERASED } from '../../src/core/events.js';
import type { SqliteProjection } from '../sqlite-target.js';

/**
 * Who is who in a firm, by id: staff users, client contacts and clients, with the name the firm
 * knows them by now. The other read models name people through it (history's "who", documents'
 * "added by", assigned staff), so a rename or a forgetting shows everywhere at once.
 */
export type PersonKind = 'staff' | 'contact' | 'client';

const SETUP = `
  CREATE TABLE IF NOT EXISTS rm_people (
    firm_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (firm_id, kind, id)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS rm_people_by_id ON rm_people (id);
  -- A client without a name of its own is shown by this owner's name, whatever it is now.
  CREATE TABLE IF NOT EXISTS rm_people_shown_by (
    client_id TEXT PRIMARY KEY,
    contact_id TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS rm_people_shown_by_contact ON rm_people_shown_by (contact_id);`;

interface Statements {
  upsert: Statement<[string, string, string, string]>;
  forget: Statement<[string, string]>;
  get: Statement<[string, string, string], { name: string }>;
  kind: Statement<[string, string], { kind: PersonKind }>;
  showBy: Statement<[string, string]>;
  ownName: Statement<[string]>;
  renameShown: Statement<[string, string]>;
}

const prepared = new WeakMap<Database, Statements>();

function statements(db: Database): Statements {
  let s = prepared.get(db);
  if (!s) {
    s = {
      upsert: db.prepare(
        'INSERT INTO rm_people (firm_id, kind, id, name) VALUES (?, ?, ?, ?) ON CONFLICT (firm_id, kind, id) DO UPDATE SET name = excluded.name',
      ),
      forget: db.prepare('UPDATE rm_people SET name = ? WHERE id = ?'),
      get: db.prepare('SELECT name FROM rm_people WHERE firm_id = ? AND kind = ? AND id = ?'),
      kind: db.prepare('SELECT kind FROM rm_people WHERE id = ? AND firm_id = ? LIMIT 1'),
      showBy: db.prepare('INSERT OR REPLACE INTO rm_people_shown_by (client_id, contact_id) VALUES (?, ?)'),
      ownName: db.prepare('DELETE FROM rm_people_shown_by WHERE client_id = ?'),
      renameShown: db.prepare(
        "UPDATE rm_people SET name = ? WHERE kind = 'client' AND id IN (SELECT client_id FROM rm_people_shown_by WHERE contact_id = ?)",
      ),
    };
    prepared.set(db, s);
  }
  return s;
}

const TYPES = [
  'FirmCreated',
  'StaffUserAdded',
  'ClientCreated',
  'ClientRenamed',
  'OwnerAdded',
  'GuestAdded',
  'ContactRenamed',
  'PersonalDataForgotten',
];

export const peopleProjection: SqliteProjection = {
  name: 'people',
  filter: { eventTypePrefixes: TYPES },
  setup(db) {
    db.exec(SETUP);
  },
  drop(db) {
    db.exec('DROP TABLE IF EXISTS rm_people; DROP TABLE IF EXISTS rm_people_shown_by');
  },
  apply(db, event: RecordedEvent) {
    const s = statements(db);
    const firm = event.metadata.tenantId;
    const data = event.data as any;
    const person = (kind: PersonKind, id: string, name: string) => s.upsert.run(firm, kind, id, name);
    switch (event.type) {
      case 'FirmCreated':
        for (const user of data.staff) person('staff', user.userId, user.name);
        return;
      case 'StaffUserAdded':
        return void person('staff', data.user.userId, data.user.name);
      case 'ClientCreated':
        for (const owner of data.owners) person('contact', owner.contactId, owner.name);
        // An individual without a chosen name is shown by its owner's name, also once renamed.
        if (data.name === null) s.showBy.run(data.clientId, data.owners[0].contactId);
        return void person('client', data.clientId, data.name ?? data.owners[0].name);
      case 'ClientRenamed':
        s.ownName.run(data.clientId);
        return void person('client', data.clientId, data.name);
      case 'OwnerAdded':
      case 'GuestAdded':
        return void person('contact', data.contact.contactId, data.contact.name);
      case 'ContactRenamed':
        s.renameShown.run(data.name, data.contactId);
        return void person('contact', data.contactId, data.name);
      case 'PersonalDataForgotten':
        return void s.forget.run(ERASED, data.subjectId);
    }
  },
};

/** The name the firm knows someone by now; ERASED once forgotten, the id when never seen. */
export function nameOf(db: Database, firmId: string, kind: PersonKind, id: string): string {
  return statements(db).get.get(firmId, kind, id)?.name ?? id;
}

/** Whether an id is a staff user, a contact or a client of the firm (undefined when never seen). */
export function personKindOf(db: Database, firmId: string, id: string): PersonKind | undefined {
  return statements(db).kind.get(id, firmId)?.kind;
}

/** An event's actor with their current name (system processes and the platform by their own name). */
export function actorRef(db: Database, firmId: string, actor: Actor): ActorRef {
  switch (actor.kind) {
    case 'staff':
      return { kind: 'staff', id: actor.userId, name: nameOf(db, firmId, 'staff', actor.userId) };
    case 'contact':
      return { kind: 'contact', id: actor.contactId, name: nameOf(db, firmId, 'contact', actor.contactId) };
    case 'system':
      return { kind: 'system', id: actor.name, name: systemName(actor.name) };
    case 'platform':
      return { kind: 'platform', id: actor.operatorId, name: 'Platform operator' };
  }
}

/** A process's name as the firm reads it: 'onedrive-sync' → 'OneDrive sync'. */
function systemName(name: string): string {
  const words = name.replace(/[-_]+/g, ' ').trim();
  return words.replace(/onedrive/i, 'OneDrive').replace(/^./, (c) => c.toUpperCase());
}
