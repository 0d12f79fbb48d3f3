import type { Account } from './accounts.js';
import { ITEM_PATH, addressed, targetOf, type Addressed } from './addressing.js';
import { parseDeltaToken, resyncRequired, sinceToken } from './delta.js';
import type { Drive, Item } from './drive.js';
import { GraphFault, invalidRequest, notFound } from './errors.js';
import { readJson, route, sendJson, type Exchange, type Route } from './http-kit.js';
import { itemJson, selectFields } from './item-json.js';
import { authenticate, checkIfMatch, driveById, rendering, type SimState } from './state.js';
import { createUploadSession, downloadContent, uploadContent } from './transfer-routes.js';
import { conflictBehavior } from './upload-sessions.js';

export function driveJson(drive: Drive): Record<string, unknown> {
  const { quotaBytes: total, usedBytes: used } = drive;
  const state = used >= total ? 'exceeded' : used > total * 0.98 ? 'critical' : used > total * 0.9 ? 'nearing' : 'normal';
  return {
    id: drive.id,
    driveType: drive.driveType,
    name: 'OneDrive',
    owner: { user: { id: drive.owner.id, displayName: drive.owner.displayName } },
    quota: { total, used, remaining: Math.max(0, total - used), deleted: 0, state },
  };
}

const render = (state: SimState, ex: Exchange, drive: Drive, item: Item, withPath = true) =>
  selectFields(itemJson(drive, item, rendering(state, ex.base), withPath), ex.url.searchParams.get('$select'));

const pageSize = (ex: Exchange, fallback: number) => {
  const top = Number(ex.url.searchParams.get('$top') ?? NaN);
  return Number.isInteger(top) && top > 0 ? Math.min(top, 1000) : fallback;
};

/** A link back to the simulator keeping $select, as Graph's next and delta links do. */
function link(ex: Exchange, path: string, params: Record<string, string>): string {
  const query = new URLSearchParams(params);
  const select = ex.url.searchParams.get('$select');
  if (select !== null) query.set('$select', select);
  return `${ex.base}/v1.0${path}?${query.toString().replace(/%24/g, '$')}`;
}

const itemPath = (drive: Drive, item: Item) => (item.id === drive.rootId ? `/drives/${drive.id}/root` : `/drives/${drive.id}/items/${encodeURIComponent(item.id)}`);

function children(state: SimState, ex: Exchange, drive: Drive, folder: Item, fallbackSize = state.childrenPageSize): Record<string, unknown> {
  const size = pageSize(ex, fallbackSize);
  const offset = Number(ex.url.searchParams.get('$skiptoken') ?? '0') || 0;
  const sorted = [...folder.children].map((id) => drive.items.get(id)!).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const page: Record<string, unknown> = { value: sorted.slice(offset, offset + size).map((item) => render(state, ex, drive, item)) };
  if (offset + size < sorted.length) {
    page['@odata.nextLink'] = link(ex, `${itemPath(drive, folder)}/children`, { $top: String(size), $skiptoken: String(offset + size) });
  }
  return page;
}

function delta(state: SimState, ex: Exchange, a: Addressed): void {
  const { drive } = a;
  const scope = targetOf(a);
  if (scope.kind !== 'folder') throw invalidRequest('Delta is only supported on folders.');
  if (scope.id !== drive.rootId && drive.folderDelta === 'notSupported') {
    throw new GraphFault(501, 'notSupported', 'view.delta can only be called on the root.');
  }
  if (scope.id !== drive.rootId && drive.folderDelta === 'badRequest') {
    throw invalidRequest("Change tracking is not supported against 'microsoft.graph.driveItem'.");
  }
  const deltaPath = `${itemPath(drive, scope)}/delta`;
  const token = parseDeltaToken(a.actionToken ?? ex.url.searchParams.get('token'));
  let roundId: string;
  let offset = 0;
  try {
    if (token.kind === 'latest') {
      sendJson(ex, 200, { value: [], '@odata.deltaLink': link(ex, deltaPath, { token: sinceToken(drive.seq) }) });
      return;
    }
    if (token.kind === 'page') ({ round: roundId, offset } = token);
    else roundId = state.rounds.start(drive, scope, token.kind === 'since' ? token.seq : null);
  } catch (error) {
    if (error instanceof GraphFault && error.status === 410) throw resyncRequired(link(ex, deltaPath, {}).replace(/\?$/, ''));
    throw error;
  }
  const page = state.rounds.page(roundId, offset, pageSize(ex, state.deltaPageSize));
  const r = rendering(state, ex.base);
  const body: Record<string, unknown> = {
    value: page.entries.map((e) => selectFields(itemJson(drive, e.state, r, false), ex.url.searchParams.get('$select'))),
  };
  if (page.next !== undefined) body['@odata.nextLink'] = link(ex, deltaPath, { token: page.next });
  else body['@odata.deltaLink'] = link(ex, deltaPath, { token: page.delta! });
  sendJson(ex, 200, body);
}

