import type { Actor, DomainEvent, NewEvent, RecordedEvent } from './envelope.js';
import { ConcurrencyError, PortalError, StoredEventParseError } from './errors.js';
import type {
  AppendResult,
  EventStore,
  ReadAllOptions,
  ReadStreamOptions,
  Subscription,
  SubscribeOptions,
  SubscriptionMessage,
} from './event-store.js';
import { subscriptionOf } from './log-messages.js';
import type { EventRegistry } from './events.js';
import { Forgetting } from './forgetting.js';
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

/** What `forget` did: whether this call recorded the forgetting, and where the record is. */
export interface Forgotten {
  recordedNow: boolean;
  position: number;
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
  private readonly forgetting: Forgetting | undefined;
  private resumed: Promise<unknown> | undefined;
  private readonly trustStoredEvents: boolean;
  private appended: number | undefined;

  constructor(options: EventLogOptions) {
    this.store = options.store;
    this.registry = options.registry.register(personalDataForgotten);
    this.ids = options.ids;
    this.forgetting = options.keys ? new Forgetting(options.keys, options.store) : undefined;
    this.codec = this.forgetting && options.cipher ? new PersonalDataCodec(this.forgetting.view, options.cipher) : undefined;
    this.trustStoredEvents = options.trustStoredEvents ?? true;
  }

  /** The highest global position this log has appended to: what read models must reach to show our writes. */
  get lastAppended(): number | undefined {
    return this.appended;
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
    await this.ready();
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
    if (this.appended === undefined || result.position > this.appended) this.appended = result.position;
    return { ...result, events: prepared };
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    await this.ready();
    const keyCache = new Map<string, SubjectKey | undefined>();
    const out: RecordedEvent[] = [];
    for (const event of await this.store.readStream(streamId, options)) out.push(await this.decode(event, keyCache, this.trustStoredEvents));
    return out;
  }

  async *readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    await this.ready();
    const keyCache = readerKeyCache();
    for await (const event of this.store.readAll(options)) yield this.noted(await this.decode(event, keyCache), keyCache);
  }

  subscribe(options?: SubscribeOptions): Subscription {
    const inner = this.store.subscribe(options);
    const ready = () => this.ready();
    const keyCache = readerKeyCache();
    const decode = async (e: RecordedEvent) => this.noted(await this.decode(e, keyCache), keyCache);
    async function* decoded(): AsyncGenerator<SubscriptionMessage> {
      await ready();
      for await (const message of inner.withCheckpoints()) yield 'checkpoint' in message ? message : await decode(message);
    }
    return subscriptionOf(decoded(), () => inner.close());
  }

  /**
   * Erases a data subject: records that it was forgotten, then deletes its key. From the record on,
   * this log reads the subject's data as erased; should the deletion fail, calling again (or the next
   * start) finishes it. `recordedNow` is false when the forgetting was already recorded; `position`
   * is where the record is.
   */
  async forget(subjectId: string, context: AppendContext): Promise<Forgotten> {
    if (!this.forgetting) throw new PortalError('personal_data.no_key_store', 'This event log has no key store.');
    const recorded = await this.recordForgetting(subjectId, context);
    await this.forgetting.finish(subjectId);
    return recorded;
  }

  /**
   * Deletes the key of every subject whose forgetting is recorded but whose key remains (a crash or
   * failure between the two). Runs by itself before this log's first read or append; returns the
   * subjects whose key still could not be deleted (they read as erased here all the same).
   */
  async resumeForgetting(): Promise<{ unfinished: string[] }> {
    return { unfinished: (await this.forgetting?.resume()) ?? [] };
  }

  /** Settles once this log has finished the forgetting a previous run left half done (scanned once). */
  private ready(): Promise<unknown> | undefined {
    if (!this.forgetting) return undefined;
    this.resumed ??= this.resumeForgetting().catch((error: unknown) => {
      this.resumed = undefined; // a store that could not be read is tried again on the next call
      throw error;
    });
    return this.resumed;
  }

  /** Appends PersonalDataForgotten unless the subject's stream already holds it. */
  private async recordForgetting(subjectId: string, context: AppendContext): Promise<Forgotten> {
    const streamId = streams.dataSubject(subjectId);
    const recordIn = (events: RecordedEvent[]) => events.find((e) => e.type === personalDataForgotten.type);
    const existing = await this.store.readStream(streamId);
    const prior = recordIn(existing);
    if (prior) return { recordedNow: false, position: prior.position };
    const event = { type: personalDataForgotten.type, data: { subjectId, forgottenAt: context.occurredAt } };
    try {
      const { position } = await this.append(streamId, [event], existing.at(-1)?.revision ?? 'no_stream', context);
      return { recordedNow: true, position };
    } catch (error) {
      // Someone forgot the same subject at the same moment: theirs is the record.
      const theirs = error instanceof ConcurrencyError ? recordIn(await this.store.readStream(streamId)) : undefined;
      if (theirs) return { recordedNow: false, position: theirs.position };
      throw error;
    }
  }

  /** A reader in log order that meets a forgetting reads that subject as erased from there on. */
  private noted(event: RecordedEvent, keyCache: Map<string, SubjectKey | undefined>): RecordedEvent {
    if (event.type === personalDataForgotten.type) {
      const { subjectId } = event.data as { subjectId: string };
      this.forgetting?.note(subjectId);
      keyCache.delete(subjectId);
    }
    if (keyCache.size > READER_KEY_CACHE_SIZE) keyCache.clear();
    return event;
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

/** Subject keys a reader in log order keeps while it reads; a subject's forgetting drops its key. */
const READER_KEY_CACHE_SIZE = 100_000;

function readerKeyCache(): Map<string, SubjectKey | undefined> {
  return new Map();
}
