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

/** An event id that was already used for a different append. */
export class DuplicateEventIdError extends PortalError {
  constructor(readonly eventId: string, readonly streamId: string) {
    super('store.duplicate_event_id', `Event id ${eventId} was already appended to another stream; this append is refused.`, {
      eventId,
      streamId,
    });
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
