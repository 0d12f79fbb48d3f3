/**
 * The documents page and what it posts: upload into the Uploads folder (the page's script sends
 * each file as the request body, with progress; without script, the form's multipart body), rename
 * and delete (the domain refuses a firm file, a co-member's upload and a program's name, and the
 * page shows its message). What each document row shows is shared with "view as client"
 * (view-as-routes.tsx).
 */
import type { Context } from 'hono';
import type { Caller } from '../../../src/application/context.js';
import { DomainError } from '../../../src/core/errors.js';
import type { DocumentAsOf, DocumentRow, VisibleDocument } from '../../../src/application/read-models.js';
import { CLIENT_UPLOAD_FOLDER } from '../../../src/document/folder-path.js';
import type { AppEnv, RouteContext } from '../app.js';
import { HttpProblem } from '../problem.js';
import { jsonBodyLimit } from '../request-input.js';
import { admitUpload } from '../upload-admission.js';
import { storeAndRecord } from '../upload-body.js';
import { DocumentsPage, type ShownDocument, type Viewer } from './documents.js';
import { portalPath } from './layout.js';
import type { Look } from './look.js';
import { pagesCaller } from './look.js';
import { contactOn, FORM_BYTES, formOf, notFoundPage, pageSetup, parsedForm, refusalOf, render } from './page-kit.js';
import { CSRF_FIELD, CSRF_HEADER, requireCsrf } from './security.js';
import { requireSize } from './upload-policy.js';
import { answersJson } from './error-pages.js';

/** Without script the files come in one multipart body, held in memory: a smaller limit for that. */
const FORM_UPLOAD_BYTES = 32 * 1024 * 1024;

