import type { Database } from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sqliteEventStore, type SqliteEventStore } from '../../adapters/event-store/sqlite.js';
import { newEvent } from '../contract/event-store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'sqlite-reads-'));
let files = 0;
const open: SqliteEventStore[] = [];
function openStore(): SqliteEventStore {
  const store = sqliteEventStore({ path: join(dir, `store-${++files}.db`), durability: 'normal', pollIntervalMs: 10 });
  open.push(store);
  return store;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Counts the rows SQLite examines for a filter: the store's filters compare prefixes with
 * substr(), called once per row and prefix, so a counting substr (same results) measures them.
 * Registered before the store prepares its filtered queries, so they use it.
 */
function countRowsExamined(db: Database): { readonly rows: number } {
  let calls = 0;
  db.function('substr', { deterministic: true }, (text: unknown, start: unknown, length: unknown) => {
    calls++;
    const chars = [...String(text)];
    return chars.slice(Number(start) - 1, Number(start) - 1 + Number(length)).join('');
  });
  return {
    get rows() {
      return calls;
    },
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SQLite reads', () => {
  it('examines each row once for a filtered subscription: cost follows new events, not the log', async () => {
    const store = openStore();
    const examined = countRowsExamined(store.db);
    for (let i = 0; i < 5; i++) await store.append(`old-${i}`, Array.from({ length: 1000 }, () => newEvent('Common')), 'any');
    const subscription = store.subscribe({ filter: { eventTypePrefixes: ['Rare'] } });
    const received: string[] = [];
    const reading = (async () => {
      for await (const event of subscription) received.push(event.type);
    })();
    await pause(50); // caught up over the 5,000 old rows
    const afterCatchUp = examined.rows;
    // 100 commits of events the filter skips, each followed by the subscription's poll.
    for (let i = 0; i < 100; i++) {
      await store.append('new', [newEvent('Common')], 'any');
      await pause(2);
    }
    await pause(50); // idle polls too
    await store.append('rare', [newEvent('RareThing')], 'any');
    while (received.length === 0) await pause(5);
    await subscription.close();
    await reading;
    expect(afterCatchUp).toBeGreaterThanOrEqual(5000);
    expect(afterCatchUp).toBeLessThan(5100);
    // Rescanning the tail on every poll would examine the 5,000 old rows a hundred times over.
    expect(examined.rows - afterCatchUp).toBeLessThanOrEqual(101);
    expect(received).toEqual(['RareThing']);
  });

  it('tells a woken subscription what a group commit wrote, without missing what matches', async () => {
    const store = openStore();
    const retried = [newEvent('Common'), newEvent('Common')];
    await store.append('retried', retried, 'no_stream');
    const subscription = store.subscribe({ filter: { eventTypePrefixes: ['Rare'] } });
    const received: string[] = [];
    const reading = (async () => {
      for await (const event of subscription) received.push(event.streamId);
    })();
    await pause(30);
    // One group commit: a retry (rows written before), skipped events, and matching ones among them.
    await Promise.all([
      store.append('retried', retried, 'no_stream'),
      store.append('a', [newEvent('Common'), newEvent('RareOne')], 'any'),
      store.append('b', [newEvent('Common')], 'any'),
      store.append('c', [newEvent('RareTwo'), newEvent('Common')], 'any'),
    ]);
    for (let i = 0; i < 20; i++) await store.append(`skip-${i}`, [newEvent('Common')], 'any');
    await store.append('d', [newEvent('RareThree')], 'any');
    while (received.length < 3) await pause(5);
    await subscription.close();
    await reading;
    expect(received).toEqual(['a', 'c', 'd']);
  });

  it('stops a page at about 4 MiB of data', async () => {
    const store = openStore();
    const big = 'x'.repeat(1024 * 1024);
    await store.append('big', Array.from({ length: 12 }, (_, i) => newEvent('Big', { i, big })), 'no_stream');
    // Rows changed after the first event arrived show which rows the first page had already fetched.
    const sizes: number[] = [];
    for await (const event of store.readAll()) {
      if (sizes.length === 0) store.db.prepare("UPDATE events SET data = '{\"changed\":true}' WHERE position > ?").run(event.position);
      sizes.push(JSON.stringify(event.data).length);
    }
    const firstPage = sizes.findIndex((size) => size < 100);
    expect(sizes).toHaveLength(12);
    expect(firstPage).toBeGreaterThanOrEqual(4); // 4 MiB of 1 MiB events
    expect(firstPage).toBeLessThanOrEqual(5);
  });
});
