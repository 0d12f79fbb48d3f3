import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedPortal } from '../../adapters/embedded.js';
import { startEsdbStandIn, type EsdbStandIn } from '../support/esdb-stand-in.js';
import type { AccessGrant, HistoryEntry } from '../../src/application/read-models.js';
import { platformCaller } from '../support/portal.js';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'cli-'));
const dbPath = join(dir, 'portal.db');
let firmId: string;
let clientId: string;
let annId: string;
/** Before Ann had portal access and before Bob was a client; after both. */
let beforeAccess: string;
let afterAccess: string;
/** What createPortal itself answers, to compare the CLI's lines with. */
let historyNow: HistoryEntry[];
let historyBefore: HistoryEntry[];
let grantsAfter: AccessGrant[];

/** Runs the bin as a user would (node + tsx), never failing: the exit code is part of the answer. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, PORTAL_DB: '', EVENTSTORE_URL: '' };
  try {
    const { stdout, stderr } = await run(process.execPath, [join(root, 'bin/client-portal.js'), ...args], { cwd: dir, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Every read model's rows and checkpoints, to compare before and after a rebuild. */
function readModelDump(): Record<string, unknown[]> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE 'rm\\_%' ESCAPE '\\' OR name = 'projection_checkpoints') ORDER BY name").pluck().all() as string[];
    // FTS5's own b-tree segments depend on the order of past writes; its content is compared, not its layout.
    const compared = tables.filter((t) => !/_text_(data|idx|docsize|config)$/.test(t));
    return Object.fromEntries(compared.map((t) => [t, db.prepare(`SELECT * FROM "${t}"`).all().map((row) => JSON.stringify(row)).sort()]));
  } finally {
    db.close();
  }
}

// SQLite's own -wal and -shm files come and go with connections.
const filesIn = (folder: string) => readdirSync(folder).filter((f) => !/-(wal|shm)$/.test(f)).sort();

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** An instant strictly between the events before and after it. */
async function instantBetween(): Promise<string> {
  await pause(5);
  const at = new Date().toISOString();
  await pause(5);
  return at;
}