/** The firm's rows of a client's documents, by id: who added each, when, from where. */
export async function rowsOf(ctx: RouteContext, firmId: string, clientId: string): Promise<Map<string, DocumentRow>> {
  const rows = new Map<string, DocumentRow>();
  let cursor: string | undefined;
  do {
    const page = await ctx.portal.documents.list(pagesCaller(firmId), { clientId, limit: 200, ...(cursor ? { cursor } : {}) });
    for (const row of page.items) rows.set(row.documentId, row);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return rows;
}

/** The folders among what is shared (each gets a heading on the page, empty or not). */
export const sharedFoldersOf = (items: ReadonlyArray<{ kind: string; path?: string }>) => items.flatMap((item) => (item.kind === 'folder' && item.path !== undefined ? [item.path] : []));

/** What the page shows of each document the contact sees now. */
export function shown(look: Look, contactId: string, visible: VisibleDocument[], rows: Map<string, DocumentRow>): ShownDocument[] {
  return visible.map((doc) => {
    const row = rows.get(doc.documentId);
    const by = row?.addedBy;
    const own = row?.origin === 'client_upload' && by?.kind === 'contact' && by.id === contactId;
    const sharedBy = by === undefined ? look.firmName : by.kind === 'contact' ? (by.id === contactId ? 'You' : by.name) : by.kind === 'staff' ? `${by.name}, ${look.firmName}` : look.firmName;
    return { ...doc, date: row?.updatedAt ?? null, sharedBy, own };
  });
}

/**
 * What the page shows of each document a contact saw at an instant: who uploaded it and when that
 * version came are the time travel's own facts (the document may be deleted since); the current
 * rows only lend the name of whoever shared it, while they still have one.
 */
export function shownAsOf(look: Look, contactId: string, seen: DocumentAsOf[], rows: Map<string, DocumentRow>, contactNames: Map<string, string>): ShownDocument[] {
  return seen.map(({ uploadedByContactId: uploader, versionAddedAt, ...doc }) => {
    const by = rows.get(doc.documentId)?.addedBy;
    const sharedBy =
      uploader === contactId ? 'You'
      : uploader !== null ? (contactNames.get(uploader) ?? 'Another contact')
      : by?.kind === 'staff' ? `${by.name}, ${look.firmName}`
      : look.firmName;
    return { ...doc, date: versionAddedAt, sharedBy, own: uploader === contactId };
  });
}

/** A refusal of one of several files, saying which: "“a.exe” was not sent: …". */
async function namedRefusal(name: string, check: Promise<void>): Promise<void> {
  try {
    await check;
  } catch (error) {
    if (error instanceof DomainError) throw new DomainError(error.code, `“${name}” was not sent: ${error.message}`);
    throw error;
  }
}

const notices: Record<string, string> = {
  welcome: 'Your account is active. Welcome!',
  password: 'Your new password is saved.',
  uploaded: 'Your documents were sent.',
  renamed: 'The document was renamed.',
  deleted: 'The document was deleted.',
};

export function registerDocumentPages(ctx: RouteContext): void {
  const { app, portal, blobs, limits } = ctx;
  const form = jsonBodyLimit(FORM_BYTES);

  async function signedIn(c: Context<AppEnv>) {
    const firmId = c.req.param('firmId') ?? '';
    const contact = await contactOn(ctx, c, firmId);
    if (contact === null) return null;
    const caller: Caller = ctx.asCaller(c, { tenantId: contact.tenantId, actor: { kind: 'contact', contactId: contact.contactId } });
    const access = await portal.access.getPortalAccess(caller, { contactId: contact.contactId });
    return { caller, contactId: contact.contactId, clientId: access.clientId, sharedFolders: sharedFoldersOf(access.sharedItems) };
  }

  async function page(c: Context<AppEnv>, messages: { error?: string | null; info?: string | null } = {}, status = 200) {
    const setup = await pageSetup(ctx, c);
    if (setup === null) return notFoundPage(c);
    const me = await signedIn(c);
    if (me === null) return c.redirect(`${portalPath(setup.look.firmId, 'login')}?again=1`, 303);
    const visible = await portal.documents.shared(me.caller);
    const documents = shown(setup.look, me.contactId, visible, await rowsOf(ctx, setup.look.firmId, me.clientId));
    const viewer: Viewer = { kind: 'contact' };
    return render(c, <DocumentsPage {...setup} viewer={viewer} documents={documents} sharedFolders={me.sharedFolders} maxUploadBytes={limits.uploadBytes} {...messages} />, status);
  }

  app.get('/portal/:firmId/documents', async (c) => {
    const notice = Object.keys(notices).find((key) => c.req.query(key) !== undefined);
    return page(c, { info: notice ? notices[notice] : null });
  });

  app.post('/portal/:firmId/documents/upload', async (c) => {
    const firmId = c.req.param('firmId');
    const multipart = !answersJson(c);
    if (!multipart) requireCsrf(c, c.req.header(CSRF_HEADER));
    const me = await signedIn(c);
    if (me === null && multipart) return c.redirect(`${portalPath(firmId, 'login')}?again=1`, 303);
    if (me === null) throw new HttpProblem('auth.unauthenticated', 'Your session has ended. Log in again.', 401);
    if (!multipart) {
      // The page's script: one file per request, its bytes the whole body; answers JSON for the progress list.
      const name = c.req.query('name') ?? '';
      const declared = Number(c.req.header('content-length') ?? NaN);
      requireSize(name, Number.isFinite(declared) ? declared : undefined, limits.uploadBytes);
      await admitUpload(portal, me.caller, me.clientId, CLIENT_UPLOAD_FOLDER, name);
      const result = await storeAndRecord(c, blobs, limits.uploadBytes, (blob) =>
        portal.documents.uploadDocument(me.caller, { clientId: me.clientId, folderPath: CLIENT_UPLOAD_FOLDER, name, size: blob.size, contentHash: blob.contentHash, blobRef: blob.contentHash }),
      );
      return c.json({ documentId: result.document.documentId, name: result.document.name }, 201);
    }
    try {
      if (Number(c.req.header('content-length') ?? Infinity) > FORM_UPLOAD_BYTES) {
        throw new HttpProblem('upload.too_large', `Without script, files can be sent ${FORM_UPLOAD_BYTES / 1024 / 1024} MB at a time; send fewer or smaller files.`, 413);
      }
      const body = await parsedForm(c, true);
      requireCsrf(c, body[CSRF_FIELD]);
      // An empty file input still sends one part: no name, no bytes.
      const files = [body.files].flat().filter((f): f is File => typeof f === 'object' && f !== null && 'stream' in f && (f.name !== '' || f.size > 0));
      if (files.length === 0) throw new HttpProblem('upload.nothing_chosen', 'Choose at least one file first.', 400);
      for (const file of files) {
        requireSize(file.name, file.size, limits.uploadBytes);
        await namedRefusal(file.name, admitUpload(portal, me.caller, me.clientId, CLIENT_UPLOAD_FOLDER, file.name));
      }
      for (const file of files) {
        const blob = await blobs.put(file.stream() as ReadableStream<Uint8Array>, { maxBytes: limits.uploadBytes });
        await portal.documents.uploadDocument(me.caller, { clientId: me.clientId, folderPath: CLIENT_UPLOAD_FOLDER, name: file.name, size: blob.size, contentHash: blob.contentHash, blobRef: blob.contentHash });
      }
      return c.redirect(`${portalPath(firmId, 'documents')}?uploaded=1`, 303);
    } catch (error) {
      const refused = refusalOf(error);
      return page(c, { error: refused.message }, refused.status);
    }
  });

  for (const action of ['rename', 'delete'] as const) {
    app.post(`/portal/:firmId/documents/:documentId/${action}`, form, async (c) => {
      const firmId = c.req.param('firmId');
      try {
        const fields = await formOf(c);
        const me = await signedIn(c);
        if (me === null) return c.redirect(`${portalPath(firmId, 'login')}?again=1`, 303);
        const documentId = c.req.param('documentId');
        if (action === 'rename') await portal.documents.renameDocument(me.caller, { documentId, name: fields.name ?? '' });
        else await portal.documents.removeDocument(me.caller, { documentId });
        return c.redirect(`${portalPath(firmId, 'documents')}?${action === 'rename' ? 'renamed' : 'deleted'}=1`, 303);
      } catch (error) {
        const refused = refusalOf(error);
        return page(c, { error: refused.message }, refused.status);
      }
    });
  }

}
