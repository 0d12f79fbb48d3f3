/**
 * A firm's whole journey through a real server on a loopback port (`npm start`'s service on a
 * fresh data folder): the activation links are read from the .eml files the service writes.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../adapters/http/config.js';
import { startService, type RunningService } from '../../../adapters/http/service.js';
import { simpleParser } from 'mailparser';
import { linkIn } from '../../support/mail.js';

let service: RunningService;
let dir: string;
let operator: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portal-journey-'));
  const lines: string[] = [];
  service = await startService(parseConfig({ PORT: '0', PORTAL_DATA_DIR: dir, LOG_LEVEL: 'silent' }, []), { print: (l) => lines.push(l), graceMs: 1000 });
  operator = /(cpo_\S+)/.exec(lines.join('\n'))![1]!;
});
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function http(method: string, path: string, options: { token?: string; json?: unknown; bytes?: Uint8Array; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.bytes) {
    headers['content-type'] ??= 'application/octet-stream';
    body = options.bytes;
  }
  const response = await fetch(`${service.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const type = response.headers.get('content-type') ?? '';
  const raw = new Uint8Array(await response.arrayBuffer());
  const text = new TextDecoder().decode(raw);
  const answer = type.includes('json') && text ? JSON.parse(text) : type.startsWith('text/') || type === '' ? text : raw;
  return { status: response.status, headers: response.headers, body: answer };
}

/** The activation link mailed to `email` last (an .eml file in the outbox, parsed): contact id and raw token. */
async function activationLinkTo(email: string): Promise<{ contactId: string; token: string }> {
  await service.mailSettled();
  const outbox = join(dir, 'outbox');
  const mails = await Promise.all(readdirSync(outbox).sort().map((f) => simpleParser(readFileSync(join(outbox, f)))));
  const last = mails.filter((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === email).at(-1)!;
  return linkIn(last.text!);
}

describe("a firm's whole journey over HTTP", () => {
  it('runs from opening the firm to the audit of its past', async () => {
    // The platform opens the firm; its first partner admin gets an API token.
    const firm = await http('POST', '/firms', { token: operator, json: { name: 'Harbour Accountants', partnerAdmin: { name: 'Pat Partner', email: 'pat@harbour.example' } } });
    expect(firm.status).toBe(201);
    const { firmId, apiToken: pat } = firm.body;

    // Clients: two individuals and a group.
    const add = async (body: unknown) => (await http('POST', '/clients', { token: pat, json: body })).body;
    const ann = await add({ kind: 'individual', owners: [{ name: 'Ann Smith', emails: ['ann@smith.example'] }], subscription: 'pro' });
    const bob = await add({ kind: 'individual', owners: [{ name: 'Bob Brown', emails: ['bob@brown.example'] }] });
    const family = await add({ kind: 'group', name: 'Jones Family', owners: [{ name: 'Jo Jones', emails: ['jo@jones.example'] }, { name: 'Jay Jones', emails: ['jay@jones.example'] }] });

    // Invite in bulk; each invited owner gets an email with a link.
    const invited = await http('POST', '/invitations/bulk', { token: pat, json: { clientIds: [ann.clientId, bob.clientId, family.clientId] } });
    expect(invited.status).toBe(200);
    expect(invited.body.results.every((r: { ok: boolean }) => r.ok)).toBe(true);

    // Ann follows her link, sets a password and logs in on the firm's portal.
    const link = await activationLinkTo('ann@smith.example');
    expect(link.contactId).toBe(ann.ownerIds[0]);
    const accepted = await http('POST', '/invitations/accept', { json: { ...link, password: 'a long passphrase' } });
    expect(accepted.status).toBe(200);
    const login = await http('POST', `/firms/${firmId}/login`, { json: { loginEmail: 'ann@smith.example', password: 'a long passphrase' } });
    expect(login.status).toBe(200);
    expect(login.headers.get('set-cookie')).toContain('HttpOnly');
    const annSession = login.body.session.token;
    const annId = ann.ownerIds[0];

    // The firm shares the Tax folder and uploads her return there.
    const shared = await http('PUT', `/contacts/${annId}/portal-access/shared-items`, { token: pat, json: { sharedItems: [{ kind: 'folder', path: 'Tax' }] } });
    expect(shared.status).toBe(200);
    const returnPdf = new TextEncoder().encode('%PDF-1.7 Ann Smith 2025 tax return');
    const uploaded = await http('POST', `/clients/${ann.clientId}/documents?folderPath=Tax&name=${encodeURIComponent('2025 Return.pdf')}`, { token: pat, bytes: returnPdf, headers: { 'content-type': 'application/pdf' } });
    expect(uploaded.status).toBe(201);
    const documentId = uploaded.body.document.documentId;

    // Ann sees it and downloads it, byte for byte.
    const mine = await http('GET', '/me/documents', { token: annSession });
    expect(mine.body.map((d: { name: string }) => d.name)).toEqual(['2025 Return.pdf']);
    const download = await http('GET', `/documents/${documentId}/content`, { token: annSession });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(download.body)).toEqual(Buffer.from(returnPdf));
    expect(download.headers.get('content-disposition')).toContain('2025 Return.pdf');

    // Ann uploads a receipt back; the firm sees it beside its own.
    const receipt = new TextEncoder().encode('receipt: 120.00');
    const back = await http('POST', `/clients/${ann.clientId}/documents?folderPath=Uploads&name=receipt.txt`, { token: annSession, bytes: receipt });
    expect(back.status).toBe(201);
    const documents = await http('GET', `/clients/${ann.clientId}/documents`, { token: pat });
    expect(documents.body.items.map((d: { name: string }) => d.name).sort()).toEqual(['2025 Return.pdf', 'receipt.txt']);
    // She cannot remove the firm's file.
    expect((await http('DELETE', `/documents/${documentId}`, { token: annSession })).status).toBe(403);

    // The client list: search, and what it says about each member.
    const search = await http('GET', '/client-list?text=smith', { token: pat });
    expect(search.body.items.map((c: { clientId: string }) => c.clientId)).toEqual([ann.clientId]);
    expect(search.body.items[0].members[0].statusText).toMatch(/^Last logged in/);

    // The CSV export.
    const csv = await http('GET', '/exports/activation.csv', { token: pat });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.body).toContain('Ann Smith');
    expect(csv.body).toContain('Jones Family');

    // Closing her access kills her session at once.
    const beforeClose = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await http('POST', `/contacts/${annId}/portal-access/close`, { token: pat, json: { via: 'toggle' } })).status).toBe(200);
    expect((await http('GET', '/me/documents', { token: annSession })).status).toBe(401);
    expect((await http('POST', `/firms/${firmId}/login`, { json: { loginEmail: 'ann@smith.example', password: 'a long passphrase' } })).status).toBe(403);

    // History, and the access as it stood before it was closed.
    const history = await http('GET', `/clients/${ann.clientId}/history`, { token: pat });
    expect(history.status).toBe(200);
    expect(history.body.items.length).toBeGreaterThan(5);
    const then = await http('GET', `/audit/access?at=${encodeURIComponent(beforeClose)}&clientId=${ann.clientId}`, { token: pat });
    expect(then.body.items.map((g: { contactId: string }) => g.contactId)).toEqual([annId]);
    const now = await http('GET', `/audit/access?at=${encodeURIComponent(new Date().toISOString())}&clientId=${ann.clientId}`, { token: pat });
    expect(now.body.items).toEqual([]);
  });
});
