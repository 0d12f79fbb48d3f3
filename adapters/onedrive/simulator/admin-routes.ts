import type { Drive, Item } from './drive.js';
import { invalidRequest } from './errors.js';
import type { FaultRule } from './faults.js';
import { readJson, route, sendJson, type Exchange, type Route } from './http-kit.js';
import type { GraphSimulator } from './server.js';

const text = (value: unknown, what: string): string => {
  if (typeof value !== 'string' || value === '') throw invalidRequest(`"${what}" is required.`);
  return value;
};

const contentOf = (body: Record<string, unknown>): Buffer =>
  typeof body.contentBase64 === 'string' ? Buffer.from(body.contentBase64, 'base64') : Buffer.from(typeof body.content === 'string' ? body.content : '');

/** `{ "path": "/Clients/Acme/a.txt" }` or `{ "id": "…" }`. */
const refOf = (body: Record<string, unknown>): string => (typeof body.id === 'string' ? body.id : text(body.path, 'path or id'));

function summary(drive: Drive, item: Item) {
  const path = item.parentId === null ? '/' : `${drive.pathOf(item).replace(/^\/drive\/root:/, '')}`;
  return { id: item.id, name: item.name, kind: item.kind, path, size: item.kind === 'file' ? item.content.length : undefined };
}

function tree(drive: Drive): ReturnType<typeof summary>[] {
  const out: ReturnType<typeof summary>[] = [];
  const walk = (item: Item) => {
    out.push(summary(drive, item));
    for (const id of item.children) walk(drive.items.get(id)!);
  };
  walk(drive.root);
  return out;
}

/** Splits "/a/b/c.txt" into the parent path "/a/b" and the name "c.txt". */
function splitPath(path: string): { parent: string; name: string } {
  const at = path.lastIndexOf('/');
  return { parent: at <= 0 ? '/' : path.slice(0, at), name: path.slice(at + 1) };
}

/**
 * The simulator's admin API under /_sim/ (no authentication; loopback only), documented in
 * README.md beside this file: edit the drives, choose who logs in, break grants, arm faults.
 */
export function adminRoutes(sim: GraphSimulator): Route[] {
  const drive = (id: string) => (id === 'me' ? sim.personal : sim.drive(decodeURIComponent(id)));
  const edit = (name: string, apply: (d: Drive, body: Record<string, unknown>) => unknown) =>
    route('POST', new RegExp(`^/_sim/drives/([^/]+)/${name}$`), 'admin', async (ex: Exchange, m) => {
      const result = apply(drive(m[1]!), await readJson(ex));
      sendJson(ex, 200, result ?? { ok: true });
    });
  return [
    route('GET', /^\/_sim\/?$/, 'admin', (ex) => sendJson(ex, 200, { docs: 'adapters/onedrive/simulator/README.md', drives: sim.drives.map((d) => d.id) })),
    route('GET', /^\/_sim\/drives$/, 'admin', (ex) =>
      sendJson(ex, 200, sim.drives.map((d) => ({ id: d.id, driveType: d.driveType, owner: d.owner, items: d.items.size })))),
    route('GET', /^\/_sim\/drives\/([^/]+)\/tree$/, 'admin', (ex, m) => sendJson(ex, 200, tree(drive(m[1]!)))),
    edit('add', (d, body) => {
      const { parent, name } = splitPath(text(body.path, 'path'));
      const item = body.folder === true ? d.addFolder(parent, name) : d.addFile(parent, name, contentOf(body));
      return summary(d, item);
    }),
    edit('modify', (d, body) => summary(d, d.modify(refOf(body), contentOf(body)))),
    edit('rename', (d, body) => summary(d, d.rename(refOf(body), text(body.name, 'name')))),
    edit('move', (d, body) => summary(d, d.move(refOf(body), text(body.to, 'to'), typeof body.name === 'string' ? body.name : undefined))),
    edit('delete', (d, body) => {
      d.remove(refOf(body));
    }),
    edit('share', (d, body) => ({ url: sim.share(d, refOf(body), typeof body.url === 'string' ? body.url : undefined) })),
    edit('resync', (d) => {
      d.resyncBefore = d.seq + 1;
    }),
    edit('settings', (d, body) => {
      if (body.folderDelta === 'supported' || body.folderDelta === 'notSupported' || body.folderDelta === 'badRequest') d.folderDelta = body.folderDelta;
      if (typeof body.quotaBytes === 'number') d.quotaBytes = body.quotaBytes;
      return { folderDelta: d.folderDelta, quotaBytes: d.quotaBytes, usedBytes: d.usedBytes };
    }),
    route('POST', /^\/_sim\/login$/, 'admin', async (ex) => {
      const body = await readJson(ex);
      const username = body.kind === 'work' ? sim.work.username : body.kind === 'personal' ? sim.account.username : text(body.username, 'username or kind');
      sim.accounts.loginAs = sim.accounts.find(username).username;
      sendJson(ex, 200, { loginAs: sim.accounts.loginAs });
    }),
    route('POST', /^\/_sim\/accounts\/([^/]+)\/grant$/, 'admin', async (ex, m) => {
      const body = await readJson(ex);
      const account = sim.accounts.find(decodeURIComponent(m[1]!));
      const problem = body.problem;
      account.grantProblem = problem === 'consent' || problem === 'revoked' || problem === 'expired' ? problem : undefined;
      sendJson(ex, 200, { username: account.username, grantProblem: account.grantProblem ?? null });
    }),
    route('POST', /^\/_sim\/tokens\/expire$/, 'admin', (ex) => {
      sim.accounts.expireAccessTokens();
      sendJson(ex, 200, { ok: true });
    }),
    route('POST', /^\/_sim\/faults$/, 'admin', async (ex) => {
      const body = await readJson(ex);
      const rule = { ...body, path: typeof body.pathPattern === 'string' ? new RegExp(body.pathPattern) : body.path } as FaultRule;
      sim.faults.add(rule);
      sendJson(ex, 200, { pending: sim.faults.pending });
    }),
    route('DELETE', /^\/_sim\/faults$/, 'admin', (ex) => {
      sim.faults.clear();
      sendJson(ex, 200, { pending: 0 });
    }),
    route('GET', /^\/_sim\/requests$/, 'admin', (ex) =>
      sendJson(ex, 200, { total: sim.requests.count(), graph: sim.requests.graph(), byRoute: sim.requests.byRoute() })),
    route('DELETE', /^\/_sim\/requests$/, 'admin', (ex) => {
      sim.requests.reset();
      sendJson(ex, 200, { total: 0 });
    }),
  ];
}
