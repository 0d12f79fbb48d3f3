import { DomainError } from '../core/errors.js';

/**
 * What can be read from a pasted OneDrive Personal folder address, before any network call.
 * The Graph adapter resolves it: by `shareUrl` through /shares, else by `cid` + `itemId`, else by `drivePath`.
 */
export interface FolderUrl {
  host: string;
  /** The drive's owner id (the Personal driveId), when the address names it. */
  cid?: string;
  /** The folder's drive item id (`id=` or `resid=`), when the address names it. */
  itemId?: string;
  /** The sharing token of a 1drv.ms link or a `redeem=` address. */
  shareToken?: string;
  /** The sharing link to hand to Graph's /shares endpoint (encoded there as `u!…`). */
  shareUrl?: string;
  /** A server-relative path ("/personal/{cid}/Documents/Clients/Acme") from the newer address forms. */
  drivePath?: string;
}

const FILE_LINK_KINDS = new Set(['b', 'w', 'x', 'p', 'u', 'i', 'v', 'o', 't']);
const FILE_PAGES = new Set(['edit', 'edit.aspx', 'view', 'view.aspx', 'embed', 'download', 'download.aspx']);
const LIVE_HOSTS = new Set(['onedrive.live.com', 'www.onedrive.live.com']);
const PERSONAL_CONTENT_HOST = 'my.microsoftpersonalcontent.com';

const fail = (code: string, message: string) => new DomainError(`folder_link.${code}`, message);

const notAUrl = () => fail('invalid_url', 'This is not a web address. Open the client\'s folder in OneDrive and copy the address bar.');
const notHttps = () => fail('invalid_url', 'The folder address must start with https://.');
const business = () =>
  fail(
    'business_not_supported',
    'This is a OneDrive for Business / SharePoint link. Only OneDrive Personal folders can be linked.',
  );
const aFile = () =>
  fail('not_a_folder', "This is a link to a file rather than a folder. Open the client's folder in OneDrive and copy its address.");
const noFolder = () =>
  fail('no_folder', "This OneDrive address does not name a folder. Open the client's folder in OneDrive and copy its address.");
const otherHost = (host: string) =>
  fail('unsupported_host', `"${host}" is not a OneDrive Personal address. Paste the folder's address from onedrive.live.com or a 1drv.ms link.`);

/** SharePoint and OneDrive for Business hosts, commercial and sovereign clouds. */
function isBusinessHost(host: string): boolean {
  return /(^|\.)sharepoint(-[a-z]+)?\.(com|us|cn|de)$/.test(host) || /(^|\.)onedrive\.cloud\.microsoft$/.test(host);
}

/** Query parameters with lower-cased names (OneDrive is not consistent about `id` / `Id`). */
function params(url: URL): Map<string, string> {
  const map = new Map<string, string>();
  for (const [key, value] of url.searchParams) if (value !== '') map.set(key.toLowerCase(), value);
  return map;
}

function pathSegments(url: URL): string[] {
  return url.pathname.split('/').filter((s) => s.length > 0);
}

/** `ABCDEF1234567890!123` → `ABCDEF1234567890`: old-style item ids start with their drive's cid. */
function cidOfItemId(itemId: string): string | undefined {
  const bang = itemId.indexOf('!');
  return bang > 0 ? itemId.slice(0, bang) : undefined;
}

