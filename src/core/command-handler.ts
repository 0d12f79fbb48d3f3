import type { Decider, DecisionContext } from './decider.js';
import type { Actor, DomainEvent } from './envelope.js';
import { ConcurrencyError, NotFoundError, PreconditionFailedError, StoreUnavailableError } from './errors.js';
import type { EventLog } from './event-log.js';
import type { Clock, IdGenerator } from './ports.js';
import type { StreamRevision } from './revision.js';
import type { StateCache } from './state-cache.js';
import { takeTurn } from './stream-turns.js';

export interface CommandHandlerDeps {
  log: EventLog;
  clock: Clock;
  ids: IdGenerator;
  /** Folded states of recently used streams; without it every command folds its whole stream. */
  stateCache?: StateCache;
}

/** Who issues a command and on whose behalf; ids tie it to the request and what caused it. */
export interface CommandMetadata {
  tenantId: string;
  actor: Actor;
  correlationId?: string;
  causationId?: string;
  /** Decide only if this stream is at this revision (HTTP If-Match), else PreconditionFailedError. */
  ifMatch?: { streamId: string; revision: number };
}

export interface CommandResult<Event extends DomainEvent, State> {
  /** The events this command appended (empty when the decision was to do nothing). */
  events: Event[];
  /** The stream's revision after the command: the next expected revision (an ETag). */
  nextExpectedRevision: StreamRevision;
  /**
   * Global position of the last appended event. When nothing was appended, the position of the
   * stream's last event (null for a stream without events): a read model that has reached it
   * reflects the state the decision saw, which is what read-your-writes needs.
   */
  position: number | null;
  /** The aggregate's state after the command. */
  state: State;
}

export interface HandleOptions {
  /**
   * Attempts in all, counting the first (default 30). A conflict reloads the stream and decides
   * again; a transient store failure sends the same events again.
   */
  maxAttempts?: number;
  /** Pause before attempt n + 1: a random time below `baseMs · 2^n`, capped at `maxMs` (defaults 2 and 250). */
  backoff?: { baseMs?: number; maxMs?: number };
}

// Commands that conflicted in one group commit would all collide again in the next: only one
// append per stream can win a commit. A random pause ("full jitter") spreads them over the commits
// to come. Its bound starts near one group commit (a fsync: about a millisecond, a few under load)
// and doubles, so the retries thin out until they arrive about one per commit; the cap must exceed
// callers × commit time for that. Measured on a loaded 2-vCPU machine, a cap of 40 ms left 100
// callers on one stream needing up to 40 attempts and 200 of them 10 s and 90 attempts, every
// attempt a wasted load; 250 ms took 100 callers through in at most 13 attempts and 200 in 41.
function pause(attempt: number, backoff: HandleOptions['backoff'] = {}): Promise<void> {
  const bound = Math.min(backoff.maxMs ?? 250, (backoff.baseMs ?? 2) * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * bound));
}

/** Worth another attempt: a conflict (decide again on the newer state) or a transient store failure. */
const retryable = (error: unknown) => error instanceof ConcurrencyError || error instanceof StoreUnavailableError;

/**
 * Loads the stream, folds it, decides, and appends with the loaded revision as the expectation.
 * On a concurrency conflict it reloads and decides again; after a transient store failure it sends
 * the same events (same ids) again, so an append that was written but not acknowledged is not
 * duplicated. Both a bounded number of times, with a random pause between attempts. Commands on
 * one stream through one event log take turns, so only other processes' writes cause conflicts.
 * With a state cache, a command on a cached stream reads nothing before it appends: the expected
 * revision catches a writer the cache missed, and a refusal or a no-op is checked against the stream.
 */
export function handleCommand<Command, Event extends DomainEvent, State>(
  deps: CommandHandlerDeps,
  decider: Decider<Command, Event, State>,
  streamId: string,
  command: Command,
  metadata: CommandMetadata,
  options: HandleOptions = {},
): Promise<CommandResult<Event, State>> {
  return takeTurn(deps.log, streamId, () => decideAndAppend(deps, decider, streamId, command, metadata, options));
}

