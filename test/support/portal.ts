import { fakeFolderResolver } from './folder-resolver.js';
import { memoryEventStore } from '../../adapters/event-store/memory.js';
import type { EventStore } from '../../src/core/event-store.js';
import { aesGcmCipher } from '../../adapters/crypto/aes-gcm.js';
import { memoryKeyStore } from '../../adapters/keys/memory-key-store.js';
import { nodeSecrets } from '../../adapters/system/secrets.js';
import { uuidIds } from '../../adapters/system/clock-and-ids.js';
import Database from 'better-sqlite3';
import { sqliteReadModels, type SqliteReadModels } from '../../projections/read-models/index.js';
import { AppContext, type Caller, type PortalDeps } from '../../src/application/context.js';
import type { BlobStore } from '../../src/core/blob-store.js';
import type { RecordedEvent } from '../../src/core/envelope.js';
import type { Clock, Secrets } from '../../src/core/ports.js';
import { clientDecider } from '../../src/client/decider.js';
import type { ClientKind } from '../../src/client/events.js';
import type { ClientState } from '../../src/client/state.js';
import { firmDecider } from '../../src/firm/decider.js';
import { streams } from '../../src/streams.js';
import { testMail } from './mail.js';

/** Where every test portal's clock starts. */
export const START = new Date('2026-01-15T09:00:00.000Z');

export const DAY_MS = 24 * 60 * 60 * 1000;

/** A clock the test moves by hand. */
export interface TestClock extends Clock {
  set(date: Date | string): void;
  advance(ms: number): void;
}

export function testClock(start: Date = START): TestClock {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (date) => {
      current = new Date(date);
    },
    advance: (ms) => {
      current = new Date(current.getTime() + ms);
    },
  };
}

/**
 * The whole application stack on the in-memory store: real event log with encryption, real
 * scrypt secrets (slow-ish: keep password hashes few), the mail process into a memory mailer (its
 * outboxes mail what the log asks for when read), a settable clock and uuid ids.
 */
export function testPortal(options: { start?: Date; secrets?: Secrets; blobs?: BlobStore; store?: EventStore } = {}) {
  const clock = testClock(options.start);
  const store = options.store ?? memoryEventStore();
  const folders = fakeFolderResolver();
  const deps: PortalDeps = {
    store,
    keys: memoryKeyStore(aesGcmCipher),
    cipher: aesGcmCipher,
    clock,
    ids: uuidIds,
    secrets: options.secrets ?? nodeSecrets,
    readModels: (log) => (readModels = views(log)),
    folderResolver: folders,
    ...(options.blobs ? { blobs: options.blobs } : {}),
  };
  const views = sqliteReadModels({ db: new Database(':memory:') });
  let readModels!: SqliteReadModels;
  const ctx = new AppContext(deps);
  const mail = testMail(ctx);
  // The read models the portal queries (client list, documents, history), for tests that rebuild or inspect them.
  return {
    ctx,
    deps,
    clock,
    /** Invitation emails (and reminders), mailed when read. */
    outbox: mail.outbox,
    /** Access notices, mailed when read. */
    notifications: mail.notifications,
    mail,
    store,
    /** Resolves pasted folder addresses from their cid and item id (name them with folders.name). */
    folders,
    /** The read models of the last portal built over these deps (createPortal(deps) builds its own). */
    get readModels() {
      return readModels;
    },
  };
}

export type TestPortal = ReturnType<typeof testPortal>;

/** A staff user acting in a firm. */
export const staffCaller = (tenantId: string, userId: string): Caller => ({ tenantId, actor: { kind: 'staff', userId } });

/** A client contact acting in the firm that serves them. */
export const contactCaller = (tenantId: string, contactId: string): Caller => ({ tenantId, actor: { kind: 'contact', contactId } });

let firms = 0;

/** The platform operator: opens firms and switches partner features. */
export const platformCaller: Caller = { tenantId: 'platform', actor: { kind: 'platform', operatorId: 'operator-1' } };

