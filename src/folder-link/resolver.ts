/**
 * The port through which the application has a pasted folder address resolved: the OneDrive
 * adapter asks Graph (through the firm's own connection) what the address names. src/ stays free
 * of I/O; the refusals it can make before any call (parseFolderUrl) are made before the port is asked.
 */
import type { z } from 'zod';
import type { resolvedDriveItem } from './commands.js';
import type { FolderUrl } from './folder-url.js';

export interface ResolvedFolder {
  driveItem: z.input<typeof resolvedDriveItem>;
  /** The drive of the firm's connected account: the folder must be in it. */
  connectedDriveId: string;
}

export interface FolderResolver {
  /**
   * What the pasted address names, as the firm's OneDrive connection sees it. Throws a DomainError
   * (`folder_link.*`) naming what is wrong when it names nothing the firm can reach.
   */
  resolve(firmId: string, pasted: string, parsed: FolderUrl): Promise<ResolvedFolder>;
}
