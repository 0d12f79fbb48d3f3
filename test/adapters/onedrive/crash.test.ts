/**
 * Crash: the service (`node adapters/http/main.ts`, as `npm start` runs it) syncs a folder of the
 * Graph simulator, which runs in this process (ONEDRIVE_SIMULATOR_URL). The simulator holds one
 * chosen request open (a fault rule with a delay: a delta page, two downloads, an upload fragment;
 * or with its answer held after the work is done: a simple upload, a replacement by a new portal
 * version) and the test SIGKILLs the service's process group then, and starts it again on the same
 * data folder. At the end the portal holds exactly the folder's files, each once with its content,
 * and each document marked for sync is in the drive exactly once.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startGraphSimulator, type GraphSimulator } from '../../../adapters/onedrive/simulator/server.js';
import type { ArmedFault, FaultRule } from '../../../adapters/onedrive/simulator/faults.js';
import { syncedDocumentId } from '../../../src/document/onedrive.js';
import { call, freePort, OPERATOR_TOKEN, openFirm, startServiceProcess, type ServiceProcess } from '../mail/service-support.js';
import { filesUnder } from './sync-support.js';

const closers: Array<() => Promise<unknown>> = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const sha256 = (bytes: Buffer | Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Seeded, so a failing run can be repeated (the seed is printed). */
function seeded(seed: number) {
  let s = seed >>> 0;
  return (below: number) => Math.floor(((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * below);
}

describe('the OneDrive sync killed with SIGKILL and started again', () => {
  it('ends with the folder’s files exactly once, and each upload in the drive exactly once', { timeout: 60_000 }, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
    const pick = seeded(seed);
    const sim: GraphSimulator = await startGraphSimulator({ delta: { pageSize: 40, duplicateEvery: 9 } });
    closers.push(() => sim.close());
    const d = sim.personal;
    d.addFolder('/', 'Acme');
    d.addFolder('/Acme', 'Tax');
    d.seedFiles('/Acme', 120, (n) => `letter-${n}.txt`, (n) => `letter ${n}`);
    d.seedFiles('/Acme/Tax', 80, (n) => `return-${n}.txt`, (n) => `return ${n}`);
    d.addFile('/Acme/Tax', 'scan.bin', randomBytes(3 * 1024 * 1024 + 5));

    const dataDir = mkdtempSync(join(tmpdir(), 'portal-onedrive-crash-'));
    dirs.push(dataDir);
    const port = await freePort();
    const env = {
      PORT: String(port),
      PORTAL_DATA_DIR: dataDir,
      PORTAL_BOOTSTRAP_TOKEN: OPERATOR_TOKEN,
      ONEDRIVE_CLIENT_ID: '00000000-1111-2222-3333-444444444444',
      ONEDRIVE_CLIENT_SECRET: 'secret',
      ONEDRIVE_CACHE_KEY: randomBytes(32).toString('base64'),
      ONEDRIVE_SIMULATOR_URL: sim.url,
      ONEDRIVE_POLL_SECONDS: '10',
    };
    let service: ServiceProcess | undefined;
    closers.push(() => service?.kill() ?? Promise.resolve());
    const start = async () => (service = await startServiceProcess(env));
    const kills: string[] = [];
    /** Arms the rule, waits until the service's request is held by it, and SIGKILLs the service. */
    const killDuring = async (what: string, rule: FaultRule, before?: () => Promise<unknown>, held?: () => boolean) => {
      const fault: ArmedFault = sim.faults.add(rule.holdResponseMs !== undefined ? rule : { delayMs: 20_000, ...rule });
      await before?.();
      await until(what, held ?? (() => fault.hits > 0), 20_000);
      await service!.kill();
      sim.faults.clear();
      kills.push(what);
    };

    await start();
    const { url } = service!;
    const { token } = await openFirm(url, OPERATOR_TOKEN);
    const client = await call(url, 'POST', '/clients', { token, body: { kind: 'individual', owners: [{ name: 'Ann Active', emails: ['ann@mail.example'] }] } });
    expect(client.status).toBe(201);
    const clientId = client.body.clientId as string;
    const connect = await call(url, 'POST', '/onedrive/connect', { token });
    const back = sim.login(connect.body.loginUrl);
    expect((await call(url, 'GET', `/onedrive/callback${back.search}`)).status).toBe(200);

    // 1. Mid-page: the 2nd to 4th page of the first round (6 pages of 40).
    const page = 1 + pick(3);
    await killDuring(`delta page ${page + 1}`, { method: 'GET', path: '/delta', skip: page }, async () => {
      const linked = await call(url, 'PUT', `/clients/${clientId}/folder-link`, { token, body: { folderUrl: sim.share(d, '/Acme') } });
      expect(linked.status).toBe(200);
    });
    // 2. Mid-download: once every page is in, one of the 202 downloads.
    const download = 10 + pick(180);
    await killDuring(`download ${download + 1}`, { method: 'GET', path: '/_download/', skip: download }, start);
    // 3. The round again from its stored pages, killed during another download.
    const again = pick(150);
    await killDuring(`download ${again + 1} after the restart`, { method: 'GET', path: '/_download/', skip: again }, async () => {
      sim.requests.reset();
      await start();
    });
    expect(sim.requests.count('delta')).toBe(0); // every page was stored before the kill: resumed from them
    await start();

    const documents = async () => {
      const items: Array<{ documentId: string; folderPath: string; name: string }> = [];
      let cursor: string | undefined;
      do {
        const answer = await call(service!.url, 'GET', `/clients/${clientId}/documents?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
        items.push(...answer.body.items);
        cursor = answer.body.nextCursor ?? undefined;
      } while (cursor !== undefined);
      return items;
    };
    const pathOf = (doc: { folderPath: string; name: string }) => (doc.folderPath ? `${doc.folderPath}/${doc.name}` : doc.name);
    const portalMatchesDrive = async () => {
      const paths = (await documents()).map(pathOf).sort();
      return JSON.stringify(paths) === JSON.stringify(filesUnder(sim, '/Acme')) ? paths : undefined;
    };
    await until('the first sync to finish', portalMatchesDrive, 20_000);

    // 4. Mid-upload: a 21 MiB document marked for sync, killed during its 2nd 10 MiB fragment.
    const big = randomBytes(21 * 1024 * 1024 + 3);
    const uploaded = await fetch(`${service!.url}/clients/${clientId}/documents?folderPath=Out&name=big.bin`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: big,
    });
    expect(uploaded.status).toBe(201);
    const bigId = ((await uploaded.json()) as { document: { documentId: string } }).document.documentId;
    await killDuring('upload fragment 2 of 3', { method: 'PUT', path: '/_upload/', skip: 1 }, async () => {
      expect((await call(service!.url, 'POST', `/documents/${encodeURIComponent(bigId)}/onedrive-sync`, { token })).status).toBe(200);
    });
    // 5. A simple upload OneDrive stored, killed before its answer reached the portal.
    const stored = () => filesUnder(sim, '/Acme').includes('Out/notes.txt');
    await killDuring('a simple upload OneDrive stored, its answer not yet back', { method: 'PUT', path: /notes\.txt:\/content/, holdResponseMs: 20_000 }, async () => {
      await start();
      const small = await fetch(`${service!.url}/clients/${clientId}/documents?folderPath=Out&name=notes.txt`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        body: 'notes from the portal',
      });
      const smallId = ((await small.json()) as { document: { documentId: string } }).document.documentId;
      expect((await call(service!.url, 'POST', `/documents/${encodeURIComponent(smallId)}/onedrive-sync`, { token })).status).toBe(200);
    }, stored);
    // 6. A new portal version of a synced document: OneDrive stored the replacement, the answer did not come back.
    const letter = d.byPath('/Acme/letter-7.txt');
    const letterId = syncedDocumentId(clientId, letter.id);
    const replaced = () => d.byPath('/Acme/letter-7.txt').content.toString() === 'letter 7, second version';
    await killDuring('a replacement OneDrive stored, its answer not yet back', { method: 'PUT', path: `/items/${encodeURIComponent(letter.id)}/content`, holdResponseMs: 20_000 }, async () => {
      await start();
      const answer = await fetch(`${service!.url}/documents/${encodeURIComponent(letterId)}/content`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        body: 'letter 7, second version',
      });
      expect(answer.status).toBe(200);
    }, replaced);
    await start();

    // Both uploads recorded; then a round that surely follows them (a third document marked for sync makes the folder due).
    const upload = async (name: string, body: Buffer | string) => {
      const answer = await fetch(`${service!.url}/clients/${clientId}/documents?folderPath=Out&name=${name}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        body,
      });
      expect(answer.status).toBe(201);
      return ((await answer.json()) as { document: { documentId: string } }).document.documentId;
    };
    const outInSync = (count: number) => async () => {
      const docs = (await documents()).filter((doc) => doc.folderPath === 'Out');
      if (docs.length < count) return undefined;
      const views = await Promise.all(docs.map(async (doc) => (await call(service!.url, 'GET', `/documents/${encodeURIComponent(doc.documentId)}`, { token })).body));
      return views.every((v) => v.oneDrive === 'in_sync') ? views : undefined;
    };
    await until('both uploads to be recorded', outInSync(2), 20_000);
    sim.requests.reset();
    const later = await upload('later.txt', 'marked after the crashes');
    expect((await call(service!.url, 'POST', `/documents/${encodeURIComponent(later)}/onedrive-sync`, { token })).status).toBe(200);
    await until('a round after the uploads', () => sim.requests.records.some((r) => r.route === 'delta' && r.status === 200), 15_000);
    await until('the third upload to be recorded', outInSync(3), 15_000);
    const paths = await until('the portal to hold the drive’s files', portalMatchesDrive, 15_000);
    console.log(`OneDrive crash (seed ${seed}): SIGKILL during ${kills.join('; ')}; ${paths.length} documents`);

    // Exactly the folder's files, each once, with the item's content.
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths).toHaveLength(204); // 201 from OneDrive, 3 uploaded
    for (const doc of await documents()) {
      const view = (await call(service!.url, 'GET', `/documents/${encodeURIComponent(doc.documentId)}`, { token })).body;
      const item = d.byPath(`/Acme/${pathOf(doc)}`);
      expect({ path: pathOf(doc), driveItemId: view.driveItemId, contentHash: view.contentHash, version: view.version }).toEqual({
        path: pathOf(doc),
        driveItemId: item.id,
        contentHash: sha256(item.content),
        version: doc.documentId === letterId ? 2 : 1,
      });
      if (doc.folderPath !== 'Out') expect(doc.documentId).toBe(syncedDocumentId(clientId, item.id));
    }
    // Each upload once in the drive (no "big 1.bin"), and its echo not imported as a second document.
    expect(filesUnder(sim, '/Acme/Out')).toEqual(['big.bin', 'later.txt', 'notes.txt']);
    expect(d.byPath('/Acme/Out/big.bin').content.equals(big)).toBe(true);
    for (const name of ['big.bin', 'later.txt', 'notes.txt']) {
      const echo = await call(service!.url, 'GET', `/documents/${encodeURIComponent(syncedDocumentId(clientId, d.byPath(`/Acme/Out/${name}`).id))}`, { token });
      expect(echo.status).toBe(404);
    }
    expect(kills).toHaveLength(6);
    // The replaced item: the same item, the portal's second version, nothing beside it.
    expect(d.byPath('/Acme/letter-7.txt').id).toBe(letter.id);
    expect(filesUnder(sim, '/Acme').filter((p) => /^letter-7[ .]/.test(p))).toEqual(['letter-7.txt']);
    expect((await call(service!.url, 'GET', `/documents/${encodeURIComponent(letterId)}`, { token })).body).toMatchObject({ oneDrive: 'in_sync', version: 2 });
    await service!.stop();
  });
});
