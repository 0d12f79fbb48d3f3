import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Item } from '../../../adapters/onedrive/simulator/drive.js';
import { startGraphSimulator, type GraphSimulator } from '../../../adapters/onedrive/simulator/server.js';
import { deltaRound, relative, signedIn } from './simulator-support.js';

let sim: GraphSimulator;
let client: Client;
let folder: Item;
let n = 0;
const folderDelta = () => `/me/drive/items/${encodeURIComponent(folder.id)}/delta`;
const byId = (entries: Array<Record<string, any>>, id: string) => entries.filter((e) => e.id === id);

beforeAll(async () => {
  sim = await startGraphSimulator({ idStyle: 'new' });
  ({ client } = await signedIn(sim));
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.delta.pageSize = 200;
  sim.delta.duplicateEvery = 0;
  sim.delta.movedOut = 'parent';
  folder = sim.personal.addFolder('/', `Client ${++n}`);
});

describe('Graph simulator: delta', () => {
  it('enumerates a folder page by page, parents before children, then ends with a delta link', async () => {
    sim.personal.addFolder(folder.id, 'Sub');
    sim.personal.addFile(`/Client ${n}/Sub`, 'deep.txt', 'deep');
    sim.personal.seedFiles(folder.id, 12, (i) => `f${i}.txt`, (i) => `c${i}`);
    sim.personal.addFile('/', 'outside.txt', 'not in scope');
    sim.delta.pageSize = 5;
    const round = await deltaRound(sim, client, folderDelta());
    expect(round.pages).toBe(3);
    expect(round.entries).toHaveLength(15);
    expect(round.entries[0]!.id).toBe(folder.id);
    expect(round.entries.map((e) => e.name)).not.toContain('outside.txt');
    const sub = round.entries.findIndex((e) => e.name === 'Sub');
    expect(round.entries.findIndex((e) => e.name === 'deep.txt')).toBeGreaterThan(sub);
    expect(round.entries.every((e) => e.parentReference.path === undefined)).toBe(true);
    expect(round.deltaLink).toMatch(new RegExp(`^${sim.url}/v1\\.0/drives/.+/delta\\?token=`));
  });

  it('costs one request for an unchanged folder', async () => {
    const { deltaLink } = await deltaRound(sim, client, folderDelta());
    sim.requests.reset();
    const next = await deltaRound(sim, client, deltaLink);
    expect(next.entries).toEqual([]);
    expect(sim.requests.graph()).toBe(1);
  });

  it('reports new, changed, renamed, moved and deleted items by id, with their latest state', async () => {
    const keep = sim.personal.addFile(folder.id, 'keep.txt', 'v1');
    const gone = sim.personal.addFile(folder.id, 'gone.txt', 'bye');
    const sub = sim.personal.addFolder(folder.id, 'Sub');
    const first = await deltaRound(sim, client, folderDelta());
    const cTag = byId(first.entries, keep.id)[0]!.cTag;

    sim.personal.modify(keep.id, 'v2');
    sim.personal.rename(keep.id, 'kept.txt');
    sim.personal.move(keep.id, sub.id);
    sim.personal.remove(gone.id);
    const added = sim.personal.addFile(sub.id, 'new.txt', 'new');
    const round = await deltaRound(sim, client, first.deltaLink);

    const [kept] = byId(round.entries, keep.id);
    expect(kept).toMatchObject({ name: 'kept.txt', parentReference: { id: sub.id } });
    expect(kept!.cTag).not.toBe(cTag);
    const [deleted] = byId(round.entries, gone.id);
    expect(deleted!.deleted).toBeDefined();
    expect(deleted!.cTag).toBeUndefined();
    expect(deleted!.size).toBeUndefined();
    expect(byId(round.entries, added.id)[0]).toMatchObject({ name: 'new.txt', file: {} });
    // The folders whose contents changed come too (their cTag moved).
    expect(byId(round.entries, sub.id)).toHaveLength(1);
    expect(round.entries.map((e) => e.id)).not.toContain(sim.personal.rootId);
  });

  it('reports an item moved out of the folder with its new parent, or as deleted', async () => {
    const leaving = sim.personal.addFile(folder.id, 'leaving.txt', 'x');
    const elsewhere = sim.personal.addFolder('/', `Elsewhere ${n}`);
    const first = await deltaRound(sim, client, folderDelta());
    sim.personal.move(leaving.id, elsewhere.id);
    const round = await deltaRound(sim, client, first.deltaLink);
    expect(byId(round.entries, leaving.id)[0]).toMatchObject({ parentReference: { id: elsewhere.id } });

    sim.delta.movedOut = 'deleted';
    const back = sim.personal.addFile(folder.id, 'leaving-too.txt', 'y');
    const second = await deltaRound(sim, client, round.deltaLink);
    sim.personal.move(back.id, elsewhere.id);
    const third = await deltaRound(sim, client, second.deltaLink);
    expect(byId(third.entries, back.id)[0]).toMatchObject({ deleted: { state: 'deleted' }, parentReference: { id: folder.id } });
  });

  it('reports an item moved into the folder as an item there', async () => {
    const outside = sim.personal.addFile('/', `incoming ${n}.txt`, 'in');
    const first = await deltaRound(sim, client, folderDelta());
    sim.personal.move(outside.id, folder.id);
    const round = await deltaRound(sim, client, first.deltaLink);
    expect(byId(round.entries, outside.id)[0]).toMatchObject({ parentReference: { id: folder.id } });
  });

  it('repeats entries within a round when asked, the last occurrence being the latest state', async () => {
    const file = sim.personal.addFile(folder.id, 'twice.txt', 'a');
    const first = await deltaRound(sim, client, folderDelta());
    sim.delta.duplicateEvery = 1;
    sim.delta.pageSize = 2;
    sim.personal.rename(file.id, 'twice-renamed.txt');
    sim.personal.modify(file.id, 'b');
    const round = await deltaRound(sim, client, first.deltaLink);
    const occurrences = byId(round.entries, file.id);
    expect(occurrences).toHaveLength(2);
    expect(occurrences[1]!.name).toBe('twice-renamed.txt');
    expect(occurrences[1]!.size).toBe(1);
    expect(occurrences[1]!.cTag).not.toBe(occurrences[0]!.cTag);
  });

  it('starts from now with token=latest, listing nothing', async () => {
    sim.personal.addFile(folder.id, 'old.txt', 'old');
    const latest = await client.api(`${folderDelta()}?token=latest`).get();
    expect(latest.value).toEqual([]);
    const added = sim.personal.addFile(folder.id, 'after.txt', 'new');
    const round = await deltaRound(sim, client, latest['@odata.deltaLink']);
    expect(round.entries.map((e) => e.name)).toEqual(expect.arrayContaining(['after.txt']));
    expect(round.entries.map((e) => e.name)).not.toContain('old.txt');
    expect(byId(round.entries, added.id)).toHaveLength(1);
  });

  it('answers 410 resyncRequired with a Location to a fresh enumeration once tokens are expired', async () => {
    sim.personal.addFile(folder.id, 'a.txt', 'a');
    const first = await deltaRound(sim, client, folderDelta());
    sim.personal.resyncBefore = sim.personal.seq + 1;
    const error = await client.api(relative(sim, first.deltaLink)).get().catch((e: unknown) => e as Record<string, any>);
    expect(error).toMatchObject({ statusCode: 410, code: 'resyncRequired' });
    const location = error.headers.get('location') as string;
    expect(location).toBe(`${sim.url}/v1.0/drives/${sim.personal.id}/items/${encodeURIComponent(folder.id)}/delta`);
    const again = await deltaRound(sim, client, location);
    expect(again.entries.map((e) => e.name)).toContain('a.txt');
  });

  it('supports root delta and the delta(token=…) form, and refuses folder delta when told to', async () => {
    const round = await deltaRound(sim, client, '/me/drive/root/delta');
    expect(round.entries[0]!.root).toEqual({});
    const token = new URL(round.deltaLink).searchParams.get('token')!;
    const file = sim.personal.addFile(folder.id, 'root-seen.txt', 'r');
    const next = await client.api(`/me/drive/root/delta(token='${token}')`).get();
    expect(byId(next.value, file.id)).toHaveLength(1);
    sim.personal.folderDelta = 'notSupported';
    try {
      expect(await client.api(folderDelta()).get().catch((e: unknown) => e)).toMatchObject({ statusCode: 501, code: 'notSupported' });
    } finally {
      sim.personal.folderDelta = 'supported';
    }
  });

  it('pages a 10,000-file folder in 200-item pages quickly', async () => {
    const big = sim.personal.addFolder('/', `Big ${n}`);
    sim.personal.seedFiles(big.id, 10_000, (i) => `doc-${i}.pdf`, (i) => `content of ${i}`);
    sim.requests.reset();
    const started = Date.now();
    const round = await deltaRound(sim, client, `/me/drive/items/${encodeURIComponent(big.id)}/delta`);
    expect(round.entries).toHaveLength(10_001);
    expect(sim.requests.count('delta')).toBe(Math.ceil(10_001 / 200));
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
