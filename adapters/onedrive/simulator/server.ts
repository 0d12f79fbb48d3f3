import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Accounts, type Account } from './accounts.js';
import { itemRouteName } from './addressing.js';
import { adminRoutes } from './admin-routes.js';
import { DeltaRounds, type DeltaSettings } from './delta.js';
import { Drive, type DriveOptions } from './drive.js';
import { GraphFault } from './errors.js';
import { Faults, RequestLog, faultCode, type FaultRule, type RequestRecord } from './faults.js';
import { graphRoutes } from './graph-routes.js';
import { sendFault, type Exchange, type Route } from './http-kit.js';
import { opaque, type IdStyle } from './ids.js';
import { loginRoutes } from './login-routes.js';
import { newSigningKey, type SimState } from './state.js';
import { transferRoutes } from './transfer-routes.js';
import { UploadSessions } from './upload-sessions.js';

export interface GraphSimulatorOptions {
  /** 0 (any free port) by default. */
  port?: number;
  /** 127.0.0.1 by default; the simulator is meant for loopback only. */
  host?: string;
  /** Id style of the default drives: 'legacy' (`CID!123`) or 'new' (mixed-case resids, lower-case driveId in references). */
  idStyle?: IdStyle;
  /** When set, the token endpoint refuses another client_secret (invalid_client). */
  clientSecret?: string;
  childrenPageSize?: number;
  delta?: Partial<DeltaSettings>;
  /** 401 when a download or upload-session URL is sent an Authorization header (true by default). */
  refuseBearerOnPreauthenticated?: boolean;
  accessTokenSeconds?: number;
}

export interface GraphSimulator {
  /** The origin, e.g. http://127.0.0.1:53211: Graph under /v1.0, the login under /consumers, the admin API under /_sim. */
  readonly url: string;
  /** The personal account that logs in by default, and its personal drive. */
  readonly account: Account;
  readonly personal: Drive;
  /** A work/school account (another tenant) and its business drive, to test refusals. */
  readonly work: Account;
  readonly business: Drive;
  readonly drives: Drive[];
  readonly accounts: Accounts;
  readonly faults: Faults;
  readonly requests: RequestLog;
  readonly sessions: UploadSessions;
  /** Live delta settings (page size, duplicates, moved-out style); changes apply to the next round. */
  readonly delta: DeltaSettings;
  /** Simulator settings that tests may change between requests. */
  readonly settings: Pick<SimState, 'childrenPageSize' | 'refuseBearerOnPreauthenticated' | 'downloadUrlSeconds'>;
  drive(id: string): Drive;
  /** Another drive, e.g. someone else's personal drive a shortcut points to. */
  addDrive(options?: DriveOptions): Drive;
  /** Registers a sharing URL for an item (a 1drv.ms or SharePoint link by default) and returns it. */
  share(drive: Drive, ref: string, url?: string): string;
  /** The browser's part of a login: the redirect the authorize URL answers (code and state, or an error). */
  login(authorizeUrl: string): URL;
  close(): Promise<void>;
}

function state(options: GraphSimulatorOptions, accounts: Accounts, settings: DeltaSettings): SimState {
  return {
    drives: [],
    accounts,
    rounds: new DeltaRounds(settings),
    sessions: new UploadSessions(),
    shares: new Map(),
    childrenPageSize: options.childrenPageSize ?? 200,
    get deltaPageSize() {
      return settings.pageSize;
    },
    refuseBearerOnPreauthenticated: options.refuseBearerOnPreauthenticated ?? true,
    downloadUrlSeconds: 3600,
    signingKey: newSigningKey(),
  };
}

function applyFault(ex: Exchange, rule: FaultRule, record: RequestRecord): boolean {
  if (rule.reset === 'before-response') {
    ex.req.socket.destroy();
    record.status = 0;
    return true;
  }
  if (rule.reset === 'mid-body') ex.cutMidBody = true;
  if (rule.status === undefined) return false;
  const headers: Record<string, string> = {};
  if (rule.retryAfter !== undefined) headers['retry-after'] = String(rule.retryAfter);
  if (rule.location !== undefined) headers.location = rule.location;
  if (rule.status === 401) headers['www-authenticate'] = 'Bearer realm="", error="invalid_token"';
  sendFault(ex, new GraphFault(rule.status, faultCode(rule), `Simulated ${rule.status}.`, headers));
  return true;
}

