/**
 * A FolderResolver for tests without a Graph simulator: an address naming cid + item id resolves
 * to that personal folder (the drive id is the cid in lower case, as Personal reports it), named
 * as `name(url, …)` said, else "Client folder".
 */
import type { FolderResolver } from '../../src/folder-link/resolver.js';
import { DomainError } from '../../src/core/errors.js';

export function fakeFolderResolver(): FolderResolver & { name(url: string, name: string): void } {
  const names = new Map<string, string>();
  return {
    name: (url, name) => void names.set(url, name),
    async resolve(_firmId, pasted, parsed) {
      if (parsed.cid === undefined || parsed.itemId === undefined) {
        throw new DomainError('folder_link.not_found', 'OneDrive found no folder at this address.');
      }
      const driveId = parsed.cid.toLowerCase();
      return {
        driveItem: { driveId, itemId: parsed.itemId, driveType: 'personal', isFolder: true, name: names.get(pasted) ?? 'Client folder' },
        connectedDriveId: driveId,
      };
    },
  };
}
