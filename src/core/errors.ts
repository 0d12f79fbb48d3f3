import type { ExpectedRevision, StreamRevision } from './revision.js';

/** Base of every error this library raises on purpose: a stable code and a human sentence. */
export class PortalError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A business rule refused a command. The HTTP layer maps codes to statuses in one table. */
export class DomainError extends PortalError {}

/**
 * A data subject whose personal data was erased: nothing new can be recorded about them. The
 * message names nobody (the caller knows whom they asked about; logs and responses must not).
 */
export class SubjectForgottenError extends DomainError {
  constructor() {
    super('personal_data.subject_forgotten', "This person's personal data was erased; nothing new can be recorded about them.");
  }
}

/** Input that does not have the required shape (zod failure on a command or value). */
export class ValidationError extends PortalError {
  constructor(message: string, readonly issues: ReadonlyArray<{ path: string; message: string }> = []) {
    super('validation.failed', message, { issues });
  }
}

/** Something the caller named does not exist (inside the caller's tenant). */
export class NotFoundError extends PortalError {}

/** The stream's current revision is not the one the append expected. */
export class ConcurrencyError extends PortalError {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** 'unknown' only when a store could not say (an EventStoreDB client set not to throw). */
    readonly actual: StreamRevision | 'unknown',
  ) {
    super(
      'store.wrong_expected_revision',
      // No stream id in the message: stream ids hold contact ids, and this can reach an API caller.
      `The stream was expected at revision ${expected} but is at ${actual}; it changed meanwhile.`,
      { streamId, expected, actual },
    );
  }
}

/** Why an event id was refused: taken by another event, or carried twice by one batch. */
export type DuplicateReason = 'taken' | 'changed' | 'in_batch';

const duplicateWhy: Record<DuplicateReason, string> = {
  taken: 'is already taken by an earlier append',
  changed: 'was already appended with another type or other data',
  in_batch: 'appears more than once in the batch',
};

/** An event id that was already used for a different append (or twice in one batch). */
export class DuplicateEventIdError extends PortalError {
  constructor(readonly eventId: string, readonly streamId: string, readonly reason: DuplicateReason = 'taken') {
    super('store.duplicate_event_id', `Event id ${eventId} ${duplicateWhy[reason]}; the append is refused.`, {
      eventId,
      streamId,
      reason,
    });
  }
}

/** An argument of a store call that breaks the port's rules (ids, types, revisions, read options). */
export class InvalidStoreInputError extends PortalError {
  constructor(readonly field: string, reason: string) {
    super('store.invalid_input', `Invalid ${field}: ${reason}`, { field, reason });
  }
}

/** Event data or metadata that is not plain JSON (the only thing every store keeps exactly). */
export class InvalidEventDataError extends PortalError {
  constructor(readonly eventId: string, reason: string) {
    super('store.invalid_event_data', `Event ${eventId} does not hold plain JSON: ${reason}`, { eventId, reason });
  }
}

/** An event whose serialized data and metadata exceed the store's limit. */
export class EventTooLargeError extends PortalError {
  constructor(readonly streamId: string, readonly limitBytes: number, readonly eventId?: string) {
    const which = eventId ? `Event ${eventId}` : 'An event';
    super('store.event_too_large', `${which} is larger than the store's limit of ${limitBytes} bytes.`, {
      streamId,
      limitBytes,
      eventId,
    });
  }
}

/** A call on a store after its close(): a programming error, never worth retrying. */
export class StoreClosedError extends PortalError {
  constructor() {
    super('store.closed', 'The event store is closed.');
  }
}

/** A stored event that no longer parses with today's schema (after upcasting). */
export class StoredEventParseError extends PortalError {
  constructor(streamId: string, revision: number, type: string, reason: string) {
    super(
      'store.unreadable_event',
      `A stored ${type} event (revision ${revision}) does not parse: ${reason}`,
      { streamId, revision, type, reason },
    );
  }
}

/** The store itself failed (connection lost, disk full, server error). */
export class StoreUnavailableError extends PortalError {
  constructor(message: string, override readonly cause?: unknown) {
    super('store.unavailable', message);
  }
}

/** A write made on condition (HTTP If-Match) found its stream at another revision: nothing was done. */
export class PreconditionFailedError extends PortalError {
  constructor(readonly expected: number, readonly actual: StreamRevision) {
    super('request.precondition_failed', `The resource was expected at revision ${expected} but is at ${actual}; read it again and retry.`, {
      expected,
      actual,
    });
  }
}

/** A read model did not reach the position a query must reflect within the wait's bound. */
export class ReadModelBehindError extends PortalError {
  constructor(readonly position: number, readonly reached: number | undefined) {
    super('read_model.behind', 'The lists are still catching up with the latest changes; try again in a moment.', { position, reached });
  }
}
