/**
 * The rules every store applies to its arguments before doing anything, so that the memory,
 * SQLite and EventStoreDB stores accept and refuse exactly the same calls. They are
 * EventStoreDB's where it has one (names starting with `$` are its own, event ids are UUIDs).
 */
import type { NewEvent } from './envelope.js';
import { DuplicateEventIdError, InvalidStoreInputError } from './errors.js';
import { serializeEvent, utf8Length, type SerializedEvent } from './event-json.js';
import { assertNotEmpty, type ReadAllOptions, type ReadStreamOptions } from './event-store.js';
import type { ExpectedRevision } from './revision.js';

/** Longest stream id, in UTF-8 bytes: far above any name this library makes, far below a page of index. */
export const MAX_STREAM_ID_BYTES = 4096;
/** Longest event type, in UTF-8 bytes. */
export const MAX_EVENT_TYPE_BYTES = 1024;

// EventStoreDB keeps ids as UUIDs and returns them in lower case, so that is the only form that
// reads back as written. The nil UUID is refused by the server.
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const nilUuid = '00000000-0000-0000-0000-000000000000';
// C0 and C1 controls, DEL and NUL (invisible, and NUL ends a string in some drivers), and lone
// surrogates: in a /u pattern a surrogate pair is one code point, so \p{Cs} matches only a lone
// one (the same test as String.prototype.isWellFormed). One pattern, so a name is scanned once.
const forbidden = /[\p{Cc}\p{Cs}]/u;
const loneSurrogate = /\p{Cs}/u;

/** A stream id: non-empty, well-formed text without control characters, not one of EventStoreDB's `$` streams. */
export function checkStreamId(streamId: unknown): asserts streamId is string {
  checkName('streamId', streamId, MAX_STREAM_ID_BYTES);
  if (streamId.startsWith('$')) {
    throw new InvalidStoreInputError('streamId', `${streamId.slice(0, 40)} starts with $, which EventStoreDB keeps for its own streams.`);
  }
}

/** An event type: the same rule as a stream id (`$` types are EventStoreDB's). */
export function checkEventType(type: unknown): asserts type is string {
  checkName('type', type, MAX_EVENT_TYPE_BYTES);
  if (type.startsWith('$')) throw new InvalidStoreInputError('type', `${type.slice(0, 40)} starts with $, which EventStoreDB keeps for its own events.`);
}

/** An event id: a UUID in lower-case canonical form, not the nil UUID. */
export function checkEventId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || !uuid.test(id) || id === nilUuid) {
    throw new InvalidStoreInputError('id', `${String(id).slice(0, 40)} is not a lower-case UUID (EventStoreDB requires UUIDs).`);
  }
}

/** 'any', 'no_stream', 'stream_exists' or a revision: a non-negative safe integer (never a string of one). */
export function checkExpectedRevision(expected: unknown): asserts expected is ExpectedRevision {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return;
  throw new InvalidStoreInputError('expected', `${String(expected)} is not 'any', 'no_stream', 'stream_exists' or a revision (a non-negative integer).`);
}

/**
 * Everything an append is checked for before a store touches its log: the stream id, the expected
 * revision, at least one event, each event's id and type, no id twice, and data that is JSON of at
 * most `maxEventBytes`. Returns the events serialized, so a store serializes only once.
 */
export function prepareAppend(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision, maxEventBytes: number): SerializedEvent[] {
  checkStreamId(streamId);
  checkExpectedRevision(expected);
  if (!Array.isArray(events)) throw new InvalidStoreInputError('events', 'must be an array of events.');
  assertNotEmpty(streamId, events);
  const seen = new Set<string>();
  for (const event of events) {
    if (event === null || typeof event !== 'object') throw new InvalidStoreInputError('events', 'must hold event objects.');
    checkEventId(event.id);
    checkEventType(event.type);
    if (seen.has(event.id)) throw new DuplicateEventIdError(event.id, streamId, 'in_batch');
    seen.add(event.id);
  }
  return events.map((event) => serializeEvent(streamId, event, maxEventBytes));
}

/** A stream read's arguments: the stream id, a direction, and a start and count that are non-negative integers. */
export function checkReadStream(streamId: string, options: ReadStreamOptions = {}): void {
  checkStreamId(streamId);
  const { direction, fromRevision, maxCount } = options;
  if (direction !== undefined && direction !== 'forwards' && direction !== 'backwards') {
    throw new InvalidStoreInputError('direction', `${String(direction)} is neither 'forwards' nor 'backwards'.`);
  }
  checkCount('fromRevision', fromRevision);
  checkCount('maxCount', maxCount);
}

/** A global read's arguments: `after` a position (0 = from the start) and `maxCount`, both non-negative integers. */
export function checkReadAll(options: ReadAllOptions = {}): void {
  checkCount('after', options.after);
  checkCount('maxCount', options.maxCount);
}

function checkCount(field: string, value: unknown): void {
  if (value === undefined || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) return;
  throw new InvalidStoreInputError(field, `${String(value)} is not a non-negative integer.`);
}

function checkName(field: string, value: unknown, maxBytes: number): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidStoreInputError(field, 'must be a non-empty string.');
  const tooLong = () => new InvalidStoreInputError(field, `is longer than ${maxBytes} bytes.`);
  // UTF-8 takes at least one byte and at most three per UTF-16 unit: most names need no exact count,
  // and a very long one is refused before it is scanned.
  if (value.length > maxBytes) throw tooLong();
  if (forbidden.test(value)) {
    // A lone surrogate cannot be written as UTF-8: SQLite would keep U+FFFD and never find it again.
    if (loneSurrogate.test(value)) throw new InvalidStoreInputError(field, 'is not well-formed text (it holds a lone surrogate).');
    throw new InvalidStoreInputError(field, 'holds a control character.');
  }
  if (value.length * 3 > maxBytes && utf8Length(value) > maxBytes) throw tooLong();
}