function decodeRedeem(token: string): string | undefined {
  try {
    const base64 = token.replace(/-/g, '+').replace(/_/g, '/');
    const text = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
    return /^https:\/\//.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

function compact(result: FolderUrl): FolderUrl {
  return Object.fromEntries(Object.entries(result).filter(([, v]) => v !== undefined)) as FolderUrl;
}

/** https://1drv.ms/f/s!Token, https://1drv.ms/f/c/{cid}/{token}?e=…, legacy https://1drv.ms/{token}. */
function shortLink(url: URL, host: string): FolderUrl {
  const [kind, ...rest] = pathSegments(url);
  const shareUrl = `${url.origin}${url.pathname}${url.search}`;
  if (kind === undefined) throw noFolder();
  if (FILE_LINK_KINDS.has(kind.toLowerCase())) throw aFile();
  // Legacy short links (https://1drv.ms/1AbCdEf) carry no kind: Graph tells whether they name a folder.
  if (rest.length === 0 && kind.length > 1) return compact({ host, shareToken: kind, shareUrl });
  if (kind.toLowerCase() !== 'f') throw noFolder();
  if (rest[0] === 'c' && rest.length >= 3) return compact({ host, cid: rest[1], shareToken: rest[2], shareUrl });
  if (rest[0] === undefined || rest[0] === 'c') throw noFolder();
  return compact({ host, shareToken: rest[0], shareUrl });
}

/** onedrive.live.com/?id=…&cid=…, /?cid=…&id=…, /redir?resid=…, /?redeem=…, /personal/{cid}/… */
function liveLink(url: URL, host: string): FolderUrl {
  const q = params(url);
  const segments = pathSegments(url);
  const page = segments.at(-1)?.toLowerCase();
  if (q.get('o')?.toLowerCase() === 'oneup' || q.get('ithint')?.toLowerCase().startsWith('file')) throw aFile();
  if (page !== undefined && FILE_PAGES.has(page)) throw aFile();
  if (segments[0]?.toLowerCase() === 'personal') return personalPathLink(url, host);

  const redeem = q.get('redeem');
  if (redeem !== undefined) {
    const inner = decodeRedeem(redeem);
    if (inner !== undefined) {
      const parsed = parseFolderUrl(inner);
      return compact({ ...parsed, host });
    }
    return compact({ host, shareToken: redeem, shareUrl: url.href });
  }
  const itemId = q.get('resid') ?? q.get('id');
  if (itemId === undefined) throw noFolder();
  if (itemId.startsWith('/personal/')) return compact({ host, cid: q.get('cid') ?? itemId.split('/')[2], drivePath: itemId });
  const cid = q.get('cid') ?? cidOfItemId(itemId);
  // An `authkey` makes the address a sharing link, which Graph's /shares endpoint can resolve.
  const shareUrl = q.has('authkey') ? url.href : undefined;
  return compact({ host, cid, itemId, shareUrl });
}

/** The path with its percent-escapes decoded; a malformed escape names no folder. */
function decodedPath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    throw noFolder();
  }
}

/** The newer Personal forms: /personal/{cid}/_layouts/15/onedrive.aspx?id=/personal/{cid}/Documents/… or /personal/{cid}/Documents/… */
function personalPathLink(url: URL, host: string): FolderUrl {
  const q = params(url);
  const segments = pathSegments(url);
  const cid = segments[1];
  if (cid === undefined) throw noFolder();
  const layouts = segments.findIndex((s) => s.toLowerCase() === '_layouts');
  if (layouts === -1) {
    if (segments.length < 3) throw noFolder();
    return compact({ host, cid, drivePath: decodedPath(url.pathname) });
  }
  const page = segments.at(-1)?.toLowerCase();
  if (page !== 'onedrive.aspx') throw aFile();
  const id = q.get('id');
  if (id === undefined) throw noFolder();
  return id.startsWith('/') ? compact({ host, cid, drivePath: id }) : compact({ host, cid, itemId: id });
}

/**
 * Reads a pasted OneDrive Personal folder address, refusing Business/SharePoint links, links to
 * files, and anything else, each with its own code (`folder_link.*`) and a sentence for the firm.
 */
export function parseFolderUrl(raw: string): FolderUrl {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw notAUrl();
  }
  const host = url.hostname.toLowerCase();
  if (isBusinessHost(host)) throw business();
  if (url.protocol !== 'https:') throw notHttps();
  if (host === '1drv.ms') return shortLink(url, host);
  if (LIVE_HOSTS.has(host)) return liveLink(url, host);
  if (host === PERSONAL_CONTENT_HOST) {
    if (pathSegments(url)[0]?.toLowerCase() !== 'personal') throw noFolder();
    return personalPathLink(url, host);
  }
  throw otherHost(host);
}
