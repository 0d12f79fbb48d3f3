import { describe, expect, it } from 'vitest';
import { createPortal } from '../../src/application/portal.js';
import { givenClient, givenFirm, givenOneDrive, testPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';

const folderUrl = (n: number) => `https://onedrive.live.com/?id=ABCDEF1234567890%21${n}&cid=ABCDEF1234567890`;
const where = (clientId: string, n: number) => ({ clientId, driveId: 'ABCDEF1234567890', itemId: `ABCDEF1234567890!${n}` });

async function setUp() {
  const test = testPortal();
  const portal = createPortal(test.deps);
  const { tenantId, admin } = await givenFirm(test.ctx);
  await givenOneDrive(test.ctx, admin);
  const { clientId } = await givenClient(test.ctx, admin, { name: 'Acme Trading' });
  test.folders.name(folderUrl(1), 'Acme folder');
  const sync = { tenantId, actor: { kind: 'system' as const, name: 'onedrive-sync' } };
  return { ...test, portal, admin, clientId, sync };
}

describe('a folder link resolved by the FolderResolver port, and its sync reports in the "Connect client folders" list', () => {
  it('links by the pasted address alone, naming the folder as the resolver found it', async () => {
    const { portal, admin, clientId } = await setUp();
    const linked = await portal.folders.linkFolder(admin, { clientId, folderUrl: folderUrl(1) });
    expect(linked).toMatchObject({ driveId: 'abcdef1234567890', itemId: 'ABCDEF1234567890!1', folderName: 'Acme folder', change: 'linked' });
  });

  it('shows the last sync, its item count, then the last error, until a sync succeeds again; searchable by client name', async () => {
    const { portal, admin, clientId, sync, clock } = await setUp();
    await portal.folders.linkFolder(admin, { clientId, folderUrl: folderUrl(1) });
    const row = async () => (await portal.clientList.folders(admin, { text: 'acme' })).items[0]!.folder;
    expect(await row()).toMatchObject({ syncState: 'linked', lastSyncAt: null, itemCount: null });
    await portal.folders.recordFolderSync(sync, { ...where(clientId, 1), itemCount: 3, added: 3, changed: 0, removed: 0, mode: 'delta' });
    expect(await row()).toMatchObject({ syncState: 'synced', lastSyncAt: clock.now().toISOString(), itemCount: 3, lastError: null });
    await portal.folders.recordFolderSyncFailure(sync, { ...where(clientId, 1), code: 'quota_exceeded', message: 'The OneDrive account is full.' });
    expect(await row()).toMatchObject({ syncState: 'failed', itemCount: 3, lastError: 'The OneDrive account is full.' });
    await portal.folders.recordFolderSync(sync, { ...where(clientId, 1), itemCount: 4, added: 1, changed: 0, removed: 0, mode: 'delta' });
    expect(await row()).toMatchObject({ syncState: 'synced', itemCount: 4, lastError: null });
    expect((await portal.clientList.folders(admin, { text: 'nobody' })).items).toEqual([]);
  });

  it('refuses sync reports and failures from staff (only the sync process records them), recording nothing', async () => {
    const { portal, admin, clientId } = await setUp();
    await portal.folders.linkFolder(admin, { clientId, folderUrl: folderUrl(1) });
    const report = { ...where(clientId, 1), itemCount: 9, added: 9, changed: 0, removed: 0, mode: 'delta' as const };
    expect(await refusal(portal.folders.recordFolderSync(admin, report))).toMatchObject({ code: 'folder_link.sync_process_only' });
    const failure = { ...where(clientId, 1), code: 'quota_exceeded', message: 'forged' };
    expect(await refusal(portal.folders.recordFolderSyncFailure(admin, failure))).toMatchObject({ code: 'folder_link.sync_process_only' });
    expect((await portal.clientList.folders(admin, { text: 'acme' })).items[0]!.folder).toMatchObject({ syncState: 'linked', itemCount: null, lastError: null });
  });

  it('refuses a report about a folder the client is no longer linked to', async () => {
    const { portal, admin, clientId, sync } = await setUp();
    await portal.folders.linkFolder(admin, { clientId, folderUrl: folderUrl(1) });
    const report = { ...where(clientId, 2), itemCount: 1, added: 1, changed: 0, removed: 0, mode: 'delta' as const };
    expect(await refusal(portal.folders.recordFolderSync(sync, report))).toMatchObject({ code: 'folder_link.not_this_folder' });
  });
});
