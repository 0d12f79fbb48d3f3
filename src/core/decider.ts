import type { Actor, DomainEvent } from './envelope.js';

/** What a decision may know besides the command and the state: time, fresh ids, who asks. */
export interface DecisionContext {
  now: Date;
  newId(): string;
  actor: Actor;
  tenantId: string;
}

/**
 * A decider: state is a fold of events; decisions are pure.
 * `decide` throws typed DomainErrors; `evolve` never throws and never decides.
 */
export interface Decider<Command, Event extends DomainEvent, State> {
  initialState: State;
  decide(command: Command, state: State, context: DecisionContext): Event[];
  evolve(state: State, event: Event): State;
}

/** Folds events into a state with a decider's evolve. */
export function fold<Event extends DomainEvent, State>(
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  events: Iterable<Event>,
): State {
  let state = decider.initialState;
  for (const event of events) state = decider.evolve(state, event);
  return state;
}
