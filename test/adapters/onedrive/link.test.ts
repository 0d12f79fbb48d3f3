/** Folder links resolved server-side through Graph: each address form, each refusal (HTTP 422 with the reason). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneDriveWorld, type World } from './sync-support.js';

let world: World;
beforeAll(async () => {
  world = await oneDriveWorld({ sim: { idStyle: 'new' } });
  await world.connect();
  const d = world.sim.personal;
  d.addFolder('/', 'Clients');
  for (const name of ['Shared', 'ById', 'Bulk1', 'Bulk2']) d.addFolder('/Clients', name);
  d.addFile('/Clients', 'letter.pdf', 'a letter');
  d.addNotebook('/Clients', 'Notes');
  const other = world.sim.addDrive({ ownerName: 'Someone Else' });
  const theirs = other.addFolder('/', 'Theirs');
  d.addShortcut('/Clients', 'Their folder', { driveId: other.id, itemId: theirs.id });
  world.sim.business.addFolder('/', 'Work');
}, 30_000);
afterAll(() => world.close());

const put = async (url: string) => world.http('PUT', `/clients/${await world.client()}/folder-link`, { folderUrl: url });
const liveUrl = (cid: string, id: string) => `https://onedrive.live.com/?id=${encodeURIComponent(id)}&cid=${cid}`;

describe('linking a pasted folder address', () => {
  it('resolves a sharing link through the shares API, keeping the item id, not the path', async () => {
    const item = world.sim.personal.byPath('/Clients/Shared');
    const linked = await put(world.sim.share(world.sim.personal, '/Clients/Shared'));
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({ itemId: item.id, folderName: 'Shared', change: 'linked' });
    expect(linked.body.driveId.toLowerCase()).toBe(world.sim.personal.id.toLowerCase());
  });

  it('falls back to the ids in the address when the shares API does not know it', async () => {
    const item = world.sim.personal.byPath('/Clients/ById');
    const before = world.sim.requests.count('shares');
    const linked = await put(liveUrl(world.sim.personal.cid, item.id));
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({ itemId: item.id, folderName: 'ById' });
    expect(world.sim.requests.count('shares')).toBe(before + 1);
  });

  it('refuses SharePoint / Business hosts before any call', async () => {
    const before = world.sim.requests.graph();
    const refused = await put(world.sim.share(world.sim.business, '/Work'));
    expect(refused.status).toBe(422);
    expect(refused.body.type).toBe('folder_link.business_not_supported');
    expect(refused.body.detail).toContain('Only OneDrive Personal');
    expect(world.sim.requests.graph()).toBe(before);
  });

  it.each([
    ['a file', () => liveUrl(world.sim.personal.cid, world.sim.personal.byPath('/Clients/letter.pdf').id), 'folder_link.not_a_folder', 'file rather than a folder'],
    ['a OneNote notebook', () => liveUrl(world.sim.personal.cid, world.sim.personal.byPath('/Clients/Notes').id), 'folder_link.onenote_notebook', 'OneNote'],
    ['a shortcut to someone else’s drive', () => liveUrl(world.sim.personal.cid, world.sim.personal.byPath('/Clients/Their folder').id), 'folder_link.shortcut_to_other_drive', "someone else's OneDrive"],
    ['a business drive named by ids', () => liveUrl(world.sim.business.cid, world.sim.business.byPath('/Work').id), 'folder_link.business_not_supported', 'Only OneDrive Personal'],
    ['nothing Graph knows', () => liveUrl(world.sim.personal.cid, 'NOPE!999'), 'folder_link.not_found', 'found no folder'],
  ])('refuses %s with a 422 naming what is wrong', async (_what, url, type, words) => {
    const refused = await put(url());
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ type });
    expect(refused.body.detail).toContain(words);
  });

  it('refuses a resolved item sent by the caller: over HTTP only the address is taken', async () => {
    const clientId = await world.client();
    const answer = await world.http('PUT', `/clients/${clientId}/folder-link`, {
      folderUrl: liveUrl(world.sim.personal.cid, 'X!1'),
      driveItem: { driveId: 'x', itemId: 'X!1', driveType: 'personal', isFolder: true, name: 'Forged' },
    });
    expect(answer.status).toBe(400);
  });

  it('saves all changes row by row, each with its own result', async () => {
    const ok1 = await world.client('Bulk One');
    const bad = await world.client('Bulk Bad');
    const ok2 = await world.client('Bulk Two');
    const saved = await world.http('POST', '/folder-links', {
      links: [
        { clientId: ok1, folderUrl: world.sim.share(world.sim.personal, '/Clients/Bulk1') },
        { clientId: bad, folderUrl: world.sim.share(world.sim.business, '/Work') },
        { clientId: ok2, folderUrl: liveUrl(world.sim.personal.cid, world.sim.personal.byPath('/Clients/Bulk2').id) },
      ],
    });
    expect(saved.status).toBe(200);
    expect(saved.body.results.map((r: { ok: boolean }) => r.ok)).toEqual([true, false, true]);
    expect(saved.body.results[1].error).toMatchObject({ code: 'folder_link.business_not_supported' });
  });
});

describe('after another Microsoft account is connected', () => {
  it("links folders of the new account's drive (the connected drive is asked again, not remembered)", async () => {
    const w = await oneDriveWorld();
    try {
      await w.connect();
      w.sim.personal.addFolder('/', 'Old');
      expect((await w.http('PUT', `/clients/${await w.client('Old Client')}/folder-link`, { folderUrl: w.sim.share(w.sim.personal, '/Old') })).status).toBe(200);
      const drive = w.sim.addDrive({ ownerName: 'New Firm Account' });
      w.sim.accounts.add({ username: 'new@outlook.com', name: 'New Firm Account', kind: 'personal', driveId: drive.id });
      w.sim.accounts.loginAs = 'new@outlook.com';
      expect((await w.connect()).status).toBe(200);
      drive.addFolder('/', 'Acme');
      const linked = await w.http('PUT', `/clients/${await w.client()}/folder-link`, { folderUrl: w.sim.share(drive, '/Acme') });
      expect(linked.status).toBe(200);
      expect(linked.body.driveId.toLowerCase()).toBe(drive.id.toLowerCase());
    } finally {
      await w.close();
    }
  });
});
