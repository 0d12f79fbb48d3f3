import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aesGcmCipher } from '../../adapters/crypto/aes-gcm.js';
import { memoryEventStore } from '../../adapters/event-store/memory.js';
import { memoryKeyStore } from '../../adapters/keys/memory-key-store.js';
import { sqliteEventStore } from '../../adapters/event-store/sqlite.js';
import { EventLog } from '../../src/core/event-log.js';
import type { EventStore } from '../../src/core/event-store.js';
import { memoryTarget } from '../../projections/memory-target.js';
import { ProjectionFailedError, ProjectionStateError } from '../../projections/runner-errors.js';
import { ProjectionRunner, type ProjectionTarget } from '../../projections/runner.js';
import { sqliteTarget } from '../../projections/sqlite-target.js';
import { sampleContext, sampleRegistry } from '../support/sample-events.js';

const context = sampleContext;
const dir = mkdtempSync(join(tmpdir(), 'runner-'));
let files = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const logOn = (store: EventStore) =>
  new EventLog({ store, registry: sampleRegistry(), ids: { newId: () => randomUUID() }, keys: memoryKeyStore(aesGcmCipher), cipher: aesGcmCipher });
/** The events the counting projection folds; `by` numbers them. */
const note = (i: number) => ({ type: 'CounterIncremented', data: { by: i } });

/** Counts what reaches the target: events applied (per position) and applyBatch calls. */
function counting(failAt?: (n: number) => boolean) {
  const applied = new Map<number, number>();
  const target = memoryTarget({
    name: 'notes',
    filter: { eventTypePrefixes: ['CounterIncremented'] },
    initial: () => [] as number[],
    apply: (model, event) => {
      const n = (event.data as { by: number }).by;
      if (failAt?.(n)) throw new Error(`cannot apply note ${n}`);
      return [...model, n];
    },
  });
  const stats = { batches: 0, applied };
  const counted: ProjectionTarget = {
    ...target,
    async applyBatch(events, checkpoint) {
      await target.applyBatch(events, checkpoint);
      stats.batches++;
      for (const e of events) applied.set(e.position, (applied.get(e.position) ?? 0) + 1);
    },
  };
  return { target: counted, stats, model: () => target.model };
}

async function appendNotes(log: EventLog, count: number, from = 0): Promise<number> {
  let position = 0;
  for (let i = from; i < from + count; i += 100) {
    const events = Array.from({ length: Math.min(100, from + count - i) }, (_, j) => note(i + j));
    ({ position } = await log.append(`firm-${i % 3}`, events, 'any', context));
  }
  return position;
}

