import type { Actor, DomainEvent, NewEvent, RecordedEvent } from './envelope.js';
import { PortalError, StoredEventParseError } from './errors.js';
import type { AppendResult, EventStore, ReadAllOptions, ReadStreamOptions, Subscription, SubscribeOptions } from './event-store.js';
import type { EventRegistry } from './events.js';
import { PersonalDataCodec, personalDataForgotten } from './personal-data.js';
import type { FieldCipher, IdGenerator, KeyStore, SubjectKey } from './ports.js';
import type { ExpectedRevision } from './revision.js';
import { streams } from '../streams.js';

/** Who appends, for whom, and as a consequence of what: becomes each event's metadata. */
export interface AppendContext {
  tenantId: string;
  actor: Actor;
  correlationId: string;
  causationId: string;
  occurredAt: string;
}

export interface EventLogOptions {
  store: EventStore;
  registry: EventRegistry;
  ids: IdGenerator;
  /** Both or neither: without them, events declaring personal data are refused. */
  keys?: KeyStore;
  cipher?: FieldCipher;
  /**
   * `readStream` skips the schema check of events this library version wrote in the current schema
   * version (default true); `readAll` and `subscribe`, which rebuilds and projections read, always
   * validate. Safe because such an event already passed that very check on its way in: what is
   * stored is the parsed data, whose personal fields decrypt to the same values or to the erased
   * marker, which the schemas accept. Older shapes, other writers and older library versions are
   * upcast and validated as before. The check it skips would only catch a schema changed without a
   * new version (against the schema evolution rule, and caught by the next rebuild) or a store
   * altered behind the library's back.
   */
  trustStoredEvents?: boolean;
}

/** Marks what this library wrote (EventMetadata.writtenBy); kept equal to package.json's version by a test. */
export const LIBRARY_VERSION = '0.1.0';

/**
 * The typed face of an event store: validates events against their schemas on append, encrypts
 * declared personal data, and on read decrypts, upcasts older shapes and validates again (except,
 * on readStream, what it wrote itself in today's shape: see trustStoredEvents).
 */
export class EventLog {
  readonly store: EventStore;
  private readonly registry: EventRegistry;
  private readonly ids: IdGenerator;
  private readonly codec: PersonalDataCodec | undefined;
  private readonly keys: KeyStore | undefined;
  private readonly trustStoredEvents: boolean;

  constructor(options: EventLogOptions) {
    this.store = options.store;
    this.registry = options.registry.register(personalDataForgotten);
    this.ids = options.ids;
    this.keys = options.keys;
    this.codec = options.keys && options.cipher ? new PersonalDataCodec(options.keys, options.cipher) : undefined;
    this.trustStoredEvents = options.trustStoredEvents ?? true;
  }

  async append(
    streamId: string,
    events: readonly DomainEvent[],
    expected: ExpectedRevision,
    context: AppendContext,
  ): Promise<AppendResult & { events: NewEvent[] }> {
    return this.appendPrepared(streamId, await this.prepare(events, context), expected);
  }

  /** Validates and encodes events for an append, each with its own new id. */
  async prepare(events: readonly DomainEvent[], context: AppendContext): Promise<NewEvent[]> {
    const encoded: NewEvent[] = [];
    for (const event of events) encoded.push(await this.encode(event, context));
    return encoded;
  }

  /**
   * Appends events made by `prepare`. Sending the same ones again after a failure is safe: if the
   * first append was written after all, the store recognises their ids and returns its result.
   */
  async appendPrepared(streamId: string, prepared: NewEvent[], expected: ExpectedRevision): Promise<AppendResult & { events: NewEvent[] }> {
    const result = await this.store.append(streamId, prepared, expected);
    return { ...result, events: prepared };
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const keyCache = new Map<string, SubjectKey | undefined>();
    const out: RecordedEvent[] = [];
    for (const event of await this.store.readStream(streamId, options)) out.push(await this.decode(event, keyCache, this.trustStoredEvents));
    return out;
  }

  async *readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    for await (const event of this.store.readAll(options)) yield await this.decode(event, new Map());
  }

  subscribe(options?: SubscribeOptions): Subscription {
    const inner = this.store.subscribe(options);
    const decode = (e: RecordedEvent) => this.decode(e, new Map());
    return {
      async *[Symbol.asyncIterator]() {
        for await (const event of inner) yield await decode(event);
      },
      close: () => inner.close(),
    };
  }

  /** Erases a data subject: deletes its key, then records that it was forgotten. */
  async forget(subjectId: string, context: AppendContext): Promise<void> {
    if (!this.keys) throw new PortalError('personal_data.no_key_store', 'This event log has no key store.');
    await this.keys.delete(subjectId);
    await this.append(
      streams.dataSubject(subjectId),
      [{ type: personalDataForgotten.type, data: { subjectId, forgottenAt: context.occurredAt } }],
      'any',
      context,
    );
  }

  private async encode(event: DomainEvent, context: AppendContext): Promise<NewEvent> {
    const definition = this.registry.get(event.type);
    if (!definition) throw new PortalError('event.unknown_type', `Event type ${event.type} is not registered.`);
    const parsed = definition.schema.safeParse(event.data);
    if (!parsed.success) {
      throw new PortalError('event.invalid', `Event ${event.type} does not match its schema: ${parsed.error.message}`);
    }
    let data: unknown = parsed.data;
    if (definition.personal?.length) {
      if (!this.codec) throw new PortalError('personal_data.no_key_store', `Event ${event.type} holds personal data but the log has no key store.`);
      data = await this.codec.protect(data, definition.personal);
    }
    return {
      id: this.ids.newId(),
      type: event.type,
      data,
      metadata: { ...context, schemaVersion: definition.version, writtenBy: LIBRARY_VERSION },
    };
  }

  private async decode(event: RecordedEvent, keyCache: Map<string, SubjectKey | undefined>, trusted = false): Promise<RecordedEvent> {
    const fail = (reason: string) => new StoredEventParseError(event.streamId, event.revision, event.type, reason);
    const definition = this.registry.get(event.type);
    if (!definition) throw fail('the event type is not registered');
    let data: unknown;
    try {
      data = this.codec ? await this.codec.reveal(event.data, keyCache) : event.data;
    } catch (error) {
      throw fail(`its personal data does not decrypt: ${(error as Error).message}`);
    }
    // Validated by this very version against this very schema on its way in (see trustStoredEvents).
    if (trusted && event.metadata.writtenBy === LIBRARY_VERSION && event.metadata.schemaVersion === definition.version) {
      return { ...event, data };
    }
    try {
      data = this.registry.upcast(definition, event.metadata.schemaVersion ?? 1, data);
    } catch (error) {
      throw fail(`upcasting from v${event.metadata.schemaVersion} failed: ${(error as Error).message}`);
    }
    const parsed = definition.schema.safeParse(data);
    if (!parsed.success) throw fail(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
    return { ...event, data: parsed.data, metadata: { ...event.metadata, schemaVersion: definition.version } };
  }
}
