/**
 * The FolderResolver port over Graph: a pasted address through the shares API as pasted, then, if
 * that fails, the item and owner ids parsed from the address (or its path under the drive). The
 * item must be a folder of a personal drive, the firm's own: not a file, not a OneNote notebook,
 * not a shortcut to someone else's drive. parseFolderUrl already refused SharePoint/Business hosts
 * before any call.
 */
import { GraphError } from '@microsoft/microsoft-graph-client';
import { DomainError } from '../../src/core/errors.js';
import type { FolderResolver } from '../../src/folder-link/resolver.js';
import type { FolderUrl } from '../../src/folder-link/folder-url.js';
import { sameDriveId } from '../../src/sync/drive-item.js';
import { reconnectNeeded, type OneDriveGraph } from './graph.js';

interface Item {
  id: string;
  name?: string;
  folder?: object;
  file?: object;
  package?: { type?: string };
  remoteItem?: { id?: string; parentReference?: { driveId?: string; driveType?: string } };
  parentReference?: { driveId?: string; driveType?: string };
}

const refuse = (code: string, message: string) => new DomainError(`folder_link.${code}`, message);

/** `u!` + unpadded base64url of the URL: how Graph's shares API takes a sharing URL. */
export function shareIdOf(url: string): string {
  return `u!${Buffer.from(url, 'utf8').toString('base64url')}`;
}

const enc = encodeURIComponent;

export function graphFolderResolver(graph: OneDriveGraph): FolderResolver {
  return {
    async resolve(firmId, pasted, parsed) {
      try {
        const { client } = graph.forFirm(firmId);
        // Asked on every link, not remembered: the firm may have connected another account since.
        const me = (await client.api('/me/drive').select('id,driveType').get()) as { id: string; driveType: string };
        const item = await find(graph, firmId, pasted, parsed);
        if (item === null) throw refuse('not_found', "OneDrive found no folder at this address that your firm's account can open. Open the client's folder in OneDrive and copy its address.");
        if (item.package?.type?.toLowerCase() === 'onenote') throw refuse('onenote_notebook', 'This is a OneNote notebook, not a folder. Link the folder that holds the client\'s files.');
        const remoteDrive = item.remoteItem?.parentReference?.driveId;
        if (item.remoteItem !== undefined && (remoteDrive === undefined || !sameDriveId(remoteDrive, me.id))) {
          throw refuse('shortcut_to_other_drive', "This is a shortcut to a folder in someone else's OneDrive. Link a folder of your firm's own OneDrive.");
        }
        if (item.folder === undefined) throw refuse('not_a_folder', "This is a link to a file rather than a folder. Open the client's folder in OneDrive and copy its address.");
        const driveId = item.parentReference?.driveId ?? me.id;
        const driveType = item.parentReference?.driveType ?? ((await client.api(`/drives/${enc(driveId)}`).select('driveType').get()) as { driveType: string }).driveType;
        if (driveType !== 'personal') throw refuse('business_not_supported', 'This is a OneDrive for Business / SharePoint folder. Only OneDrive Personal folders can be linked.');
        return {
          driveItem: { driveId, itemId: item.id, driveType, isFolder: true, name: item.name ?? 'Folder' },
          connectedDriveId: me.id,
        };
      } catch (error) {
        const reconnect = reconnectNeeded(error);
        if (reconnect !== null) throw new DomainError('firm.onedrive_needs_reconnect', reconnect.message);
        if (error instanceof GraphError && error.statusCode !== 404) {
          throw new DomainError('folder_link.onedrive_unavailable', `OneDrive could not be asked about this folder just now (${error.statusCode}). Try again in a moment.`);
        }
        throw error;
      }
    },
  };
}

/** Shares API on the address as pasted; else by the ids (or path) the address names; null when neither finds it. */
async function find(graph: OneDriveGraph, firmId: string, pasted: string, parsed: FolderUrl): Promise<Item | null> {
  const { client } = graph.forFirm(firmId);
  const attempt = async (path: string): Promise<Item | null> => {
    try {
      return (await client.api(path).get()) as Item;
    } catch (error) {
      if (error instanceof GraphError && [400, 403, 404].includes(error.statusCode)) return null;
      throw error;
    }
  };
  const shared = await attempt(`/shares/${shareIdOf(pasted)}/driveItem`);
  if (shared) return shared;
  if (parsed.cid !== undefined && parsed.itemId !== undefined) return attempt(`/drives/${enc(parsed.cid)}/items/${enc(parsed.itemId)}`);
  if (parsed.cid !== undefined && parsed.drivePath !== undefined) {
    // "/personal/{cid}/Documents/Clients/Acme" → the drive's "/Clients/Acme".
    const inside = parsed.drivePath.split('/').filter((s) => s.length > 0).slice(3);
    if (inside.length === 0) return attempt(`/drives/${enc(parsed.cid)}/root`);
    return attempt(`/drives/${enc(parsed.cid)}/root:/${inside.map(enc).join('/')}:`);
  }
  return null;
}
