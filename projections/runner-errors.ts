import type { RecordedEvent } from '../src/core/envelope.js';
import { PortalError } from '../src/core/errors.js';

export type ProjectionState = 'idle' | 'catching_up' | 'live' | 'rebuilding' | 'failed' | 'stopped';

/** A lifecycle call the runner's current state does not allow (e.g. `start()` while it runs). */
export class ProjectionStateError extends PortalError {
  constructor(
    readonly projection: string,
    readonly state: ProjectionState,
    readonly call: 'start' | 'rebuild',
  ) {
    super('projection.wrong_state', `Projection ${projection} cannot ${call} while ${state.replace('_', ' ')}; stop it first.`, {
      projection,
      state,
      call,
    });
  }
}

/** A projection stopped by an error: its `apply` threw at `position`, or its subscription failed. */
export class ProjectionFailedError extends PortalError {
  constructor(
    readonly projection: string,
    /** The event whose apply threw; otherwise the last position the projection had reached. */
    readonly position: number | undefined,
    override readonly cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('projection.failed', `Projection ${projection} failed at position ${position ?? 'start'}: ${reason}`, { projection, position });
  }
}

/** What a target throws from `applyBatch` to name the event that failed (the batch was rolled back). */
export class EventApplyError extends Error {
  constructor(
    readonly event: RecordedEvent,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** Applies events one by one, naming the one that throws. */
export function applyEach(events: readonly RecordedEvent[], apply: (event: RecordedEvent) => void): void {
  for (const event of events) {
    try {
      apply(event);
    } catch (error) {
      throw new EventApplyError(event, error);
    }
  }
}
