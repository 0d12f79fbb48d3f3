import { describe, expect, it } from 'vitest';
import { getFolderLink, linkFolder, saveAllFolderLinks, unlinkFolder, type DriveItemFacts } from '../../src/application/folders.js';
import { folderReservationKey } from '../../src/folder-link/decider.js';
import { streams } from '../../src/streams.js';
import { contactCaller, eventCount, givenClient, givenFirm, givenOneDrive, testPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';

const DRIVE = 'abcdef1234567890';
const folderUrl = (n: number) => `https://onedrive.live.com/?id=ABCDEF1234567890%21${n}&cid=ABCDEF1234567890`;
const folder = (n: number, overrides: Partial<DriveItemFacts> = {}): DriveItemFacts => ({
  driveId: DRIVE,
  itemId: `ABCDEF1234567890!${n}`,
  driveType: 'personal',
  isFolder: true,
  name: `Client ${n}`,
  ...overrides,
});
const row = (clientId: string, n: number) => ({ clientId, folderUrl: folderUrl(n), driveItem: folder(n) });


async function setUp() {
  const portal = testPortal();
  const { tenantId, admin } = await givenFirm(portal.ctx);
  await givenOneDrive(portal.ctx, admin);
  const acme = await givenClient(portal.ctx, admin);
  const bolt = await givenClient(portal.ctx, admin);
  return { ...portal, tenantId, admin, acme: acme.clientId, bolt: bolt.clientId, contactId: acme.contactIds[0]! };
}

async function holderOf(portal: Awaited<ReturnType<typeof setUp>>, n: number) {
  const key = folderReservationKey(portal.tenantId, DRIVE, `ABCDEF1234567890!${n}`);
  const last = (await portal.ctx.log.readStream(streams.reservation('onedrive-folder', key))).at(-1);
  return last?.type === 'ValueReserved' ? (last.data as { ownerId: string }).ownerId : null;
}

describe('linking a folder', () => {
  it('links the client to the folder and reserves the folder for it', async () => {
    const portal = await setUp();
    const result = await linkFolder(portal.ctx, portal.admin, row(portal.acme, 1));
    expect(result).toMatchObject({ clientId: portal.acme, driveId: DRIVE, itemId: 'ABCDEF1234567890!1', folderName: 'Client 1', change: 'linked' });
    expect(await getFolderLink(portal.ctx, portal.admin, { clientId: portal.acme })).toMatchObject({ itemId: 'ABCDEF1234567890!1', url: folderUrl(1) });
    expect(await holderOf(portal, 1)).toBe(portal.acme);
  });

  it('linking the same folder again changes nothing', async () => {
    const portal = await setUp();
    await linkFolder(portal.ctx, portal.admin, row(portal.acme, 1));
    const before = await eventCount(portal.ctx);
    expect((await linkFolder(portal.ctx, portal.admin, row(portal.acme, 1))).change).toBe('unchanged');
    expect(await eventCount(portal.ctx)).toBe(before);
    expect(await holderOf(portal, 1)).toBe(portal.acme);
  });

  it('refuses a SharePoint address with a clear message, recording nothing', async () => {
    const portal = await setUp();
    const before = await eventCount(portal.ctx);
    const error = await refusal(
      linkFolder(portal.ctx, portal.admin, { clientId: portal.acme, folderUrl: 'https://contoso.sharepoint.com/sites/finance/Shared%20Documents', driveItem: folder(1) }),
    );
    expect(error.code).toBe('folder_link.business_not_supported');
    expect(error.message).toBe('This is a OneDrive for Business / SharePoint link. Only OneDrive Personal folders can be linked.');
    expect(await eventCount(portal.ctx)).toBe(before);
  });

  it('refuses a link to a file', async () => {
    const portal = await setUp();
    const error = await refusal(linkFolder(portal.ctx, portal.admin, { clientId: portal.acme, folderUrl: 'https://1drv.ms/w/s!AnCfYEabc', driveItem: folder(1) }));
    expect(error.code).toBe('folder_link.not_a_folder');
  });

  it('refuses the same folder for a second client of the firm', async () => {
    const portal = await setUp();
    await linkFolder(portal.ctx, portal.admin, row(portal.acme, 1));
    const error = await refusal(linkFolder(portal.ctx, portal.admin, row(portal.bolt, 1)));
    expect(error.code).toBe('folder_link.folder_taken');
    expect(await getFolderLink(portal.ctx, portal.admin, { clientId: portal.bolt })).toBeNull();
    expect(await holderOf(portal, 1)).toBe(portal.acme);
  });

  it('relinking frees the old folder for another client', async () => {
    const portal = await setUp();
    await linkFolder(portal.ctx, portal.admin, row(portal.acme, 1));
    expect((await linkFolder(portal.ctx, portal.admin, row(portal.acme, 2))).change).toBe('relinked');
    expect(await holderOf(portal, 1)).toBeNull();
    await expect(linkFolder(portal.ctx, portal.admin, row(portal.bolt, 1))).resolves.toMatchObject({ change: 'linked' });
  });

  it('unlinking frees the folder; unlinking again is refused', async () => {
    const portal = await setUp();
    await linkFolder(portal.ctx, portal.admin, row(portal.acme, 1));
    await unlinkFolder(portal.ctx, portal.admin, { clientId: portal.acme });
    expect(await getFolderLink(portal.ctx, portal.admin, { clientId: portal.acme })).toBeNull();
    expect(await holderOf(portal, 1)).toBeNull();
    expect((await refusal(unlinkFolder(portal.ctx, portal.admin, { clientId: portal.acme }))).code).toBe('folder_link.not_linked');
    await expect(linkFolder(portal.ctx, portal.admin, row(portal.bolt, 1))).resolves.toMatchObject({ change: 'linked' });
  });

  it('releases the new reservation when the link is refused', async () => {
    const portal = await setUp();
    const error = await refusal(linkFolder(portal.ctx, portal.admin, { ...row(portal.acme, 1), driveItem: folder(1, { driveType: 'business' }) }));
    expect(error.code).toBe('folder_link.business_not_supported');
    expect(await holderOf(portal, 1)).toBeNull();
    await expect(linkFolder(portal.ctx, portal.admin, row(portal.bolt, 1))).resolves.toMatchObject({ change: 'linked' });
  });

  it('a link the folder rules refuse records nothing, not even a claim on the folder', async () => {
    const portal = await setUp();
    const before = await eventCount(portal.ctx);
    await refusal(linkFolder(portal.ctx, portal.admin, { ...row(portal.acme, 1), driveItem: folder(1, { driveType: 'business' }) }));
    expect(await eventCount(portal.ctx)).toBe(before);
  });

  it('a link whose If-Match no longer holds records nothing, not even a claim on the folder', async () => {
    const portal = await setUp();
    await linkFolder(portal.ctx, portal.admin, row(portal.acme, 1));
    const before = await eventCount(portal.ctx);
    const stale = { ...portal.admin, ifMatch: { streamId: streams.folderLink(portal.acme), revision: 7 } };
    expect((await refusal(linkFolder(portal.ctx, stale, row(portal.acme, 2)))).code).toBe('request.precondition_failed');
    expect(await eventCount(portal.ctx)).toBe(before);
  });

  it('a refused relink keeps the current folder reserved', async () => {
    const portal = await setUp();
    await linkFolder(portal.ctx, portal.admin, row(portal.acme, 1));
    await refusal(linkFolder(portal.ctx, portal.admin, { ...row(portal.acme, 2), driveItem: folder(2, { isFolder: false }) }));
    expect(await holderOf(portal, 1)).toBe(portal.acme);
    expect(await holderOf(portal, 2)).toBeNull();
  });

  it('needs the firm to have OneDrive connected', async () => {
    const portal = testPortal();
    const { admin } = await givenFirm(portal.ctx);
    const { clientId } = await givenClient(portal.ctx, admin);
    expect((await refusal(linkFolder(portal.ctx, admin, row(clientId, 1)))).code).toBe('firm.onedrive_not_connected');
  });

  it("reads another firm's client as not found, and refuses contacts", async () => {
    const portal = await setUp();
    const other = await givenFirm(portal.ctx);
    await givenOneDrive(portal.ctx, other.admin);
    expect((await refusal(linkFolder(portal.ctx, other.admin, row(portal.acme, 1)))).code).toBe('client.not_found');
    expect((await refusal(linkFolder(portal.ctx, contactCaller(portal.tenantId, portal.contactId), row(portal.acme, 1)))).code).toBe('access.firm_only');
  });
});

describe('saving all folder links', () => {
  it('saves each row on its own: a refused row leaves the others linked', async () => {
    const portal = await setUp();
    const carl = (await givenClient(portal.ctx, portal.admin)).clientId;
    const { results } = await saveAllFolderLinks(portal.ctx, portal.admin, {
      links: [
        row(portal.acme, 1),
        row(portal.bolt, 1),
        { clientId: carl, folderUrl: 'https://contoso.sharepoint.com/sites/x', driveItem: folder(3) },
        row(carl, 3),
      ],
    });
    expect(results).toMatchObject([
      { clientId: portal.acme, ok: true, link: { change: 'linked' } },
      { clientId: portal.bolt, ok: false, error: { code: 'folder_link.folder_taken' } },
      { clientId: carl, ok: false, error: { code: 'folder_link.business_not_supported' } },
      { clientId: carl, ok: true, link: { change: 'linked' } },
    ]);
  });

  it('refuses a row whose address has malformed percent-encoding and saves the rows after it', async () => {
    const portal = await setUp();
    const carl = (await givenClient(portal.ctx, portal.admin)).clientId;
    const malformed = 'https://my.microsoftpersonalcontent.com/personal/abcdef1234567890/Documents/Acme%E0%A4';
    const { results } = await saveAllFolderLinks(portal.ctx, portal.admin, {
      links: [row(portal.acme, 1), { clientId: portal.bolt, folderUrl: malformed, driveItem: folder(2) }, row(carl, 3)],
    });
    expect(results).toMatchObject([
      { clientId: portal.acme, ok: true },
      { clientId: portal.bolt, ok: false, error: { code: 'folder_link.no_folder' } },
      { clientId: carl, ok: true },
    ]);
  });
});