async function decideAndAppend<Command, Event extends DomainEvent, State>(
  deps: CommandHandlerDeps,
  decider: Decider<Command, Event, State>,
  streamId: string,
  command: Command,
  metadata: CommandMetadata,
  options: HandleOptions,
): Promise<CommandResult<Event, State>> {
  const maxAttempts = options.maxAttempts ?? 30;
  const correlationId = metadata.correlationId ?? deps.ids.newId();
  const cache = deps.stateCache;
  let attempt = 1;
  // The first attempt on a cached stream reads nothing: the append's expected revision checks it.
  let readAhead = false;
  for (;;) {
    const now = deps.clock.now();
    const context: DecisionContext = { now, newId: () => deps.ids.newId(), actor: metadata.actor, tenantId: metadata.tenantId };
    const conditional = metadata.ifMatch?.streamId === streamId ? metadata.ifMatch.revision : undefined;
    // A condition is checked against the stream itself, never a cached state.
    let loaded = await load(deps, decider, streamId, readAhead || conditional !== undefined);
    let events: Event[];
    try {
      events = decider.decide(command, loaded.state, context);
    } catch (error) {
      // A refusal is an answer to the caller: it must come from the stream as it is, not as cached.
      if (!loaded.unverified) throw unlessUnmet(error, conditional, loaded.revision);
      loaded = await load(deps, decider, streamId, true);
      events = decider.decide(command, loaded.state, context);
    }
    if (conditional !== undefined && loaded.revision !== conditional) throw new PreconditionFailedError(conditional, loaded.revision);
    if (events.length === 0 && loaded.unverified) {
      // Likewise "nothing to do": nothing is appended, so no expected revision would catch a stale state.
      loaded = await load(deps, decider, streamId, true);
      events = decider.decide(command, loaded.state, context);
    }
    const { state, revision, position: lastPosition, generation } = loaded;
    if (events.length === 0) return { events, nextExpectedRevision: revision, position: lastPosition, state };
    const prepared = await deps.log.prepare(events, {
      tenantId: metadata.tenantId,
      actor: metadata.actor,
      correlationId,
      causationId: metadata.causationId ?? correlationId,
      occurredAt: now.toISOString(),
    });
    for (;;) {
      try {
        const appended = await deps.log.appendPrepared(streamId, prepared, revision);
        const after = events.reduce(decider.evolve, state);
        cache?.set(decider, streamId, { state: after, revision: appended.nextExpectedRevision, position: appended.position }, generation);
        return { events, nextExpectedRevision: appended.nextExpectedRevision, position: appended.position, state: after };
      } catch (error) {
        if (error instanceof ConcurrencyError && !behind(revision, error)) cache?.delete(decider, streamId);
        if (error instanceof ConcurrencyError && loaded.unverified) {
          // Not contention: the cached state was behind. Read on and decide again at once.
          readAhead = true;
          break;
        }
        if (!retryable(error) || attempt >= maxAttempts) throw error;
        await pause(attempt++, options.backoff);
        readAhead = true;
        if (error instanceof ConcurrencyError) break;
      }
    }
  }
}

/**
 * What to throw for a refused decision under If-Match: the condition not met (412), unless the
 * refusal is "not found" — another firm's stream reads like none, and a 412 naming its revision
 * would tell the caller it exists.
 */
export function unlessUnmet(refusal: unknown, expected: number | undefined, actual: StreamRevision): unknown {
  if (expected === undefined || actual === expected || refusal instanceof NotFoundError) return refusal;
  return new PreconditionFailedError(expected, actual);
}

interface Loaded<State> {
  state: State;
  revision: StreamRevision;
  position: number | null;
  generation: number;
  /** Taken from the cache without reading the stream: another writer may have gone on since. */
  unverified: boolean;
}

/**
 * The stream's state and revision: from the cache alone when `readAhead` is off and the stream is
 * cached, else from the cache (or the start) and the events after it.
 */
async function load<Event extends DomainEvent, State>(
  deps: CommandHandlerDeps,
  decider: Decider<unknown, Event, State>,
  streamId: string,
  readAhead: boolean,
): Promise<Loaded<State>> {
  const cache = deps.stateCache;
  const generation = cache?.generation ?? 0;
  const cached = cache?.get<State>(decider, streamId);
  if (cached && !readAhead) return { ...cached, generation, unverified: true };
  const newer = await deps.log.readStream(streamId, cached && { fromRevision: cached.revision + 1 });
  const state = (newer as unknown as Event[]).reduce(decider.evolve, cached ? cached.state : decider.initialState);
  const last = newer.at(-1);
  const revision = last ? last.revision : (cached?.revision ?? 'no_stream');
  const position = last ? last.position : (cached?.position ?? null);
  // Cached before deciding, so even the decision sees the frozen state it must not change.
  if (last) cache?.set(decider, streamId, { state, revision: last.revision, position: last.position }, generation);
  return { state, revision, position, generation, unverified: false };
}

/**
 * A conflict where the stream is further on than the state we decided on: the usual case, and the
 * cached state stays good. Anything else (the stream behind it, or unknown) means the cache does not
 * describe this store's stream, and its entry goes.
 */
function behind(revision: StreamRevision, error: ConcurrencyError): boolean {
  if (typeof error.actual !== 'number') return false;
  return revision === 'no_stream' || error.actual > revision;
}