async function itemRequest(state: SimState, ex: Exchange, account: Account, match: RegExpExecArray): Promise<void> {
  const a = addressed(state, account, match);
  const { drive } = a;
  const key = `${ex.method} ${a.action}`;
  switch (key) {
    case 'GET ': {
      const item = targetOf(a);
      const json = render(state, ex, drive, item);
      if (ex.url.searchParams.get('$expand') === 'children' && item.kind === 'folder') {
        json.children = children(state, ex, drive, item).value;
      }
      return sendJson(ex, 200, json, { etag: `"${json.eTag as string}"` });
    }
    case 'PATCH ': {
      const item = targetOf(a);
      checkIfMatch(ex, item);
      const body = await readJson(ex);
      const parentId = (body.parentReference as { id?: string } | undefined)?.id;
      const moved = drive.move(item.id, parentId ?? item.parentId!, typeof body.name === 'string' ? body.name : undefined);
      return sendJson(ex, 200, render(state, ex, drive, moved));
    }
    case 'DELETE ': {
      const item = targetOf(a);
      checkIfMatch(ex, item);
      drive.remove(item.id);
      ex.res.writeHead(204).end();
      return;
    }
    case 'GET children': {
      const folder = targetOf(a);
      if (folder.kind !== 'folder') throw invalidRequest('Only folders have children.');
      return sendJson(ex, 200, children(state, ex, drive, folder));
    }
    case 'POST children': {
      const body = await readJson(ex);
      const folder = targetOf(a);
      if (typeof body.name !== 'string' || body.folder === undefined) throw invalidRequest('Give a name and a folder facet.');
      const conflict = conflictBehavior(body['@microsoft.graph.conflictBehavior'], 'fail');
      const existing = drive.childNamed(folder, body.name);
      if (existing !== undefined && conflict === 'replace' && existing.kind === 'folder') return sendJson(ex, 200, render(state, ex, drive, existing));
      const name = existing !== undefined && conflict === 'rename' ? `${body.name} 1` : body.name;
      return sendJson(ex, 201, render(state, ex, drive, drive.addFolder(folder.id, name)));
    }
    case 'GET delta':
      return delta(state, ex, a);
    case 'GET content':
      return downloadContent(state, ex, a);
    case 'PUT content':
      return uploadContent(state, ex, a);
    case 'POST createUploadSession':
      return createUploadSession(state, ex, a);
    default:
      throw new GraphFault(400, 'invalidRequest', `Unsupported request: ${ex.method} ${ex.url.pathname}`);
  }
}

/** `u!` + unpadded base64url of the sharing URL, as Graph's shares API takes it. */
function sharedItem(state: SimState, shareId: string): { drive: Drive; item: Item } {
  let url: string;
  if (shareId.startsWith('u!')) {
    url = Buffer.from(shareId.slice(2), 'base64url').toString('utf8');
    if (!/^https?:\/\//.test(url)) throw invalidRequest('Invalid shares key.');
  } else {
    url = [...state.shares.keys()].find((u) => u.includes(`/${shareId}`)) ?? '';
  }
  const shared = state.shares.get(url.trim()) ?? state.shares.get(url.trim().replace(/\/$/, ''));
  if (shared === undefined) throw notFound();
  const drive = driveById(state, shared.driveId);
  return { drive, item: drive.resolve(shared.itemId) };
}

export function graphRoutes(state: SimState): Route[] {
  const authed = (handle: (ex: Exchange, account: Account, match: RegExpExecArray) => Promise<void> | void) =>
    (ex: Exchange, match: RegExpExecArray) => handle(ex, authenticate(state, ex), match);
  return [
    route('GET', /^\/v1\.0\/me$/, 'me', authed((ex, account) =>
      sendJson(ex, 200, { id: account.oid, displayName: account.name, userPrincipalName: account.username, mail: account.username }))),
    route('GET', /^\/v1\.0\/me\/drive$/, 'drive', authed((ex, account) => sendJson(ex, 200, driveJson(driveById(state, account.driveId))))),
    route('GET', /^\/v1\.0\/drives\/([^/]+)$/, 'drive', authed((ex, _account, m) => sendJson(ex, 200, driveJson(driveById(state, decodeURIComponent(m[1]!)))))),
    route('GET', /^\/v1\.0\/shares\/([^/]+)\/(?:driveItem|root)$/, 'shares', authed((ex, _account, m) => {
      const { drive, item } = sharedItem(state, decodeURIComponent(m[1]!));
      const json = render(state, ex, drive, item, false);
      if (ex.url.searchParams.get('$expand') === 'children' && item.kind === 'folder') json.children = children(state, ex, drive, item).value;
      sendJson(ex, 200, json);
    })),
    route('*', ITEM_PATH, 'item', authed((ex, account, m) => itemRequest(state, ex, account, m))),
  ];
}
