import { beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../src/application/context.js';
import { createPortal, type Portal } from '../../src/application/portal.js';
import { ValidationError } from '../../src/core/errors.js';
import { hashOf } from '../support/content-hash.js';
import { platformCaller, testPortal, type TestPortal } from '../support/portal.js';
import { apiTable, type ApiCall, type Ids } from './api-table.js';

// The issue's "done when": every application function, called with an unknown key, an oversized
// value in every bounded field and control characters, is refused with a ValidationError naming
// the field, and nothing is appended.

let test: TestPortal;
let portal: Portal;
let pat: Caller;
let ids: Ids;

beforeAll(async () => {
  test = testPortal();
  portal = createPortal(test.deps);
  const firm = await portal.firms.createFirm(platformCaller, { name: 'Harbour', partnerAdmin: { name: 'Pat Partner', email: 'pat@harbour.example' } });
  pat = { tenantId: firm.firmId, actor: { kind: 'staff', userId: firm.partnerAdminId } };
  const { clientId, ownerIds } = await portal.clients.createClient(pat, { kind: 'individual', owners: [{ name: 'Ann Smith', emails: ['ann@smith.example'] }] });
  const uploaded = { clientId, folderPath: 'Tax', name: 'Return.pdf', size: 1, contentHash: hashOf(1), blobRef: 'blob-1' };
  const { document } = await portal.documents.uploadDocument(pat, uploaded);
  ids = { firmId: firm.firmId, userId: firm.partnerAdminId, clientId, contactId: ownerIds[0]!, documentId: document.documentId };
});

/** The store's last global position: equal before and after means nothing was appended. */
async function lastPosition(): Promise<number> {
  let last = 0;
  for await (const event of test.store.readAll()) last = event.position;
  return last;
}

type Json = Record<string, unknown>;
const setAt = (root: Json, path: string, value: unknown): Json => {
  const copy = structuredClone(root);
  const keys = path.split('.');
  let node: any = copy;
  for (const key of keys.slice(0, -1)) node = node[key];
  node[keys.at(-1)!] = value;
  return copy;
};
const getAt = (root: unknown, path: string): unknown => (path === '' ? root : path.split('.').reduce<any>((node, key) => node?.[key], root));

/** Paths of every string, number and list in a value (lists also by element), and of every object. */
function leaves(value: unknown, at = ''): { bounded: string[]; objects: string[] } {
  const join = (key: string | number) => (at ? `${at}.${key}` : String(key));
  if (typeof value === 'string' || typeof value === 'number') return { bounded: [at], objects: [] };
  if (Array.isArray(value)) {
    const inner = value.map((item, i) => leaves(item, join(i)));
    return { bounded: [at, ...inner.flatMap((l) => l.bounded)], objects: inner.flatMap((l) => l.objects) };
  }
  if (value !== null && typeof value === 'object') {
    const inner = Object.entries(value).map(([key, item]) => leaves(item, join(key)));
    return { bounded: inner.flatMap((l) => l.bounded), objects: [at, ...inner.flatMap((l) => l.objects)] };
  }
  return { bounded: [], objects: [] };
}

/** Bigger than any bound: 10,001 more characters, 1,001 items, or the largest safe integer. */
function oversized(value: unknown): unknown {
  if (typeof value === 'string') return value + 'x'.repeat(10_001);
  if (typeof value === 'number') return Number.MAX_SAFE_INTEGER;
  if (Array.isArray(value)) return Array.from({ length: 1001 }, () => value[0]);
  throw new Error(`nothing to oversize in ${JSON.stringify(value)}`);
}

const withControl = (text: string) => `${text.slice(0, 1)}\u0000${text.slice(1)}`;

function entriesOf(): Array<[string, ApiCall]> {
  return Object.entries(apiTable(ids)).flatMap(([name, entry]) => (Array.isArray(entry) ? entry : [entry]).map((e): [string, ApiCall] => [name, e]));
}

/** Runs one call; it must be refused with a ValidationError with an issue at `path`, appending nothing. */
async function expectRefused(label: string, entry: ApiCall, input: Json, path: string, caller: Caller = pat): Promise<void> {
  const before = await lastPosition();
  const error = await entry.call(portal, input, caller).then(() => undefined, (e: unknown) => e);
  expect(error, `${label}: ${String(error)}`).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).issues.map((i) => i.path), `${label}: ${(error as Error).message}`).toContain(path);
  expect(await lastPosition(), `${label} appended`).toBe(before);
}

