import { fold, type Decider, type DecisionContext } from './decider.js';
import type { Actor, DomainEvent } from './envelope.js';
import { ConcurrencyError } from './errors.js';
import type { EventLog } from './event-log.js';
import type { Clock, IdGenerator } from './ports.js';
import type { StreamRevision } from './revision.js';

export interface CommandHandlerDeps {
  log: EventLog;
  clock: Clock;
  ids: IdGenerator;
}

/** Who issues a command and on whose behalf; ids tie it to the request and what caused it. */
export interface CommandMetadata {
  tenantId: string;
  actor: Actor;
  correlationId?: string;
  causationId?: string;
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
  /** Attempts in all, counting the first; each conflict reloads the stream and decides again. */
  maxAttempts?: number;
}

// Jitter spreads the retries of commands that conflicted together; it never touches a decision.
const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));

/**
 * Loads the stream, folds it, decides, and appends with the loaded revision as the expectation.
 * On a concurrency conflict it reloads and decides again, a bounded number of times.
 */
export async function handleCommand<Command, Event extends DomainEvent, State>(
  deps: CommandHandlerDeps,
  decider: Decider<Command, Event, State>,
  streamId: string,
  command: Command,
  metadata: CommandMetadata,
  options: HandleOptions = {},
): Promise<CommandResult<Event, State>> {
  const maxAttempts = options.maxAttempts ?? 5;
  const correlationId = metadata.correlationId ?? deps.ids.newId();
  for (let attempt = 1; ; attempt++) {
    const history = await deps.log.readStream(streamId);
    const state = fold(decider, history as unknown as Event[]);
    const revision: StreamRevision = history.length > 0 ? history[history.length - 1]!.revision : 'no_stream';
    const now = deps.clock.now();
    const context: DecisionContext = {
      now,
      newId: () => deps.ids.newId(),
      actor: metadata.actor,
      tenantId: metadata.tenantId,
    };
    const events = decider.decide(command, state, context);
    if (events.length === 0) return { events, nextExpectedRevision: revision, position: history.at(-1)?.position ?? null, state };
    try {
      const appended = await deps.log.append(streamId, events, revision, {
        tenantId: metadata.tenantId,
        actor: metadata.actor,
        correlationId,
        causationId: metadata.causationId ?? correlationId,
        occurredAt: now.toISOString(),
      });
      return {
        events,
        nextExpectedRevision: appended.nextExpectedRevision,
        position: appended.position,
        state: events.reduce(decider.evolve, state),
      };
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= maxAttempts) throw error;
      await pause(attempt);
    }
  }
}
