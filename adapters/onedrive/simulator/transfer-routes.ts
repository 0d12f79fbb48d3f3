import { placeOf, targetOf, type Addressed } from './addressing.js';
import { GraphFault, invalidRequest, nameExists, notFound } from './errors.js';
import { header, readBody, readJson, route, send, sendJson, type Exchange, type Route } from './http-kit.js';
import { itemJson } from './item-json.js';
import { checkIfMatch, downloadUrl, driveById, readDownloadUrl, rendering, type SimState } from './state.js';
import { conflictBehavior, placeFile, sessionStatus, type UploadSession } from './upload-sessions.js';

const FRAGMENT_UNIT = 320 * 1024;
const MAX_FRAGMENT = 60 * 1024 * 1024;

/** GET …/content: 302 to the item's pre-authenticated download URL. */
export function downloadContent(state: SimState, ex: Exchange, a: Addressed): void {
  const item = targetOf(a);
  if (item.kind !== 'file') throw invalidRequest('Only files have content.');
  send(ex, 302, { location: downloadUrl(state, ex.base, a.drive, item) });
}

/** PUT …/items/{parent}:/{name}:/content (new or by name) or …/items/{id}/content (replace). */
export async function uploadContent(state: SimState, ex: Exchange, a: Addressed): Promise<void> {
  const body = await readBody(ex);
  const { drive } = a;
  if (a.path.length === 0) {
    checkIfMatch(ex, a.base);
    if (a.base.kind !== 'file') throw invalidRequest('Only files have content.');
    return sendJson(ex, 200, itemJson(drive, drive.modify(a.base.id, body), rendering(state, ex.base), true));
  }
  const { parent, name } = placeOf(a);
  const conflict = conflictBehavior(ex.url.searchParams.get('@microsoft.graph.conflictBehavior') ?? undefined, 'replace');
  const existing = drive.childNamed(parent, name);
  if (header(ex, 'if-match') !== undefined) checkIfMatch(ex, existing);
  const { item, created } = placeFile(drive, parent, name, body, conflict);
  sendJson(ex, created ? 201 : 200, itemJson(drive, item, rendering(state, ex.base), true));
}

/** POST …/items/{parent}:/{name}:/createUploadSession or …/items/{id}/createUploadSession. */
export async function createUploadSession(state: SimState, ex: Exchange, a: Addressed): Promise<void> {
  const body = await readJson(ex);
  const item = (body.item ?? {}) as Record<string, unknown>;
  const conflict = conflictBehavior(item['@microsoft.graph.conflictBehavior'], 'fail');
  const declared = typeof item.fileSize === 'number' ? item.fileSize : undefined;
  const { drive } = a;
  if (declared !== undefined) drive.reserve(declared);
  let target: UploadSession['target'];
  if (a.path.length === 0) {
    checkIfMatch(ex, a.base);
    if (a.base.kind !== 'file') throw invalidRequest('Only files have content.');
    target = { itemId: a.base.id };
  } else {
    const { parent, name } = placeOf(a);
    if (conflict === 'fail' && drive.childNamed(parent, name) !== undefined) throw nameExists();
    target = { parentId: parent.id, name };
  }
  const session = state.sessions.create({ driveId: drive.id, target, conflict, size: declared });
  sendJson(ex, 200, { uploadUrl: `${ex.base}/_upload/${session.id}`, ...sessionStatus(session) });
}

function refuseBearer(state: SimState, ex: Exchange): void {
  if (state.refuseBearerOnPreauthenticated && header(ex, 'authorization') !== undefined) {
    throw new GraphFault(401, 'unauthenticated', 'Pre-authenticated URLs must not be sent an Authorization header.');
  }
}

const RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/;

/** PUT {uploadUrl}: one fragment, in order, a multiple of 320 KiB except the last. */
async function putFragment(state: SimState, ex: Exchange, session: UploadSession): Promise<void> {
  const range = RANGE.exec(header(ex, 'content-range') ?? '');
  const body = await readBody(ex);
  if (range === null) throw invalidRequest('A Content-Range header "bytes {start}-{end}/{total}" is required.');
  const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
  if (end < start || end >= total || body.length !== end - start + 1) throw invalidRequest('The Content-Range does not match the body.');
  if (session.size !== undefined && total !== session.size) throw invalidRequest('The total size differs from the session\'s.');
  if (start !== session.received) {
    throw new GraphFault(416, 'invalidRange', `The uploaded fragment overlaps or skips data; expected bytes ${session.received}-.`);
  }
  const last = end === total - 1;
  if (body.length > MAX_FRAGMENT || (!last && body.length % FRAGMENT_UNIT !== 0)) {
    throw invalidRequest('Fragments must be a multiple of 320 KiB (except the last) and under 60 MiB.');
  }
  session.size = total;
  session.chunks.push(body);
  session.received += body.length;
  state.sessions.touch(session);
  if (!last) return sendJson(ex, 202, sessionStatus(session));
  const drive = driveById(state, session.driveId);
  const content = Buffer.concat(session.chunks);
  try {
    const placed =
      'itemId' in session.target
        ? { item: drive.modify(session.target.itemId, content), created: false }
        : placeFile(drive, drive.resolve(session.target.parentId), session.target.name, content, session.conflict);
    state.sessions.delete(session.id);
    sendJson(ex, placed.created ? 201 : 200, itemJson(drive, placed.item, rendering(state, ex.base), true));
  } catch (error) {
    // A refused commit (409, 507) ends the session, as Graph does.
    state.sessions.delete(session.id);
    throw error;
  }
}

function serveDownload(state: SimState, ex: Exchange, token: string): void {
  refuseBearer(state, ex);
  const { drive, itemId } = readDownloadUrl(state, token);
  const item = drive.items.get(itemId);
  if (item === undefined || item.deleted || item.kind !== 'file') throw notFound();
  const headers = { 'content-type': item.mimeType, 'accept-ranges': 'bytes' };
  const range = /^bytes=(\d+)-(\d*)$/.exec(header(ex, 'range') ?? '');
  if (range === null) return send(ex, 200, headers, item.content);
  const size = item.content.length;
  const start = Number(range[1]);
  const end = range[2] === '' ? size - 1 : Math.min(Number(range[2]), size - 1);
  if (start >= size || end < start) return send(ex, 416, { 'content-range': `bytes */${size}` });
  send(ex, 206, { ...headers, 'content-range': `bytes ${start}-${end}/${size}` }, item.content.subarray(start, end + 1));
}

export function transferRoutes(state: SimState): Route[] {
  const guarded = (handle: (ex: Exchange, id: string) => Promise<void> | void) => (ex: Exchange, m: RegExpExecArray) => handle(ex, m[1]!);
  return [
    route('GET', /^\/_download\/([^/]+)$/, 'download', guarded((ex, token) => serveDownload(state, ex, token))),
    route('PUT', /^\/_upload\/([^/]+)$/, 'uploadFragment', guarded(async (ex, id) => {
      refuseBearer(state, ex);
      await putFragment(state, ex, state.sessions.get(id));
    })),
    route('GET', /^\/_upload\/([^/]+)$/, 'uploadStatus', guarded((ex, id) => {
      refuseBearer(state, ex);
      sendJson(ex, 200, sessionStatus(state.sessions.get(id)));
    })),
    route('DELETE', /^\/_upload\/([^/]+)$/, 'uploadCancel', guarded((ex, id) => {
      refuseBearer(state, ex);
      state.sessions.get(id);
      state.sessions.delete(id);
      ex.res.writeHead(204).end();
    })),
  ];
}