describe('closed, bounded input on every application function', () => {
  it('has an entry for every function of createPortal', () => {
    const table = apiTable(ids);
    const functions = Object.entries(portal)
      .filter(([area]) => area !== 'log')
      .flatMap(([area, fns]) => Object.keys(fns as object).map((name) => `${area}.${name}`));
    expect(functions.filter((name) => !(name in table)), 'functions without an entry in api-table.ts').toEqual([]);
    expect(Object.keys(table).filter((name) => !functions.includes(name)), 'entries without a function').toEqual([]);
  });

  it("lists every string, list and number of each entry's input as bounded, and the valid input is valid", async () => {
    for (const [name, entry] of entriesOf()) {
      const open = entry.openObjects ?? [];
      const found = leaves(entry.valid).bounded.filter((path) => path !== '');
      expect(found.filter((path) => !entry.bounded.includes(path)), `${name}: fields missing from bounded`).toEqual([]);
      expect(entry.bounded.filter((path) => getAt(entry.valid, path) === undefined), `${name}: bounded paths not in valid`).toEqual([]);
      expect(open.every((path) => typeof getAt(entry.valid, path) === 'object')).toBe(true);
      const error = await entry.call(portal, entry.valid, pat).then(() => undefined, (e: unknown) => e);
      expect(error instanceof ValidationError ? `${name}: ${error.message}` : null).toBeNull();
    }
  });

  it('refuses an unknown key in every input object', async () => {
    for (const [name, entry] of entriesOf()) {
      const objects = leaves(entry.valid).objects.filter((path) => !(entry.openObjects ?? []).includes(path));
      for (const at of objects) {
        const target = { ...(getAt(entry.valid, at) as Json), nmae: 'x' };
        const input = at === '' ? target : setAt(entry.valid, at, target);
        await expectRefused(`${name} with ${at ? `${at}.` : ''}nmae`, entry, input, at ? `${at}.nmae` : 'nmae');
      }
    }
  });

  it('refuses an oversized value in every bounded field', async () => {
    for (const [name, entry] of entriesOf()) {
      for (const path of entry.bounded) await expectRefused(`${name} with oversized ${path}`, entry, setAt(entry.valid, path, oversized(getAt(entry.valid, path))), path);
    }
  });

  it('refuses control characters in every text field', async () => {
    for (const [name, entry] of entriesOf()) {
      const texts = entry.bounded.filter((path) => typeof getAt(entry.valid, path) === 'string' && !(entry.anyCharacters ?? []).includes(path));
      for (const path of texts) await expectRefused(`${name} with NUL in ${path}`, entry, setAt(entry.valid, path, withControl(getAt(entry.valid, path) as string)), path);
    }
  });

  it('refuses an oversized or unknown field in the caller', async () => {
    const long = 'x'.repeat(10_001);
    const callers: Array<[Caller, string]> = [
      [{ ...pat, tenantId: long }, 'caller.tenantId'],
      [{ ...pat, actor: { kind: 'staff', userId: long } }, 'caller.actor.userId'],
      [{ ...pat, correlationId: withControl('request-1') }, 'caller.correlationId'],
      [{ ...pat, sessionId: 's' } as Caller, 'caller.sessionId'],
    ];
    for (const [name, entry] of entriesOf()) {
      if (entry.noCaller) continue;
      for (const [caller, path] of callers) await expectRefused(`${name} from a caller with ${path}`, entry, entry.valid, path, caller);
    }
  });
});
