import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedPortal, type EmbeddedPortal } from '../../adapters/embedded.js';
import type { Caller } from '../../src/application/context.js';
import type { Portal } from '../../src/application/portal.js';
import { platformCaller } from '../support/portal.js';

// A download streams at the reader's pace. The read models share the embedded store's connection,
// so while the export waits for its reader, appends and other queries on that connection must
// still run: no statement may be left mid-iteration across an await.

const CLIENTS = 1100; // more than two of the export's chunks
const dir = mkdtempSync(join(tmpdir(), 'export-stream-'));
let embedded: EmbeddedPortal | undefined;
let portal: Portal;
let staff: Caller;

beforeAll(async () => {
  embedded = openEmbeddedPortal({ dataDir: dir });
  ({ portal } = embedded);
  const firm = await portal.firms.createFirm(platformCaller, { name: 'Harbour', partnerAdmin: { name: 'Pat Partner', email: 'pat@harbour.example' } });
  staff = { tenantId: firm.firmId, actor: { kind: 'staff', userId: firm.partnerAdminId } };
  for (let i = 0; i < CLIENTS; i++) {
    const n = String(i).padStart(4, '0');
    await portal.clients.createClient(staff, { kind: 'individual', owners: [{ name: `Client ${n}`, emails: [`c${n}@example.com`] }] });
  }
}, 120_000);

afterAll(async () => {
  await embedded?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a streaming activation CSV', { timeout: 60_000 }, () => {
  it('leaves the connection free for commands and queries while its reader waits', async () => {
    const csv = (await portal.exports.activationCsv(staff, {}))[Symbol.asyncIterator]();
    const first = await csv.next();
    expect(first.done).toBe(false);
    let text = first.value as string;

    // The reader is slow: meanwhile the firm works on.
    const { clientId } = await portal.clients.createClient(staff, { kind: 'individual', owners: [{ name: 'Zed Late', emails: ['zed@late.example'] }] });
    const found = await portal.clientList.search(staff, { text: 'zed late' });
    expect(found.items.map((c) => c.clientId)).toEqual([clientId]);

    for (let next = await csv.next(); !next.done; next = await csv.next()) text += next.value;
    const records = parse(text) as string[][];
    expect(records[0]![0]).toBe('Client');
    const names = records.slice(1).map((r) => r[2]);
    const expected = Array.from({ length: CLIENTS }, (_, i) => `Client ${String(i).padStart(4, '0')}`);
    // Read in chunks, so a client added while streaming shows when it sorts after the chunk being read.
    expect(names.filter((n) => n !== 'Zed Late')).toEqual(expected);
  });

  it('does the same as of an instant (replayed aside, then read in chunks)', async () => {
    const asOf = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const csv = (await portal.exports.activationCsv(staff, { asOf }))[Symbol.asyncIterator]();
    let text = ((await csv.next()).value as string) ?? '';
    await portal.clients.createClient(staff, { kind: 'individual', owners: [{ name: 'Amy Later', emails: ['amy@later.example'] }] });
    expect((await portal.clientList.search(staff, { text: 'amy later' })).items).toHaveLength(1);
    for (let next = await csv.next(); !next.done; next = await csv.next()) text += next.value;
    const names = (parse(text) as string[][]).slice(1).map((r) => r[2]);
    const expected = Array.from({ length: CLIENTS }, (_, i) => `Client ${String(i).padStart(4, '0')}`);
    expect(names.filter((n) => n !== 'Zed Late')).toEqual(expected); // Amy came after the instant
  });
});