describe('projection runner lifecycle', () => {
  it('applies every event once when rebuild() overlaps an in-flight start()', async () => {
    const log = logOn(memoryEventStore());
    await appendNotes(log, 2000);
    const { target, model } = counting();
    const runner = new ProjectionRunner(log, target, { batchSize: 50 });
    const starting = runner.start();
    const rebuilding = runner.rebuild();
    expect(runner.status.state).toBe('rebuilding');
    await expect(runner.rebuild()).rejects.toBeInstanceOf(ProjectionStateError);
    await expect(runner.start()).rejects.toThrow(/cannot start while rebuilding/);
    await Promise.all([starting, rebuilding]);
    expect(model()).toHaveLength(2000);
    expect(runner.status.state).toBe('live');
    await runner.stop();
  });

  it('refuses a second start() with a typed error and applies nothing twice', async () => {
    const log = logOn(memoryEventStore());
    await appendNotes(log, 500);
    const { target, stats, model } = counting();
    const runner = new ProjectionRunner(log, target, { batchSize: 50 });
    const starting = runner.start();
    expect(runner.status.state).toBe('catching_up');
    await expect(runner.start()).rejects.toBeInstanceOf(ProjectionStateError);
    await starting;
    await expect(runner.start()).rejects.toThrow(/cannot start while live/);
    const position = await appendNotes(log, 10, 500);
    await runner.waitFor(position);
    expect(model()).toHaveLength(510);
    expect([...stats.applied.values()].every((n) => n === 1)).toBe(true);
    await runner.stop();
    expect(runner.status.state).toBe('stopped');
  });

  /** A target whose batches take a while, so a batch is in flight when stop() is called. */
  function slow() {
    const counted = counting();
    const target: ProjectionTarget = {
      ...counted.target,
      async applyBatch(events, checkpoint) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        await counted.target.applyBatch(events, checkpoint);
      },
    };
    return { ...counted, target };
  }
  const appliedTwice = (applied: Map<number, number>) => [...applied.values()].filter((n) => n > 1).length;

  it.each(['start', 'rebuild'] as const)('waits for a stop with a batch in flight before it can %s again', async (again) => {
    const log = logOn(memoryEventStore());
    const head = await appendNotes(log, 300);
    const { target, model, stats } = slow();
    const runner = new ProjectionRunner(log, target, { batchSize: 10 });
    const first = runner.start();
    await new Promise((resolve) => setTimeout(resolve, 30)); // a few batches in, one in flight
    const stopping = runner.stop();
    const second = again === 'start' ? runner.start() : runner.rebuild();
    await Promise.all([first, stopping, second]);
    await runner.waitFor(head);
    expect(model()).toHaveLength(300);
    // A rebuild applies everything again by design; the model (reset first) shows a stray batch.
    if (again === 'start') expect(appliedTwice(stats.applied)).toBe(0);
    await runner.stop();
  });

  it('fails visibly when apply throws while live, without blocking other projections, and resumes on start()', async () => {
    const log = logOn(memoryEventStore());
    let broken = true;
    const failing = counting((n) => broken && n === 3);
    const healthy = counting();
    const runner = new ProjectionRunner(log, failing.target);
    const other = new ProjectionRunner(log, healthy.target);
    await runner.start();
    await other.start();
    const first = await appendNotes(log, 2);
    await runner.waitFor(first);
    const { position: bad } = await log.append('firm-x', [note(3)], 'any', context);
    const pending = runner.waitFor(bad);
    await expect(pending).rejects.toBeInstanceOf(ProjectionFailedError);
    expect(runner.status).toMatchObject({ state: 'failed', failure: { position: bad } });
    expect((runner.status.failure?.error as Error).message).toContain('cannot apply note 3');
    await expect(runner.waitFor(bad)).rejects.toThrow('cannot apply note 3');
    // The other runner goes on.
    const later = await appendNotes(log, 1, 4);
    await other.waitFor(later);
    expect(healthy.model()).toEqual([0, 1, 3, 4]);
    // Fixed and restarted, it resumes from its checkpoint: the failed batch was never committed.
    broken = false;
    await runner.start();
    expect(failing.model()).toEqual([0, 1, 3, 4]);
    expect([...failing.stats.applied.values()].every((n) => n === 1)).toBe(true);
    await runner.stop();
    await other.stop();
  });

  it('applies live events that arrived together in one batch and one transaction', async () => {
    const store = sqliteEventStore({ path: join(dir, `burst-${++files}.db`), durability: 'normal' });
    const log = logOn(store);
    const { target, stats, model } = counting();
    const runner = new ProjectionRunner(log, target);
    await runner.start();
    // 200 appends in one burst: group commit lands them together, the subscription reads them together.
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => log.append(`firm-${i}`, [note(i)], 'any', context)));
    await runner.waitFor(Math.max(...results.map((r) => r.position)));
    expect(model()).toHaveLength(200);
    expect(stats.batches).toBeLessThanOrEqual(10);
    await runner.stop();
    await store.close();
  });

  it("moves a filtered projection's checkpoint over the events it skips, so a restart reads nothing again", async () => {
    const store = sqliteEventStore({ path: join(dir, `skip-${++files}.db`), pollIntervalMs: 10 });
    const log = logOn(store);
    const target = sqliteTarget(store.db, {
      name: 'rare',
      filter: { eventTypePrefixes: ['ContactRegistered'] },
      setup: (db) => db.exec('CREATE TABLE IF NOT EXISTS rare (n INTEGER)'),
      drop: (db) => db.exec('DROP TABLE IF EXISTS rare'),
      apply: (db) => void db.prepare('INSERT INTO rare (n) VALUES (1)').run(),
    });
    const runner = new ProjectionRunner(log, target);
    await runner.start();
    await log.append('contact-a', [{ type: 'ContactRegistered', data: { contactId: 'a', name: 'Ada', emails: [] } }], 'any', context);
    let head = await appendNotes(log, 500);
    await runner.waitFor(head);
    for (let i = 0; i < 50; i++) ({ position: head } = await log.append('firm-live', [note(i)], 'any', context));
    await runner.waitFor(head);
    // waitFor may answer from a read of its own; the runner's position follows from its subscription.
    while (runner.status.position !== head) await new Promise((resolve) => setTimeout(resolve, 5));
    await runner.stop();
    expect(await target.checkpoint()).toBe(head);
    // A restart starts at the head: nothing before it is read again.
    const resumed = new ProjectionRunner(log, target);
    await resumed.start();
    expect(resumed.status.position).toBe(head);
    await resumed.stop();
    await store.close();
  });
});
