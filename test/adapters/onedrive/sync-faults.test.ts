/** The sync runner meeting Graph faults (the simulator injecting them): what it retries, how long it waits, what it records. */
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { oneDriveWorld, type World } from './sync-support.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function linked(options: Parameters<typeof oneDriveWorld>[0] = {}) {
  const sleeps: number[] = [];
  const w = (world = await oneDriveWorld({ ...options, sync: { sleep: async (ms) => void sleeps.push(ms), ...options.sync } }));
  await w.connect();
  const d = w.sim.personal;
  d.addFolder('/', 'Acme');
  d.addFile('/Acme', 'a.txt', 'one');
  const clientId = await w.client();
  const answer = await w.http('PUT', `/clients/${clientId}/folder-link`, { folderUrl: w.sim.share(d, '/Acme') });
  if (answer.status !== 200) throw new Error(JSON.stringify(answer.body));
  return { w, d, clientId, sleeps };
}

const folderRow = async (w: World) => (await w.portal.clientList.folders(w.admin, { text: 'acme' })).items[0]!.folder;

describe('Graph faults met by the sync runner', () => {
  it('refreshes the token on a 401 that follows a 429 (each kind of fault counts its own attempts)', async () => {
    const { w, clientId } = await linked();
    w.sim.faults.add({ path: '/delta', status: 429, retryAfter: 0 });
    w.sim.faults.add({ path: '/delta', status: 401 });
    const outcomes = await w.poll();
    expect(outcomes.get(clientId)).toBe('synced');
    expect(await w.documents(clientId)).toEqual(['a.txt']);
  });

  it('backs off exponentially when 503s come without Retry-After', async () => {
    const { w, clientId, sleeps } = await linked();
    w.sim.faults.add({ path: '/delta', status: 503, times: 5 });
    await w.poll();
    expect(sleeps).toEqual([750, 1500, 3000, 6000, 12000]);
    expect(await w.documents(clientId)).toEqual(['a.txt']);
  });

  it('resumes from the same link when the connection is cut in the middle of a page', async () => {
    const { w, clientId } = await linked();
    w.sim.faults.add({ path: '/delta', reset: 'mid-body' });
    expect((await w.poll()).get(clientId)).toBe('synced');
    expect(await w.documents(clientId)).toEqual(['a.txt']);
    expect(await folderRow(w)).toMatchObject({ lastError: null });
  });

  it('reports a file over the size limit by name, leaves it out of the count, and does not download it again every poll', async () => {
    const { w, d, clientId } = await linked({ sync: { maxFileBytes: 100 } });
    d.addFile('/Acme', 'huge.iso', 'x'.repeat(500));
    await w.poll();
    expect(await w.documents(clientId)).toEqual(['a.txt']);
    const row = await folderRow(w);
    expect(row).toMatchObject({ itemCount: 1 });
    expect(row!.lastError).toContain('huge.iso');
    const downloads = w.sim.requests.count('download');
    await w.poll();
    expect(w.sim.requests.count('download')).toBe(downloads);
    d.remove('/Acme/huge.iso');
    await w.poll();
    expect(await folderRow(w)).toMatchObject({ itemCount: 1, lastError: null });
  });

  it('reports a file whose download does not match its listing by name', async () => {
    const { w, clientId } = await linked();
    w.sim.faults.add({ path: '/_download', reset: 'mid-body', times: Infinity });
    await w.poll();
    expect(await w.documents(clientId)).toEqual([]);
    const row = await folderRow(w);
    expect(row).toMatchObject({ itemCount: 0 });
    expect(row!.lastError).toContain('a.txt');
    w.sim.faults.clear();
    await w.poll();
    expect(await w.documents(clientId)).toEqual(['a.txt']);
    expect(await folderRow(w)).toMatchObject({ itemCount: 1, lastError: null });
  });

  it('records an upload refused for quota (507) on the document, and does not try it again every poll', async () => {
    const { w, clientId } = await linked();
    await w.poll();
    const content = Buffer.from('the plan');
    const stored = await w.blobs.put(Readable.from([content]), { maxBytes: content.length });
    const { document } = await w.portal.documents.uploadDocument(w.admin, { clientId, folderPath: '', name: 'Plan.pdf', size: content.length, contentHash: stored.contentHash, blobRef: stored.contentHash });
    w.sim.faults.add({ method: 'PUT', path: '/content', status: 507, times: Infinity });
    await w.portal.documents.markForOneDriveSync(w.admin, { documentId: document.documentId });
    await w.poll();
    expect(await w.portal.documents.getDocument(w.admin, { documentId: document.documentId })).toMatchObject({ oneDrive: 'failed' });
    const puts = w.sim.requests.records.filter((r) => r.method === 'PUT').length;
    await w.poll();
    expect(w.sim.requests.records.filter((r) => r.method === 'PUT').length).toBe(puts);
  });
});