/** Starts the local Graph simulator: OneDrive Personal semantics on loopback, for tests and the demo. */
export async function startGraphSimulator(options: GraphSimulatorOptions = {}): Promise<GraphSimulator> {
  const accounts = new Accounts(options.clientSecret);
  if (options.accessTokenSeconds !== undefined) accounts.accessTokenSeconds = options.accessTokenSeconds;
  const delta: DeltaSettings = { pageSize: 200, duplicateEvery: 0, movedOut: 'parent', ...options.delta };
  const shared = state(options, accounts, delta);
  const faults = new Faults();
  const requests = new RequestLog();
  const addDrive = (driveOptions: DriveOptions = {}) => {
    const drive = new Drive({ idStyle: options.idStyle, ...driveOptions });
    shared.drives.push(drive);
    return drive;
  };
  const personal = addDrive({ ownerName: 'Demo Firm' });
  const business = addDrive({ driveType: 'business', ownerName: 'Alex Work', ownerId: 'alex_contoso_onmicrosoft_com' });
  const account = accounts.add({ username: 'firm@outlook.com', name: 'Demo Firm', kind: 'personal', driveId: personal.id });
  const work = accounts.add({ username: 'alex@contoso.onmicrosoft.com', name: 'Alex Work', kind: 'work', driveId: business.id });

  let routes: Route[] = [];
  const server = createServer((req, res) => void handle(req, res));
  let origin = '';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const method = (req.method ?? 'GET').toUpperCase();
    const record: RequestRecord = { method, path: url.pathname, route: 'unknown', status: 0 };
    requests.records.push(record);
    res.on('finish', () => (record.status = res.statusCode));
    let match: RegExpExecArray | null = null;
    const found = routes.find((r) => (r.method === '*' || r.method === method) && (match = r.pattern.exec(url.pathname)) !== null);
    const routeName = found === undefined || match === null ? 'unknown' : found.name === 'item' ? itemRouteName(method, match) : found.name;
    const ex: Exchange = { req, res, method, url, base: origin, cutMidBody: false, routeName };
    try {
      const rule = faults.take(method, `${url.pathname}${url.search}`);
      if (rule?.delayMs !== undefined) await sleep(rule.delayMs);
      if (rule?.holdResponseMs !== undefined) ex.holdMs = rule.holdResponseMs;
      if (rule !== undefined) {
        if (rule.status !== undefined) for await (const _chunk of req);
        if (applyFault(ex, rule, record)) return;
      }
      if (found === undefined || match === null) throw new GraphFault(400, 'invalidRequest', `Invalid request: ${method} ${url.pathname}`);
      await found.handle(ex, match);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
      } else if (error instanceof GraphFault) {
        sendFault(ex, error);
      } else {
        sendFault(ex, new GraphFault(500, 'generalException', (error as Error).message));
      }
    } finally {
      record.route = ex.routeName;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  origin = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  const sim: GraphSimulator = {
    url: origin,
    account, personal, work, business,
    drives: shared.drives,
    accounts, faults, requests,
    sessions: shared.sessions,
    delta,
    settings: shared,
    drive: (id) => {
      const drive = shared.drives.find((d) => d.id.toLowerCase() === id.toLowerCase());
      if (drive === undefined) throw new Error(`No simulated drive "${id}".`);
      return drive;
    },
    addDrive,
    share(drive, ref, url) {
      const item = drive.resolve(ref);
      const link =
        url ??
        (drive.driveType === 'business'
          ? `https://contoso-my.sharepoint.com/:f:/g/personal/${drive.owner.id}/${opaque(16)}`
          : `https://1drv.ms/f/s!${opaque(16)}`);
      shared.shares.set(link, { driveId: drive.id, itemId: item.id });
      return link;
    },
    login(authorizeUrl) {
      const answer = accounts.authorize(new URL(authorizeUrl).searchParams);
      if (answer.location === undefined) throw new Error(answer.text);
      return new URL(answer.location);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
  routes = [...graphRoutes(shared), ...transferRoutes(shared), ...loginRoutes(accounts), ...adminRoutes(sim)];
  return sim;
}
