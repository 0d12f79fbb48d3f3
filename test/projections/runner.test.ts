import Database from 'better-sqlite3';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteKeyStore } from '../../adapters/event-store/sqlite-key-store.js';
import { sqliteEventStore } from '../../adapters/event-store/sqlite.js';
import { describe, expect, it } from 'vitest';
import { aesGcmCipher } from '../../adapters/crypto/aes-gcm.js';
import { memoryEventStore } from '../../adapters/event-store/memory.js';
import { memoryKeyStore } from '../../adapters/keys/memory-key-store.js';
import { EventLog } from '../../src/core/event-log.js';
import { memoryTarget } from '../../projections/memory-target.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { sqliteTarget, type SqliteProjection } from '../../projections/sqlite-target.js';
import { sampleContext, sampleRegistry } from '../support/sample-events.js';

const context = sampleContext;

function newLog() {
  return new EventLog({
    store: memoryEventStore(),
    keys: memoryKeyStore(aesGcmCipher),
    cipher: aesGcmCipher,
    registry: sampleRegistry(),
    ids: { newId: () => randomUUID() },
  });
}

const register = (contactId: string, name: string) => ({
  type: 'ContactRegistered',
  data: { contactId, name, emails: [`${contactId}@example.com`] },
});

/** A contact directory; plain INSERTs make a twice-applied event fail loudly. */
function directory(failOn?: string): SqliteProjection {
  return {
    name: 'directory',
    filter: { eventTypePrefixes: ['ContactRegistered', 'PersonalDataForgotten'] },
    setup: (db) => db.exec('CREATE TABLE IF NOT EXISTS directory (contact_id TEXT PRIMARY KEY, name TEXT NOT NULL)'),
    drop: (db) => db.exec('DROP TABLE IF EXISTS directory'),
    apply(db, event) {
      const data = event.data as { contactId?: string; subjectId?: string; name?: string };
      if (event.type === 'PersonalDataForgotten') {
        db.prepare('DELETE FROM directory WHERE contact_id = ?').run(data.subjectId);
        return;
      }
      if (data.contactId === failOn) throw new Error('projection bug');
      db.prepare('INSERT INTO directory (contact_id, name) VALUES (?, ?)').run(data.contactId, data.name);
    },
  };
}

const rows = (db: Database.Database) => db.prepare('SELECT contact_id, name FROM directory ORDER BY contact_id').all();

describe('projection runner', () => {
  it('catches up, then follows the log live', async () => {
    const log = newLog();
    const db = new Database(':memory:');
    await log.append('contact-a', [register('a', 'Ada')], 'any', context);
    const runner = new ProjectionRunner(log, sqliteTarget(db, directory()));
    await runner.start();
    expect(rows(db)).toEqual([{ contact_id: 'a', name: 'Ada' }]);
    const { position } = await log.append('contact-b', [register('b', 'Bob')], 'any', context);
    await runner.waitFor(position);
    expect(rows(db)).toHaveLength(2);
    await runner.stop();
  });

  it('reports the position reached after each committed batch', async () => {
    const log = newLog();
    const db = new Database(':memory:');
    for (const id of ['a', 'b', 'c', 'd', 'e']) await log.append(`contact-${id}`, [register(id, id.toUpperCase())], 'any', context);
    const reported: number[] = [];
    const runner = new ProjectionRunner(log, sqliteTarget(db, directory()), { batchSize: 2, onProgress: (p) => reported.push(p) });
    await runner.start();
    expect(reported).toEqual([2, 4, 5]);
    await runner.stop();
  });

  it('resumes from its checkpoint without applying anything twice', async () => {
    const log = newLog();
    const db = new Database(':memory:');
    await log.append('contact-a', [register('a', 'Ada')], 'any', context);
    const first = new ProjectionRunner(log, sqliteTarget(db, directory()));
    await first.start();
    await first.stop();
    await log.append('contact-b', [register('b', 'Bob')], 'any', context);
    const second = new ProjectionRunner(log, sqliteTarget(db, directory()));
    await second.start();
    expect(rows(db)).toEqual([
      { contact_id: 'a', name: 'Ada' },
      { contact_id: 'b', name: 'Bob' },
    ]);
    await second.stop();
  });

  it('commits a batch and its checkpoint together: a failing event leaves both untouched', async () => {
    const log = newLog();
    const db = new Database(':memory:');
    await log.append('contact-a', [register('a', 'Ada')], 'any', context);
    await log.append('contact-b', [register('b', 'Bob')], 'any', context);
    const target = sqliteTarget(db, directory('b'));
    await expect(new ProjectionRunner(log, target).start()).rejects.toThrow('projection bug');
    expect(rows(db)).toEqual([]);
    expect(await target.checkpoint()).toBeUndefined();
  });

  it('drops its copy of personal data when the subject is forgotten', async () => {
    const log = newLog();
    const db = new Database(':memory:');
    const runner = new ProjectionRunner(log, sqliteTarget(db, directory()));
    await runner.start();
    await log.append('contact-a', [register('a', 'Ada')], 'any', context);
    await log.append('contact-b', [register('b', 'Bob')], 'any', context);
    await log.forget('a', context);
    const [last] = await log.readStream('data-subject-a');
    await runner.waitFor(last!.position);
    expect(rows(db)).toEqual([{ contact_id: 'b', name: 'Bob' }]);
    await runner.stop();
  });

  it("keeps the read model in the event store's own SQLite file and resumes there after a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'projection-'));
    const open = () => {
      const store = sqliteEventStore({ path: join(dir, 'portal.db'), pollIntervalMs: 20 });
      const log = new EventLog({
        store,
        keys: sqliteKeyStore(store.db, aesGcmCipher),
        cipher: aesGcmCipher,
        registry: sampleRegistry(),
        ids: { newId: () => randomUUID() },
      });
      return { store, log, runner: new ProjectionRunner(log, sqliteTarget(store.db, directory())) };
    };
    try {
      const first = open();
      await first.runner.start();
      const { position } = await first.log.append('contact-a', [register('a', 'Ada')], 'any', context);
      await first.runner.waitFor(position);
      await first.runner.stop();
      await first.store.close();

      const second = open();
      await second.log.append('contact-b', [register('b', 'Bob')], 'any', context);
      await second.runner.start();
      expect(rows(second.store.db)).toEqual([
        { contact_id: 'a', name: 'Ada' },
        { contact_id: 'b', name: 'Bob' },
      ]);
      await second.runner.stop();
      await second.store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rebuilds to exactly the live read model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.boolean()), { maxLength: 12 }), async (steps) => {
        const log = newLog();
        const live = memoryTarget({
          name: 'names',
          initial: () => ({}) as Record<string, string>,
          apply: (model, event) => {
            const data = event.data as { contactId?: string; subjectId?: string; name?: string };
            if (event.type === 'PersonalDataForgotten') {
              const { [data.subjectId!]: _, ...rest } = model;
              return rest;
            }
            return { ...model, [data.contactId!]: data.name! };
          },
        });
        const runner = new ProjectionRunner(log, live, { batchSize: 3 });
        await runner.start();
        let position = 0;
        for (const [id, forget] of steps) {
          if (forget) await log.forget(id, context);
          else if (!(await log.readStream(`data-subject-${id}`)).length) {
            ({ position } = await log.append(`contact-${id}`, [register(id, `name of ${id}`)], 'any', context));
          }
        }
        for await (const e of log.readAll()) position = e.position;
        await runner.waitFor(position);
        const liveModel = live.model;
        await runner.rebuild();
        expect(live.model).toEqual(liveModel);
        await runner.stop();
      }),
      { numRuns: 25 },
    );
  });
});
