import type { BlobStore } from '../core/blob-store.js';
import type { FolderResolver } from '../folder-link/resolver.js';
import { handleCommand, type CommandHandlerDeps, type CommandResult } from '../core/command-handler.js';
import { fold, type Decider } from '../core/decider.js';
import type { Actor, DomainEvent } from '../core/envelope.js';
import { EventLog } from '../core/event-log.js';
import type { EventStore } from '../core/event-store.js';
import { EventRegistry } from '../core/events.js';
import type { Clock, FieldCipher, IdGenerator, KeyStore, Secrets } from '../core/ports.js';
import { idempotencyEvents, once, type IdempotentRequest } from '../core/idempotency.js';
import { reservationEvents } from '../core/reservation.js';
import type { StreamRevision } from '../core/revision.js';
import { clearingOnForget, StateCache } from '../core/state-cache.js';
import { clientEvents } from '../client/events.js';
import { firmEvents } from '../firm/events.js';
import { documentEvents } from '../document/events.js';
import { folderLinkEvents } from '../folder-link/events.js';
import { invitationEvents } from '../invitation/events.js';
import { portalAccessEvents } from '../portal-access/events.js';
import { mailRecordEvents } from '../notifications/record.js';
import type { ReadModels, ReadModelsFactory } from './read-models.js';

/** Everything the application needs from the outside world, as ports. */
export interface PortalDeps {
  store: EventStore;
  keys: KeyStore;
  cipher: FieldCipher;
  clock: Clock;
  ids: IdGenerator;
  secrets: Secrets;
  /**
   * The read models (client list, documents, history, time travel), built over the portal's log:
   * `sqliteReadModels(...)` from client-portal/projections.
   */
  readModels: ReadModelsFactory;
  /**
   * Documents' content, by hash (`fsBlobStore` or `memoryBlobStore` from client-portal/adapters/node).
   * Forgetting an individual client deletes the content only its documents refer to; without a blob
   * store there is nothing to delete.
   */
  blobs?: BlobStore;
  /**
   * Resolves pasted OneDrive folder addresses through the firm's connection (the OneDrive adapter's
   * graphFolderResolver). Without it, linkFolder needs the resolved `driveItem` in its input.
   */
  folderResolver?: FolderResolver;
  /** Folded states of recently used streams for commands (one of default size when omitted). */
  stateCache?: StateCache;
}

/** Who is asking: the firm (tenant) they act in and who they are. */
export interface Caller {
  tenantId: string;
  actor: Actor;
  /** Ties every event of one request together; generated when omitted. */
  correlationId?: string;
  /** Run the request's write only if this stream is at this revision (HTTP If-Match). */
  ifMatch?: { streamId: string; revision: number };
}

/** Every event type of the portal, for validation and upcasting. */
export function portalRegistry(): EventRegistry {
  return new EventRegistry([
    ...firmEvents,
    ...clientEvents,
    ...invitationEvents,
    ...portalAccessEvents,
    ...folderLinkEvents,
    ...documentEvents,
    ...reservationEvents,
    ...idempotencyEvents,
    ...mailRecordEvents,
  ]);
}

/**
 * What the application services share: the typed event log, the ports, and two verbs —
 * `execute` (load, decide, append, with retries) and `load` (fold a stream to read a fact).
 */
export class AppContext {
  readonly log: EventLog;
  private readonly readModels: ReadModels;
  private readonly handlerDeps: CommandHandlerDeps;

  constructor(readonly deps: PortalDeps) {
    const stateCache = deps.stateCache ?? new StateCache();
    // Forgetting a subject empties the cache: cached states hold its decrypted data.
    const keys = clearingOnForget(deps.keys, stateCache);
    this.log = new EventLog({ store: deps.store, registry: portalRegistry(), ids: deps.ids, keys, cipher: deps.cipher });
    this.handlerDeps = { log: this.log, clock: deps.clock, ids: deps.ids, stateCache };
    this.readModels = deps.readModels(this.log);
    // Followed from the start, so the read models are live before the first query (a failure shows in waitFor).
    this.readModels.start().catch(() => undefined);
  }

  /**
   * The read models, once they reflect every write this portal has made (read-your-writes): a
   * query after a command returned sees that command. Waits a bounded time (ReadModelBehindError).
   */
  async views(): Promise<ReadModels> {
    const written = this.log.lastAppended;
    if (written !== undefined) await this.readModels.waitFor(written);
    return this.readModels;
  }

  /**
   * Ready to serve: the store answers and the read models follow the log and have caught up with
   * it. A failure reads as not ready, with a detail that names no internals.
   */
  async readiness(): Promise<{ ready: boolean; detail: string }> {
    let last: number | undefined;
    try {
      last = await this.log.store.lastPosition();
    } catch {
      return { ready: false, detail: 'The event store does not answer.' };
    }
    const { state, position } = this.readModels.progress();
    if (state !== 'live') return { ready: false, detail: `The read models are ${state.replace('_', ' ')}.` };
    if (last !== undefined && (position ?? -1) < last) return { ready: false, detail: `The read models are at ${position ?? 'the start'} of ${last}.` };
    return { ready: true, detail: `Caught up at ${last ?? 'an empty log'}.` };
  }

  /** The read models' lifecycle (start, stop), without waiting. */
  get readModelLifecycle(): Pick<ReadModels, 'start' | 'stop'> {
    return this.readModels;
  }

  /** Runs one command on one stream. `causationId` links a process rule's command to what caused it. */
  execute<C, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
    command: C,
    caller: Caller & { causationId?: string },
  ): Promise<CommandResult<E, S>> {
    return handleCommand(this.handlerDeps, decider, streamId, command, caller);
  }

  /** Folds a stream into its state, for facts another aggregate's command needs. */
  async load<E extends DomainEvent, S>(
    decider: Pick<Decider<unknown, E, S>, 'initialState' | 'evolve'>,
    streamId: string,
  ): Promise<{ state: S; revision: StreamRevision }> {
    const events = await this.log.readStream(streamId);
    return {
      state: fold(decider, events as unknown as E[]),
      revision: events.length > 0 ? events[events.length - 1]!.revision : 'no_stream',
    };
  }

  /** What the reservation helper needs (src/core/reservation.ts). */
  get reservations() {
    return { log: this.log, clock: this.deps.clock, ids: this.deps.ids };
  }

  /** Runs a create call once per idempotency key (src/core/idempotency.ts). */
  once<R>(caller: Caller, request: IdempotentRequest<R>): Promise<R> {
    return once({ ...this.reservations, digest: (text) => this.deps.secrets.digest(text) }, this.correlate(caller), request);
  }

  /** A correlation id for a request that runs several commands. */
  correlate(caller: Caller): Caller & { correlationId: string } {
    return { ...caller, correlationId: caller.correlationId ?? this.deps.ids.newId() };
  }
}
