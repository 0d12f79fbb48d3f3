import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quickXorHash } from '../../../src/sync/quick-xor-hash.js';
import type { Item } from '../../../adapters/onedrive/simulator/drive.js';
import { startGraphSimulator, type GraphSimulator } from '../../../adapters/onedrive/simulator/server.js';
import { bodyOf, signedIn } from './simulator-support.js';

let sim: GraphSimulator;
let client: Client;
let folder: Item;
const UNIT = 320 * 1024;
const put = (folderId: string, name: string, behaviour?: string) =>
  `/me/drive/items/${encodeURIComponent(folderId)}:/${encodeURIComponent(name)}:/content${behaviour === undefined ? '' : `?@microsoft.graph.conflictBehavior=${behaviour}`}`;
const fragment = (url: string, bytes: Buffer, start: number, total: number, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'PUT', body: bytes, headers: { 'content-range': `bytes ${start}-${start + bytes.length - 1}/${total}`, ...headers } });

beforeAll(async () => {
  sim = await startGraphSimulator();
  ({ client } = await signedIn(sim));
  folder = sim.personal.addFolder('/', 'Uploads');
});
afterAll(() => sim.close());

describe('Graph simulator: uploads', () => {
  it('creates a file by a simple PUT (201), then replaces it by default (200)', async () => {
    const created = await client.api(put(folder.id, 'simple.txt')).put(Buffer.from('first'));
    expect(created).toMatchObject({ name: 'simple.txt', size: 5, file: { hashes: { quickXorHash: quickXorHash(Buffer.from('first')) } } });
    const raw = await client.api(put(folder.id, 'simple.txt')).responseType('raw' as never).put(Buffer.from('second'));
    expect((raw as Response).status).toBe(200);
    expect(sim.personal.resolve(created.id).content.toString()).toBe('second');
  });

  it('refuses a name clash with conflictBehavior=fail and renames beside it with rename', async () => {
    await client.api(put(folder.id, 'clash.pdf')).put(Buffer.from('a'));
    const refused = await client.api(put(folder.id, 'clash.pdf', 'fail')).put(Buffer.from('b')).catch((e: unknown) => e);
    expect(refused).toMatchObject({ statusCode: 409, code: 'nameAlreadyExists' });
    const renamed = await client.api(put(folder.id, 'CLASH.pdf', 'rename')).put(Buffer.from('c'));
    expect(renamed.name).toBe('CLASH 1.pdf');
    expect((await client.api(put(folder.id, 'clash.pdf', 'rename')).put(Buffer.from('d'))).name).toBe('clash 2.pdf');
  });

  it('replaces only the version named by If-Match (412 otherwise)', async () => {
    const created = await client.api(put(folder.id, 'guarded.txt')).put(Buffer.from('v1'));
    const byId = `/me/drive/items/${encodeURIComponent(created.id)}/content`;
    const updated = await client.api(byId).header('If-Match', created.eTag).put(Buffer.from('v2'));
    expect(updated.cTag).not.toBe(created.cTag);
    const stale = await client.api(byId).header('If-Match', created.eTag).put(Buffer.from('v3')).catch((e: unknown) => e);
    expect(stale).toMatchObject({ statusCode: 412 });
    expect(sim.personal.resolve(created.id).content.toString()).toBe('v2');
  });

  it('uploads a large file in 320 KiB fragments through a session that needs no bearer token', async () => {
    const content = Buffer.alloc(UNIT * 2 + 1000, 7);
    const session = await client.api(`/me/drive/items/${encodeURIComponent(folder.id)}:/large.bin:/createUploadSession`).post({
      item: { '@microsoft.graph.conflictBehavior': 'rename' },
    });
    expect(session.nextExpectedRanges).toEqual(['0-']);
    const first = await fragment(session.uploadUrl, content.subarray(0, UNIT), 0, content.length);
    expect(first.status).toBe(202);
    expect((await bodyOf(first)).nextExpectedRanges).toEqual([`${UNIT}-${content.length - 1}`]);
    // A fragment the server already has: 416; the status tells where to resume.
    expect((await fragment(session.uploadUrl, content.subarray(0, UNIT), 0, content.length)).status).toBe(416);
    const status = await bodyOf(await fetch(session.uploadUrl));
    expect(status.nextExpectedRanges).toEqual([`${UNIT}-${content.length - 1}`]);
    // A middle fragment that is not a multiple of 320 KiB: 400.
    expect((await fragment(session.uploadUrl, content.subarray(UNIT, UNIT + 1000), UNIT, content.length)).status).toBe(400);
    // A bearer token sent to the upload URL: 401.
    const withBearer = await fragment(session.uploadUrl, content.subarray(UNIT, 2 * UNIT), UNIT, content.length, { authorization: 'Bearer x' });
    expect(withBearer.status).toBe(401);
    expect((await fragment(session.uploadUrl, content.subarray(UNIT, 2 * UNIT), UNIT, content.length)).status).toBe(202);
    const last = await fragment(session.uploadUrl, content.subarray(2 * UNIT), 2 * UNIT, content.length);
    expect(last.status).toBe(201);
    const item = await bodyOf(last);
    expect(item).toMatchObject({ name: 'large.bin', size: content.length, file: { hashes: { quickXorHash: quickXorHash(content) } } });
    expect((await fetch(session.uploadUrl)).status).toBe(404);
  });

  it('refuses a session for an existing name by default (fail), and one cancelled by DELETE', async () => {
    await client.api(put(folder.id, 'taken.bin')).put(Buffer.from('x'));
    const refused = await client.api(`/me/drive/items/${encodeURIComponent(folder.id)}:/taken.bin:/createUploadSession`).post({}).catch((e: unknown) => e);
    expect(refused).toMatchObject({ statusCode: 409, code: 'nameAlreadyExists' });
    const session = await client.api(`/me/drive/items/${encodeURIComponent(folder.id)}:/cancelled.bin:/createUploadSession`).post({});
    expect((await fetch(session.uploadUrl, { method: 'DELETE' })).status).toBe(204);
    expect((await fragment(session.uploadUrl, Buffer.from('x'), 0, 1)).status).toBe(404);
  });

  it('replaces an existing file through a session on its id (200 at the end)', async () => {
    const created = await client.api(put(folder.id, 'replace-me.bin')).put(Buffer.from('old'));
    const session = await client.api(`/me/drive/items/${encodeURIComponent(created.id)}/createUploadSession`).post({});
    const done = await fragment(session.uploadUrl, Buffer.from('new content'), 0, 11);
    expect(done.status).toBe(200);
    expect((await bodyOf(done)).id).toBe(created.id);
  });

  it('answers 507 when the upload would exceed the quota', async () => {
    const quota = sim.personal.quotaBytes;
    sim.personal.quotaBytes = sim.personal.usedBytes + 10;
    try {
      const refused = await client.api(put(folder.id, 'too-big.bin')).put(Buffer.alloc(11)).catch((e: unknown) => e);
      expect(refused).toMatchObject({ statusCode: 507, code: 'quotaLimitReached' });
      const session = await client
        .api(`/me/drive/items/${encodeURIComponent(folder.id)}:/too-big-2.bin:/createUploadSession`)
        .post({ item: { fileSize: 11 } })
        .catch((e: unknown) => e);
      expect(session).toMatchObject({ statusCode: 507 });
    } finally {
      sim.personal.quotaBytes = quota;
    }
  });
});
