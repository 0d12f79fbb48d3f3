import {
  AccessDeniedError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  convertToCommandError,
  type AllStreamResolvedEvent,
  type EventStoreDBClient,
  type JSONEventData,
} from '@eventstore/db-client';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { eventStoreDbEventStore } from '../../adapters/event-store/eventstoredb.js';
import {
  fromClientRevision,
  fromResolvedEvent,
  isDeliverable,
  isSystemEvent,
  toClientExpectedRevision,
  toClientFilter,
  toClientPosition,
  toClientReadStreamOptions,
  toEventData,
  toPortalError,
} from '../../adapters/event-store/eventstoredb-mapping.js';
import type { EventMetadata, NewEvent, RecordedEvent } from '../../src/core/envelope.js';
import { ConcurrencyError, StoreUnavailableError } from '../../src/core/errors.js';

const metadata: EventMetadata = {
  occurredAt: '2026-01-15T09:00:00.000Z',
  tenantId: 'firm-1',
  actor: { kind: 'staff', userId: 'user-1' },
  correlationId: 'corr-1',
  causationId: 'cause-1',
  schemaVersion: 1,
};
const uuid = '0b5e6a3c-2d1f-4c7e-9a8b-1c2d3e4f5a6b';
const newEvent = (id = uuid): NewEvent => ({ id, type: 'ClientCreated', data: { name: 'Zoë' }, metadata });

/** A resolved event shaped as the client's convertGrpcRecord builds it from a $all read. */
function resolved(overrides: { streamId?: string; type?: string; position?: bigint; id?: string; metadata?: unknown } = {}) {
  const position = overrides.position ?? 100n;
  return {
    event: {
      streamId: overrides.streamId ?? 'client-1',
      id: overrides.id ?? uuid,
      revision: 3n,
      type: overrides.type ?? 'ClientCreated',
      data: { name: 'Zoë' },
      metadata: overrides.metadata ?? { ...metadata, $correlationId: 'corr-1', $causationId: 'cause-1' },
      isJson: true,
      created: new Date(0),
      position: { commit: position, prepare: position },
    },
  } as AllStreamResolvedEvent;
}
const recorded = (position: number, over: Partial<RecordedEvent> = {}): RecordedEvent => ({
  ...newEvent(),
  streamId: 'client-1',
  revision: 0,
  position,
  ...over,
});

describe('revisions', () => {
  it('passes the sentinels through and numbers as bigints', () => {
    expect(toClientExpectedRevision('any')).toBe('any');
    expect(toClientExpectedRevision('no_stream')).toBe('no_stream');
    expect(toClientExpectedRevision('stream_exists')).toBe('stream_exists');
    expect(toClientExpectedRevision(0)).toBe(0n);
    expect(toClientExpectedRevision(41)).toBe(41n);
  });

  it('reads a current revision back as a number or no_stream', () => {
    expect(fromClientRevision('no_stream')).toBe('no_stream');
    expect(fromClientRevision(7n)).toBe(7);
  });
});

describe('errors', () => {
  it('turns a wrong expected version (plain Append reply) into a ConcurrencyError with the real revision', () => {
    const error = new WrongExpectedVersionError(undefined, { streamName: 'client-1', expected: 1n, current: 2n });
    const mapped = toPortalError(error, 'client-1');
    expect(mapped).toBeInstanceOf(ConcurrencyError);
    expect(mapped).toMatchObject({ code: 'store.wrong_expected_revision', streamId: 'client-1', expected: 1, actual: 2 });
  });

  it('reports no_stream when the stream does not exist (BatchAppend reply)', () => {
    const details = new sharedPb.WrongExpectedVersion();
    details.setExpectedStreamExists(new sharedPb.Empty());
    details.setCurrentNoStream(new sharedPb.Empty());
    const error = WrongExpectedVersionError.fromWrongExpectedVersion(details, 'client-1');
    expect(toPortalError(error)).toMatchObject({ streamId: 'client-1', expected: 'stream_exists', actual: 'no_stream' });
  });

  it('maps a wrong expected version that arrives in gRPC trailers', () => {
    const trailers = { 'exception': 'wrong-expected-version', 'stream-name': 'client-1', 'expected-version': '0' };
    const grpcError = Object.assign(new Error('9 FAILED_PRECONDITION'), { code: 9, details: '', metadata: { getMap: () => trailers } });
    const error = convertToCommandError(grpcError);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(toPortalError(error)).toMatchObject({ expected: 0, actual: 'no_stream' });
  });

  it('turns an unreachable server into StoreUnavailableError, typed or raw', () => {
    const grpcError = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14, details: '' });
    const typed = convertToCommandError(grpcError);
    expect(typed.constructor.name).toBe('UnavailableError');
    expect(toPortalError(typed)).toBeInstanceOf(StoreUnavailableError);
    // The server-features probe rejects with the raw gRPC error.
    expect(toPortalError(grpcError)).toBeInstanceOf(StoreUnavailableError);
    // BatchAppend's timeout carries no status code, only its type.
    expect(toPortalError(new DeadlineExceededError())).toMatchObject({ code: 'store.unavailable' });
  });

  it("turns the server's append size limit into EventTooLargeError", () => {
    const error = toPortalError(new MaxAppendSizeExceededError(undefined, 1_048_576), 'client-1');
    expect(error).toMatchObject({ code: 'store.event_too_large', details: { streamId: 'client-1', limitBytes: 1_048_576 } });
  });

  it('passes other failures on unchanged', () => {
    const denied = new AccessDeniedError();
    expect(toPortalError(denied)).toBe(denied);
    const notFound = new StreamNotFoundError(undefined, 'client-1');
    expect(toPortalError(notFound)).toBe(notFound);
  });
});

