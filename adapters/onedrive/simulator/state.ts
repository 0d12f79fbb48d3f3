import { createHmac, randomBytes } from 'node:crypto';
import type { Account, Accounts } from './accounts.js';
import type { DeltaRounds } from './delta.js';
import type { Drive, Item, ItemState } from './drive.js';
import { GraphFault, notFound, preconditionFailed } from './errors.js';
import { header, type Exchange } from './http-kit.js';
import { cTagOf, eTagOf, type Rendering } from './item-json.js';
import type { UploadSessions } from './upload-sessions.js';

/** Everything the routes share: drives, accounts, delta rounds, upload sessions, share links. */
export interface SimState {
  drives: Drive[];
  accounts: Accounts;
  rounds: DeltaRounds;
  sessions: UploadSessions;
  /** Sharing URLs (as a user would paste them) and the items they open. */
  shares: Map<string, { driveId: string; itemId: string }>;
  childrenPageSize: number;
  deltaPageSize: number;
  /** Answer 401 when a pre-authenticated URL (download, upload session) is sent an Authorization header. */
  refuseBearerOnPreauthenticated: boolean;
  downloadUrlSeconds: number;
  signingKey: Buffer;
}

export const newSigningKey = () => randomBytes(32);

/** Drive ids are compared case-insensitively, as Graph's ids no longer keep one case. */
export function driveById(state: SimState, id: string): Drive {
  const drive = state.drives.find((d) => d.id.toLowerCase() === id.toLowerCase());
  if (drive === undefined) throw notFound('Drive');
  return drive;
}

/** The account of the request's bearer token, or a 401 like Graph's. */
export function authenticate(state: SimState, ex: Exchange): Account {
  const auth = header(ex, 'authorization') ?? '';
  const token = /^Bearer\s+(.+)$/i.exec(auth)?.[1];
  if (token === undefined) throw unauthenticated('Access token is empty.');
  const account = state.accounts.bearer(token);
  if (account === 'expired') throw unauthenticated('Access token has expired or is not yet valid.', 'expired_token');
  if (account === undefined) throw unauthenticated('Access token validation failure. Invalid audience.', 'invalid_token');
  return account;
}

function unauthenticated(message: string, error = 'invalid_token'): GraphFault {
  const challenge = `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="${error}"`;
  return new GraphFault(401, 'InvalidAuthenticationToken', message, { 'www-authenticate': challenge });
}

function sign(state: SimState, payload: string): string {
  return createHmac('sha256', state.signingKey).update(payload).digest('base64url').slice(0, 32);
}

/** A short-lived download URL that carries its own authorisation (no bearer token needed or wanted). */
export function downloadUrl(state: SimState, base: string, drive: Drive, item: ItemState): string {
  const payload = Buffer.from(JSON.stringify([drive.id, item.id, Date.now() + state.downloadUrlSeconds * 1000])).toString('base64url');
  return `${base}/_download/${payload}.${sign(state, payload)}`;
}

export function readDownloadUrl(state: SimState, token: string): { drive: Drive; itemId: string } {
  const [payload, signature] = token.split('.');
  if (payload === undefined || signature !== sign(state, payload)) throw new GraphFault(401, 'unauthenticated', 'The download URL is not valid.');
  const [driveId, itemId, expires] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as [string, string, number];
  if (expires < Date.now()) throw new GraphFault(401, 'unauthenticated', 'The download URL has expired.');
  return { drive: driveById(state, driveId), itemId };
}

export function rendering(state: SimState, base: string): Rendering {
  return {
    downloadUrl: (drive, item) => downloadUrl(state, base, drive, item),
    drive: (id) => state.drives.find((d) => d.id.toLowerCase() === id.toLowerCase()),
  };
}

/** If-Match: 412 unless it names the item's current eTag (or cTag), or '*'. */
export function checkIfMatch(ex: Exchange, item: Item | undefined): void {
  const wanted = header(ex, 'if-match');
  if (wanted === undefined) return;
  if (item === undefined) throw preconditionFailed();
  if (wanted.trim() === '*') return;
  const tags = wanted.split(',').map((t) => t.trim().replace(/^W\//, '').replace(/^"|"$/g, ''));
  if (!tags.includes(eTagOf(item)) && !tags.includes(cTagOf(item))) throw preconditionFailed();
}