beforeAll(async () => {
  const { portal, store, readModels, close } = openEmbeddedPortal({ dbPath });
  const firm = await portal.firms.createFirm(platformCaller, { name: 'Harbour CLI', partnerAdmin: { name: 'Pat Partner', email: 'pat@harbour.example' } });
  firmId = firm.firmId;
  const staff = { tenantId: firmId, actor: { kind: 'staff' as const, userId: firm.partnerAdminId } };
  const ann = await portal.clients.createClient(staff, { kind: 'individual', owners: [{ name: 'Ann "Annie" Smith, Jr.', emails: ['ann@smith.example'] }] });
  ({ clientId } = ann);
  annId = ann.ownerIds[0]!;
  beforeAccess = await instantBetween();
  await portal.access.openPortalAccess(staff, { clientId, contactId: annId, loginEmail: 'ann@smith.example', sharedItems: [{ kind: 'folder', path: 'Tax' }] });
  await portal.clients.createClient(staff, { kind: 'individual', owners: [{ name: 'Bob Brown', emails: ['bob@brown.example'] }] });
  afterAccess = await instantBetween();
  historyNow = (await portal.audit.history(staff, { clientId, limit: 200 })).items;
  historyBefore = (await portal.audit.history(staff, { clientId, asOf: beforeAccess, limit: 200 })).items;
  grantsAfter = (await portal.audit.accessAsOf(staff, { at: afterAccess, limit: 200 })).items;
  await readModels.waitFor((await store.lastPosition())!);
  await close();
}, 30_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('client-portal CLI', { timeout: 30_000 }, () => {
  it('lists its commands, and shows help for each', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    for (const name of ['rebuild', 'export-csv', 'history', 'access']) {
      expect(top.stdout).toContain(name);
      const help = await cli(name, '--help');
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: client-portal ${name}`));
      expect(help.stdout).toContain('--db PATH');
    }
  });

  it('rebuilds every read model with progress lines off a TTY, to what they were', async () => {
    const before = readModelDump();
    expect(Object.keys(before)).toContain('projection_checkpoints');
    const { code, stderr } = await cli('rebuild', '--db', dbPath);
    expect(code, stderr).toBe(0);
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^rebuild: 0\/\d+ events/);
    expect(lines.at(-1)).toMatch(/^rebuilt: (\d+)\/\1 events \(100%\), \d+ events\/s, ETA 0s$/);
    expect(readModelDump()).toEqual(before);
  });

  it('rebuilds only the read models named', async () => {
    const before = readModelDump();
    const { code, stderr } = await cli('rebuild', 'people', '--db', dbPath);
    expect(code, stderr).toBe(0);
    expect(readModelDump()).toEqual(before);
  });

  it('exports the CSV to --out, complete, and to stdout', async () => {
    const out = join(dir, 'activation.csv');
    const { code, stderr } = await cli('export-csv', '--db', dbPath, '--firm', firmId, '--out', out, '--bom');
    expect(code, stderr).toBe(0);
    const records = parse(readFileSync(out, 'utf8'), { bom: true }) as string[][];
    expect(records[0]![0]).toBe('Client');
    expect(records.map((r) => r[2])).toEqual(['Member name', 'Ann "Annie" Smith, Jr.', 'Bob Brown']);
    expect(records[1]![12]).toBe('pending');
    const stdout = await cli('export-csv', '--db', dbPath, '--firm', firmId);
    expect(stdout.stdout).toBe(readFileSync(out, 'utf8').slice(1));
    rmSync(out);
  });

  it('exports the CSV as it stood at --as-of, with a BOM', async () => {
    const out = join(dir, 'then.csv');
    const { code, stderr } = await cli('export-csv', '--db', dbPath, '--firm', firmId, '--as-of', beforeAccess, '--out', out, '--bom');
    expect(code, stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parse(text, { bom: true }) as string[][];
    expect(header![12]).toBe('Portal access');
    // Bob was not a client yet, Ann had no portal access yet.
    expect(rows.map((r) => [r[2], r[6], r[12]])).toEqual([['Ann "Annie" Smith, Jr.', 'Not invited', 'none']]);
    rmSync(out);
  });

  it("prints a client's history as readable lines, newest first, and as JSON", async () => {
    const line = (e: HistoryEntry) => `${e.at}  ${e.actor.name} (${e.actor.kind})  ${e.text}`;
    expect(historyNow.length).toBeGreaterThan(historyBefore.length);
    const now = await cli('history', '--db', dbPath, '--client', clientId);
    expect(now.code, now.stderr).toBe(0);
    expect(now.stdout).toBe(historyNow.map((e) => `${line(e)}\n`).join(''));
    expect(now.stdout).toContain('Pat Partner (staff)');
    const json = await cli('history', '--db', dbPath, '--client', clientId, '--json');
    expect(json.stdout.trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual(historyNow);
  });

  it("prints a client's history as it stood at --as-of", async () => {
    const then = await cli('history', '--db', dbPath, '--client', clientId, '--as-of', beforeAccess);
    expect(then.code, then.stderr).toBe(0);
    const lines = then.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(historyBefore.length);
    expect(lines.map((l) => l.split('  ')[0]!).every((at) => at <= beforeAccess)).toBe(true);
    expect(lines.map((l) => l.split('  ').slice(2).join('  '))).toEqual(historyBefore.map((e) => e.text));
  });

  it('prints who had portal access at --as-of: nobody before, Ann after', async () => {
    const before = await cli('access', '--db', dbPath, '--firm', firmId, '--as-of', beforeAccess);
    expect(before.code, before.stderr).toBe(0);
    expect(before.stdout).toBe('');
    const after = await cli('access', '--db', dbPath, '--firm', firmId, '--as-of', afterAccess);
    expect(after.code, after.stderr).toBe(0);
    const [grant] = grantsAfter;
    expect(grantsAfter).toHaveLength(1);
    expect(after.stdout).toBe(`Ann "Annie" Smith, Jr.  Ann "Annie" Smith, Jr. <ann@smith.example>  pending since ${grant!.validFrom}  1 shared item  granted by Pat Partner\n`);
    const json = await cli('access', '--db', dbPath, '--firm', firmId, '--as-of', afterAccess, '--json');
    expect(json.stdout.trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual(grantsAfter);
    expect(grantsAfter[0]).toMatchObject({ contactId: annId, loginEmail: 'ann@smith.example' });
  });

  describe('refusals: one line on stderr, a non-zero exit, nothing written', () => {
    const refusals: Array<[string, () => string[], RegExp]> = [
      ['an unknown firm', () => ['export-csv', '--db', dbPath, '--firm', 'no-such-firm', '--out', join(dir, 'out.csv')], /No firm has the id no-such-firm/],
      ['a bad date', () => ['export-csv', '--db', dbPath, '--firm', firmId, '--as-of', 'yesterday', '--out', join(dir, 'out.csv')], /--as-of must be an ISO 8601 date-time/],
      ['a date without an offset', () => ['access', '--db', dbPath, '--firm', firmId, '--as-of', '2026-01-01T00:00:00'], /--as-of must be/],
      ['a missing --as-of', () => ['access', '--db', dbPath, '--firm', firmId], /--as-of is required/],
      ['a missing database file', () => ['export-csv', '--db', join(dir, 'missing.db'), '--firm', firmId], /No database at .*missing\.db/],
      ['an unknown projection', () => ['rebuild', 'clients', '--db', dbPath], /No read model is called clients/],
      ['an unknown option', () => ['export-csv', '--db', dbPath, '--frim', firmId], /Unknown option '--frim'/],
      ['an unknown command', () => ['rebiuld'], /Unknown command "rebiuld"/],
      ['an unknown client', () => ['history', '--db', dbPath, '--client', 'no-such-client'], /No client has the id no-such-client/],
      ['an unknown firm for access', () => ['access', '--db', dbPath, '--firm', 'no-such-firm', '--as-of', '2026-01-01T00:00:00Z'], /No firm has the id no-such-firm/],
      ['a bad history date', () => ['history', '--db', dbPath, '--client', clientId, '--as-of', '2026-13-01T00:00:00Z'], /--as-of must be an ISO 8601 date-time/],
      ['a bad access date', () => ['access', '--db', dbPath, '--firm', firmId, '--as-of', 'now'], /--as-of must be an ISO 8601 date-time/],
      ['an unknown firm with --as-of', () => ['export-csv', '--db', dbPath, '--firm', 'no-such-firm', '--as-of', '2026-01-01T00:00:00Z', '--out', join(dir, 'out.csv'), '--bom'], /No firm has the id no-such-firm/],
      ['an output folder that does not exist', () => ['export-csv', '--db', dbPath, '--firm', firmId, '--out', join(dir, 'nowhere', 'out.csv')], /ENOENT/],
    ];
    it.each(refusals)('refuses %s', async (_label, args, message) => {
      const files = filesIn(dir);
      const before = readModelDump();
      const { code, stdout, stderr } = await cli(...args());
      expect(code).not.toBe(0);
      expect(stderr).toMatch(message);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stdout).toBe('');
      expect(filesIn(dir)).toEqual(files);
      expect(readModelDump()).toEqual(before);
    });
  });
});

describe('client-portal CLI on EventStoreDB (the loopback stand-in)', { timeout: 30_000 }, () => {
  let standIn: EsdbStandIn;
  const localDb = join(dir, 'local.db');
  beforeAll(async () => {
    standIn = await startEsdbStandIn();
    const { portal, store, readModels, close } = openEmbeddedPortal({ dbPath: localDb, eventStoreUrl: standIn.connectionString });
    await portal.firms.createFirm(platformCaller, { name: 'Harbour ESDB', partnerAdmin: { name: 'Pat Partner', email: 'pat@harbour.example' } });
    await readModels.waitFor((await store.lastPosition())!);
    await close();
  }, 30_000);
  afterAll(() => standIn?.close());

  it('rebuilds from the events on the server into the local SQLite file', async () => {
    const { code, stderr } = await cli('rebuild', '--eventstore', standIn.connectionString, '--db', localDb);
    expect(code, stderr).toBe(0);
    expect(stderr.trim().split('\n').at(-1)).toMatch(/^rebuilt: (\d+)\/\1 events \(100%\)/);
  });

  it('refuses a local file that does not exist', async () => {
    const { code, stderr } = await cli('rebuild', '--eventstore', standIn.connectionString, '--db', join(dir, 'no-local.db'));
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/No database at/);
    expect(existsSync(join(dir, 'no-local.db'))).toBe(false);
  });
});
