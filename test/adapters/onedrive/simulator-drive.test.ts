import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quickXorHash } from '../../../src/sync/quick-xor-hash.js';
import { startGraphSimulator, type GraphSimulator } from '../../../adapters/onedrive/simulator/server.js';
import { relative, signedIn } from './simulator-support.js';

let sim: GraphSimulator;
let client: Client;
let token: string;
const shareId = (url: string) => `u!${Buffer.from(url).toString('base64url')}`;

beforeAll(async () => {
  sim = await startGraphSimulator({ idStyle: 'new' });
  ({ client, token } = await signedIn(sim));
});
afterAll(() => sim.close());

describe('Graph simulator: drives, items, children, shares', () => {
  it('describes the personal drive, and items with OneDrive Personal facets', async () => {
    const folder = sim.personal.addFolder('/', 'Acme');
    const file = sim.personal.addFile('/Acme', 'report.pdf', 'pdf bytes');
    const notebook = sim.personal.addNotebook('/Acme', 'Notes');
    expect(await client.api('/me/drive').get()).toMatchObject({ id: sim.personal.id, driveType: 'personal' });
    const item = await client.api(`/drives/${sim.personal.id}/items/${encodeURIComponent(file.id)}`).get();
    expect(item).toMatchObject({
      id: file.id,
      name: 'report.pdf',
      size: 9,
      file: { mimeType: 'application/pdf', hashes: { quickXorHash: quickXorHash(Buffer.from('pdf bytes')) } },
      parentReference: { id: folder.id, driveType: 'personal', path: '/drive/root:/Acme' },
    });
    // New-style ids: mixed case, and the drive id in lower case in references but not in /me/drive.
    expect(file.id).toMatch(/!s[0-9a-fA-F]{32}$/);
    expect(file.id).not.toBe(file.id.toLowerCase());
    expect(item.parentReference.driveId).toBe(sim.personal.id.toLowerCase());
    expect(item.eTag).toBeTruthy();
    expect(item.cTag).toBeTruthy();
    expect((await client.api(`/me/drive/items/${encodeURIComponent(notebook.id)}`).get()).package).toEqual({ type: 'oneNote' });
    expect((await client.api('/me/drive/root:/Acme').get()).folder).toEqual({ childCount: 2 });
    // Drive ids are matched whatever their case.
    expect((await client.api(`/drives/${sim.personal.id.toLowerCase()}/items/${encodeURIComponent(folder.id)}`).get()).id).toBe(folder.id);
  });

  it('changes the eTag on any change and the cTag only on a content change', async () => {
    const file = sim.personal.addFile('/', 'tags.txt', 'one');
    const get = () => client.api(`/me/drive/items/${encodeURIComponent(file.id)}`).get();
    const first = await get();
    sim.personal.rename(file.id, 'tags-renamed.txt');
    const renamed = await get();
    expect(renamed.eTag).not.toBe(first.eTag);
    expect(renamed.cTag).toBe(first.cTag);
    sim.personal.modify(file.id, 'two');
    const modified = await get();
    expect(modified.eTag).not.toBe(renamed.eTag);
    expect(modified.cTag).not.toBe(renamed.cTag);
  });

  it('pages children with $top and relative next links until the last page', async () => {
    sim.personal.addFolder('/', 'Many');
    sim.personal.seedFiles('/Many', 25, (i) => `file-${String(i).padStart(2, '0')}.txt`, (i) => `content ${i}`);
    const names: string[] = [];
    let link: string | undefined = '/me/drive/root:/Many:/children?$top=10';
    let pages = 0;
    while (link !== undefined) {
      const page: { value: Array<{ name: string }>; '@odata.nextLink'?: string } = await client.api(link).get();
      pages++;
      names.push(...page.value.map((i) => i.name));
      link = page['@odata.nextLink'] === undefined ? undefined : relative(sim, page['@odata.nextLink']);
    }
    expect(pages).toBe(3);
    expect(names).toHaveLength(25);
    expect(new Set(names).size).toBe(25);
    expect(names[0]).toBe('file-00.txt');
  });

  it('resolves personal and business sharing links through /shares, and 404s an unknown one', async () => {
    const personalFolder = sim.personal.addFolder('/', 'Shared Client');
    const businessFolder = sim.business.addFolder('/', 'Work Client');
    const personalUrl = sim.share(sim.personal, personalFolder.id);
    const businessUrl = sim.share(sim.business, businessFolder.id);
    expect(personalUrl).toMatch(/^https:\/\/1drv\.ms\/f\/s!/);
    expect(businessUrl).toMatch(/^https:\/\/contoso-my\.sharepoint\.com\//);
    const personal = await client.api(`/shares/${shareId(personalUrl)}/driveItem`).get();
    expect(personal).toMatchObject({ id: personalFolder.id, folder: {}, parentReference: { driveType: 'personal' } });
    const business = await client.api(`/shares/${shareId(businessUrl)}/driveItem`).get();
    expect(business.parentReference.driveType).toBe('business');
    expect((await client.api(`/drives/${business.parentReference.driveId}`).get()).driveType).toBe('business');
    const unknown = await client.api(`/shares/${shareId('https://1drv.ms/f/s!unknown')}/driveItem`).get().catch((e: unknown) => e);
    expect(unknown).toMatchObject({ statusCode: 404, code: 'itemNotFound' });
    // The second stage of resolution: the ids parsed from the URL.
    const byIds = await client.api(`/drives/${sim.personal.cid}/items/${encodeURIComponent(personalFolder.id)}`).get();
    expect(byIds.name).toBe('Shared Client');
  });

  it('lists a folder through /shares with $expand=children', async () => {
    sim.personal.addFolder('/', 'Expand');
    sim.personal.addFile('/Expand', 'inside.txt', 'x');
    const url = sim.share(sim.personal, '/Expand');
    const item = await client.api(`/shares/${shareId(url)}/driveItem?$expand=children`).get();
    expect(item.children.map((c: { name: string }) => c.name)).toEqual(['inside.txt']);
  });

  it('reports a shortcut to another drive as a remoteItem', async () => {
    const other = sim.addDrive({ ownerName: 'Someone Else' });
    const target = other.addFolder('/', 'Their Folder');
    const shortcut = sim.personal.addShortcut('/', 'Their Folder', { driveId: other.id, itemId: target.id });
    const item = await client.api(`/me/drive/items/${encodeURIComponent(shortcut.id)}`).get();
    expect(item.folder).toBeUndefined();
    expect(item.remoteItem).toMatchObject({ id: target.id, parentReference: { driveId: other.referenceId, driveType: 'personal' } });
  });

  it('downloads by a 302 to a URL that needs no bearer token and refuses one', async () => {
    const file = sim.personal.addFile('/', 'download.bin', Buffer.from('downloaded content'));
    const response = await fetch(`${sim.url}/v1.0/me/drive/items/${encodeURIComponent(file.id)}/content`, {
      headers: { authorization: `Bearer ${token}` },
      redirect: 'manual',
    });
    expect(response.status).toBe(302);
    const location = response.headers.get('location')!;
    const download = await fetch(location);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('downloaded content');
    expect((await fetch(location, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    const meta = await client.api(`/me/drive/items/${encodeURIComponent(file.id)}`).get();
    expect(await (await fetch(meta['@microsoft.graph.downloadUrl'])).text()).toBe('downloaded content');
    const ranged = await fetch(location, { headers: { range: 'bytes=11-' } });
    expect(ranged.status).toBe(206);
    expect(await ranged.text()).toBe('content');
    expect((await fetch(`${location.slice(0, -3)}abc`)).status).toBe(401);
  });

  it('renames and moves with PATCH, deletes with DELETE, honouring If-Match', async () => {
    const file = sim.personal.addFile('/', 'patch-me.txt', 'x');
    const folder = sim.personal.addFolder('/', 'Target');
    const path = `/me/drive/items/${encodeURIComponent(file.id)}`;
    const stale = (await client.api(path).get()).eTag;
    const moved = await client.api(path).header('If-Match', stale).patch({ name: 'patched.txt', parentReference: { id: folder.id } });
    expect(moved).toMatchObject({ name: 'patched.txt', parentReference: { id: folder.id } });
    const refused = await client.api(path).header('If-Match', stale).delete().catch((e: unknown) => e);
    expect(refused).toMatchObject({ statusCode: 412 });
    await client.api(path).header('If-Match', moved.eTag).delete();
    expect(await client.api(path).get().catch((e: unknown) => e)).toMatchObject({ statusCode: 404 });
  });
});