/** Creates a firm straight through the firm decider (as the platform operator); returns its tenant id and its partner admin as caller. */
export async function givenFirm(ctx: AppContext, options: { name?: string } = {}) {
  const tenantId = ctx.deps.ids.newId();
  const userId = ctx.deps.ids.newId();
  const admin = staffCaller(tenantId, userId);
  const name = options.name ?? `Firm ${++firms} ${tenantId.slice(0, 8)}`;
  await ctx.execute(
    firmDecider,
    streams.firm(tenantId),
    { type: 'CreateFirm', data: { name, partnerAdmin: { userId, name: 'Alice Partner', email: `alice+${firms}@firm.example` } } },
    { ...platformCaller, tenantId },
  );
  return { tenantId, admin };
}

/** Connects the firm's OneDrive Personal account (as the given staff caller). */
export async function givenOneDrive(ctx: AppContext, admin: Caller, accountId = 'od-account-1') {
  await ctx.execute(
    firmDecider,
    streams.firm(admin.tenantId),
    { type: 'ConnectOneDrive', data: { accountId, displayName: 'Firm OneDrive', driveType: 'personal' } },
    admin,
  );
}

/**
 * Creates a client straight through the client decider. Individual by default, one owner each
 * listed in `owners` (a group when there are several). Returns the client id, its members' contact
 * ids in order (owners first) and the state.
 */
export async function givenClient(
  ctx: AppContext,
  caller: Caller,
  options: { kind?: ClientKind; name?: string; owners?: Array<{ name: string; emails: string[] }> } = {},
): Promise<{ clientId: string; contactIds: string[]; state: ClientState }> {
  const clientId = ctx.deps.ids.newId();
  const owners = options.owners ?? [{ name: 'Olivia Owner', emails: [`olivia.${clientId.slice(0, 8)}@client.example`] }];
  const kind = options.kind ?? (owners.length > 1 ? 'group' : 'individual');
  const name = options.name ?? (kind === 'group' ? 'The Group' : undefined);
  const { state } = await ctx.execute(
    clientDecider,
    streams.client(clientId),
    { type: 'CreateClient', data: { clientId, kind, ...(name !== undefined ? { name } : {}), owners } },
    caller,
  );
  return { clientId, contactIds: state.members.map((m) => m.contactId), state };
}

/** Adds a guest straight through the client decider (no invitation process: that is the clients service's). */
export async function givenGuest(ctx: AppContext, caller: Caller, clientId: string, guest: { name: string; emails: string[] }) {
  const { state } = await ctx.execute(clientDecider, streams.client(clientId), { type: 'AddGuest', data: { contact: guest } }, caller);
  return state.members.at(-1)!.contactId;
}

/** Every event in the store, decoded, in global order. */
export async function allEvents(ctx: AppContext): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const event of ctx.log.readAll()) out.push(event);
  return out;
}

/** The raw stored events (as the store holds them: personal fields encrypted). */
export async function storedEvents(portal: Pick<TestPortal, 'store'>): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const event of portal.store.readAll()) out.push(event);
  return out;
}

/**
 * How many events the store holds: to assert that a refusal changed nothing. The mail process's
 * sent-mail records are left out: reading an outbox mails (and records) what earlier calls caused.
 */
export async function eventCount(ctx: AppContext): Promise<number> {
  return (await allEvents(ctx)).filter((e) => !e.streamId.startsWith(streams.mail(''))).length;
}

/** Fake tokens and token hashes, and a fast reversible stand-in for scrypt: for tests that accept or log in many times. */
export const fastSecrets = (): Secrets => {
  let n = 0;
  return {
    newToken: () => `token-${++n}-${Math.random().toString(36).slice(2)}`,
    deriveToken: nodeSecrets.deriveToken,
    hashToken: (t) => `h(${t})`,
    digest: nodeSecrets.digest,
    hashPassword: async (p) => `pw(${p})`,
    verifyPassword: async (p, h) => h === `pw(${p})`,
  };
};