describe('positions and read options', () => {
  it('starts $all at the beginning, or at a position given as commit = prepare', () => {
    expect(toClientPosition(undefined)).toBe('start');
    expect(toClientPosition(1234)).toEqual({ commit: 1234n, prepare: 1234n });
  });

  it('reads a stream forwards from the start, or backwards from the end, unless told a revision', () => {
    expect(toClientReadStreamOptions()).toEqual({ direction: 'forwards', fromRevision: 'start' });
    expect(toClientReadStreamOptions({ direction: 'backwards', maxCount: 2 })).toEqual({
      direction: 'backwards',
      fromRevision: 'end',
      maxCount: 2,
    });
    expect(toClientReadStreamOptions({ direction: 'backwards', fromRevision: 2 })).toMatchObject({ fromRevision: 2n });
  });
});

describe('subscription filters', () => {
  it('excludes system events when no filter is given', () => {
    expect(toClientFilter(undefined)).toMatchObject({ filterOn: 'eventType', regex: '^[^$].*' });
    expect(toClientFilter({ streamPrefixes: [], eventTypePrefixes: [] })).toMatchObject({ regex: '^[^$].*' });
  });

  it('filters on stream prefixes at the server, else on event type prefixes', () => {
    expect(toClientFilter({ streamPrefixes: ['client-'], eventTypePrefixes: ['Guest'] })).toMatchObject({
      filterOn: 'streamName',
      prefixes: ['client-'],
    });
    expect(toClientFilter({ eventTypePrefixes: ['Guest'] })).toMatchObject({ filterOn: 'eventType', prefixes: ['Guest'] });
  });
});

describe('event data', () => {
  it('stores our metadata with ESDB correlation and causation ids beside it', () => {
    const data = toEventData(newEvent()) as JSONEventData;
    expect(data).toMatchObject({ id: uuid, contentType: 'application/json', type: 'ClientCreated', data: { name: 'Zoë' } });
    expect(data.metadata).toEqual({ ...metadata, $correlationId: 'corr-1', $causationId: 'cause-1' });
  });

  it('sends the event id as it is: the port only lets lower-case UUIDs through', () => {
    expect(toEventData(newEvent()).id).toBe(uuid);
  });
});

describe('resolved events', () => {
  it('become recorded events with numeric revision and commit position, and our metadata only', () => {
    expect(fromResolvedEvent(resolved({ position: 4096n }))).toEqual({
      ...newEvent(),
      streamId: 'client-1',
      revision: 3,
      position: 4096,
    });
  });

  it('restore an original id that was not a UUID, as earlier versions of the adapter recorded it', () => {
    const event = fromResolvedEvent(resolved({ id: '3f0e7b8c-4a1d-5e2f-8b3c-9d0e1f2a3b4c', metadata: { ...metadata, portalEventId: 'evt-1' } }));
    expect(event).toMatchObject({ id: 'evt-1', metadata });
  });

  it('skip links whose event is gone and refuse reads without a real position', () => {
    expect(fromResolvedEvent({})).toBeUndefined();
    expect(() => fromResolvedEvent(resolved({ position: 18446744073709551615n }))).toThrow(/22\.6/);
  });

  it('are system events when the type or the stream starts with $', () => {
    expect(isSystemEvent({ type: '$metadata', streamId: '$$client-1' })).toBe(true);
    expect(isSystemEvent({ type: 'ClientCreated', streamId: '$ce-client' })).toBe(true);
    expect(isSystemEvent({ type: 'ClientCreated', streamId: 'client-1' })).toBe(false);
  });

  it('are delivered from $all only after `after`, when not system events and passing the filter', () => {
    expect(isDeliverable(recorded(100), 100, undefined)).toBe(false);
    expect(isDeliverable(recorded(101), 100, undefined)).toBe(true);
    expect(isDeliverable(recorded(5), undefined, undefined)).toBe(true);
    expect(isDeliverable(recorded(101, { type: '$statsCollected' }), 100, undefined)).toBe(false);
    const filter = { streamPrefixes: ['client-'], eventTypePrefixes: ['Guest'] };
    expect(isDeliverable(recorded(101), 100, filter)).toBe(false);
    expect(isDeliverable(recorded(101, { type: 'GuestAdded' }), 100, filter)).toBe(true);
  });
});

