/**
 * Who caused an event: a firm's staff user, a client's contact, a named system process, or the
 * platform operator (who opens firms and switches partner features; the HTTP adapter's bootstrap
 * token maps to it).
 */
export type Actor =
  | { kind: 'staff'; userId: string }
  | { kind: 'contact'; contactId: string }
  | { kind: 'system'; name: string }
  | { kind: 'platform'; operatorId: string };

export interface EventMetadata {
  /** ISO-8601 instant the event happened, from the injected clock. */
  occurredAt: string;
  /** The firm the event belongs to. Every read is scoped by it. */
  tenantId: string;
  actor: Actor;
  correlationId: string;
  causationId: string;
  /** Version of the event's data shape when it was written; upcasters lift older ones on read. */
  schemaVersion: number;
  /** The library version whose EventLog validated and wrote the event; absent when anything else wrote it. */
  writtenBy?: string;
}

/** An event as handed to a store for appending. `data` is plain JSON. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  id: string;
  type: Type;
  data: Data;
  metadata: EventMetadata;
}

/** An event as read back: the new event plus where the store put it. */
export interface RecordedEvent<Type extends string = string, Data = unknown> extends NewEvent<Type, Data> {
  streamId: string;
  /** 0-based position of the event within its stream. */
  revision: number;
  /** Position in the store's global order; strictly increasing, not necessarily contiguous. */
  position: number;
}

/** A domain event before it has an envelope: what deciders return and evolve folds. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}
