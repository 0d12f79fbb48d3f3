/**
 * Who may upload where, asked before a byte of an upload's body is read: the bytes are stored as
 * they arrive, so an upload refused only afterwards would leave them in the blob store with no
 * document referring to them (anyone signed in could fill the disk). The rules are the portal's
 * own, asked through its reads; the upload itself checks them again in its own turn.
 */
import type { Caller } from '../../src/application/context.js';
import { requireAccessTo, type DocumentView } from '../../src/application/documents.js';
import type { Portal } from '../../src/application/portal.js';
import { archivedClient } from '../../src/application/tenant-guards.js';
import { NotFoundError } from '../../src/core/errors.js';
import { requireUploadArea, requireVersionable } from '../../src/document/decider.js';
import { requireNotProgram } from '../../src/document/name.js';

/**
 * A new document: staff upload into a client of their firm that is not archived; a contact only
 * with active access to this client, only into their upload area, and no program or script.
 */
export async function admitUpload(portal: Portal, caller: Caller, clientId: string, folderPath: string, name: string): Promise<void> {
  const { actor } = caller;
  if (actor.kind !== 'contact') {
    await requireActiveClient(portal, caller, clientId);
    return;
  }
  requireAccessTo(await accessOf(portal, caller, actor.contactId), clientId);
  requireUploadArea(folderPath);
  requireNotProgram(name);
}

/**
 * A new version of a document the caller may see (getDocument asked that): not removed, theirs to
 * change (a contact never changes the firm's files), and its client not archived.
 */
export async function admitNewVersion(portal: Portal, caller: Caller, document: DocumentView): Promise<void> {
  requireVersionable(document, caller.actor);
  // A contact sees documents only through active access, which archiving closes.
  if (caller.actor.kind !== 'contact') await requireActiveClient(portal, caller, document.clientId);
}

async function requireActiveClient(portal: Portal, caller: Caller, clientId: string): Promise<void> {
  const client = await portal.clients.getClient(caller, { clientId });
  if (client.status === 'archived') throw archivedClient();
}

/** The contact's own access as it stands; never opened reads as `none`. */
async function accessOf(portal: Portal, caller: Caller, contactId: string) {
  try {
    return await portal.access.getPortalAccess(caller, { contactId });
  } catch (error) {
    if (error instanceof NotFoundError) return { clientId: null, status: 'none' as const };
    throw error;
  }
}