/** A stand-in for the client's calls the adapter makes, recording what it was asked. */
function stubClient(calls: unknown[], events: AllStreamResolvedEvent[], failure?: Error) {
  const readable = (items: AllStreamResolvedEvent[]) => ({
    async *[Symbol.asyncIterator]() {
      yield* items;
      if (failure) throw failure;
    },
    cancel: async () => void calls.push('cancel'),
  });
  return {
    appendToStream: async (...args: unknown[]) => {
      calls.push(['append', ...args]);
      if (failure) throw failure;
      return { success: true, nextExpectedRevision: 1n, position: { commit: 900n, prepare: 900n } };
    },
    readStream: (...args: unknown[]) => (calls.push(['readStream', ...args]), readable(events)),
    readAll: (...args: unknown[]) => (calls.push(['readAll', ...args]), readable(events)),
    subscribeToAll: (...args: unknown[]) => {
      calls.push(['subscribeToAll', ...args]);
      // Like the client's subscription: a Readable that stays open after catching up.
      const live = new Readable({ objectMode: true, read() {} });
      for (const event of events) live.push(event);
      return Object.assign(live, { unsubscribe: async () => void calls.push('unsubscribe') });
    },
    dispose: async () => void calls.push('dispose'),
  } as unknown as EventStoreDBClient;
}

describe('adapter over the client (stubbed)', () => {
  it('appends JSON events with the expected revision and returns numbers', async () => {
    const calls: unknown[] = [];
    const store = eventStoreDbEventStore({ client: stubClient(calls, []) });
    await expect(store.append('client-1', [newEvent()], 0)).resolves.toEqual({ nextExpectedRevision: 1, position: 900 });
    expect(calls[0]).toMatchObject(['append', 'client-1', [{ id: uuid, type: 'ClientCreated' }], { expectedRevision: 0n }]);
  });

  it('reads a stream that does not exist as empty', async () => {
    const store = eventStoreDbEventStore({ client: stubClient([], [], new StreamNotFoundError(undefined, 'client-9')) });
    await expect(store.readStream('client-9')).resolves.toEqual([]);
  });

  it('reads $all after a position, without system events, up to maxCount, then ends the call', async () => {
    const calls: unknown[] = [];
    const log = [
      resolved({ position: 10n }),
      resolved({ position: 20n, streamId: '$stats-127.0.0.1:2113', type: '$statsCollected' }),
      resolved({ position: 30n }),
      resolved({ position: 40n }),
    ];
    const store = eventStoreDbEventStore({ client: stubClient(calls, log) });
    const read: number[] = [];
    for await (const event of store.readAll({ after: 10, maxCount: 1 })) read.push(event.position);
    expect(read).toEqual([30]);
    expect(calls).toEqual([['readAll', { fromPosition: { commit: 10n, prepare: 10n } }], 'cancel']);
  });

  it('subscribes after a position, skipping what is not ours, and can be closed while waiting', async () => {
    const calls: unknown[] = [];
    const log = [resolved({ position: 10n }), resolved({ position: 30n }), resolved({ position: 40n, streamId: 'firm-1' })];
    const store = eventStoreDbEventStore({ client: stubClient(calls, log) });
    const subscription = store.subscribe({ after: 10, filter: { streamPrefixes: ['client-'] } });
    const received: number[] = [];
    const iterating = (async () => {
      for await (const event of subscription) received.push(event.position);
      return 'closed';
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await subscription.close();
    await expect(iterating).resolves.toBe('closed');
    expect(received).toEqual([30]);
    expect(calls[0]).toMatchObject([
      'subscribeToAll',
      { fromPosition: { commit: 10n, prepare: 10n }, filter: { filterOn: 'streamName', prefixes: ['client-'] } },
    ]);
    expect(calls).toContain('unsubscribe');
  });

  it('leaves a client it was given open', async () => {
    const calls: unknown[] = [];
    await eventStoreDbEventStore({ client: stubClient(calls, []) }).close();
    expect(calls).toEqual([]);
  });
});

describe('adapter on the real client without a server', () => {
  // Nothing listens on port 1, so the connection is refused at once.
  const unreachable = () => eventStoreDbEventStore({ connectionString: 'esdb://127.0.0.1:1?tls=false' });

  it('reports every operation as StoreUnavailableError', async () => {
    const store = unreachable();
    await expect(store.append('client-1', [newEvent()], 'any')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.readStream('client-1')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.readAll()[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.subscribe()[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(StoreUnavailableError);
    await store.close();
  });

  it('closes a subscription nobody has read from', async () => {
    const store = unreachable();
    const subscription = store.subscribe();
    await subscription.close();
    await expect(subscription[Symbol.asyncIterator]().next()).resolves.toEqual({ done: true, value: undefined });
    await store.close();
  });
});
