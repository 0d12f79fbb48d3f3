import type { NewEvent } from './envelope.js';
import { EventTooLargeError, InvalidEventDataError, InvalidStoreInputError, PortalError } from './errors.js';

/** An event as every store keeps it: data and metadata as JSON text. */
export interface SerializedEvent {
  id: string;
  type: string;
  data: string;
  metadata: string;
}

/** Largest event (serialized data + metadata, UTF-8 bytes) a store accepts unless told otherwise. */
export const DEFAULT_MAX_EVENT_BYTES = 4 * 1024 * 1024;

/** A store factory's `maxEventBytes` option, checked once when the store opens. */
export function maxEventBytesOption(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_EVENT_BYTES;
  if (!Number.isSafeInteger(value) || value <= 0) throw new InvalidStoreInputError('maxEventBytes', 'must be a positive integer.');
  return value;
}

/**
 * Serializes an event's data and metadata, refusing anything that is not plain JSON (so every
 * store reads back exactly the same value) and anything over `maxBytes`. One pass of
 * JSON.stringify does both: its replacer sees every value before it is written, so a huge string
 * is refused on its length before any of it is copied. Object keys whose value is undefined are
 * dropped, as JSON drops them.
 */
export function serializeEvent(streamId: string, event: NewEvent, maxBytes: number): SerializedEvent {
  const budget = { streamId, eventId: event.id, maxBytes, atLeast: 0 };
  const data = toJson(event.data, budget);
  const metadata = toJson(event.metadata, budget);
  // UTF-8 takes at most 3 bytes per UTF-16 unit, so most events need no exact count.
  if ((data.length + metadata.length) * 3 > maxBytes && utf8Length(data) + utf8Length(metadata) > maxBytes) {
    throw new EventTooLargeError(streamId, maxBytes, event.id);
  }
  return { id: event.id, type: event.type, data, metadata };
}

interface Budget {
  streamId: string;
  eventId: string;
  maxBytes: number;
  /** A lower bound of the bytes written so far: every value's and key's length. */
  atLeast: number;
}

function toJson(value: unknown, budget: Budget): string {
  const refuse = (reason: string) => new InvalidEventDataError(budget.eventId, reason);
  let root = true;
  function check(this: unknown, key: string, current: unknown): unknown {
    const holder = this as Record<string, unknown>;
    const inArray = Array.isArray(holder);
    // toJSON (a Date's, or any object's) has already replaced the value the caller gave.
    const given = holder[key];
    if (!Object.is(given, current)) throw refuse(given instanceof Date ? 'a Date (store its ISO string).' : `${key} has a toJSON method.`);
    const atRoot = root;
    root = false;
    if (!atRoot && !inArray) budget.atLeast += key.length + 3;
    switch (typeof current) {
      case 'string':
        budget.atLeast += current.length + 2;
        break;
      case 'number':
        if (!Number.isFinite(current)) throw refuse(`${key} is ${current}, which JSON cannot hold.`);
        budget.atLeast += 1;
        break;
      case 'boolean':
        budget.atLeast += 4;
        break;
      case 'undefined':
        // An object's undefined key is left out, as JSON does; in an array it would turn into null.
        if (inArray || atRoot) throw refuse(inArray ? `an array holds undefined at ${key}.` : 'it is undefined.');
        return undefined;
      case 'object':
        budget.atLeast += 2;
        if (current !== null && !Array.isArray(current)) {
          const prototype = Object.getPrototypeOf(current);
          if (prototype !== Object.prototype && prototype !== null) {
            throw refuse(`${key || 'the value'} is a ${prototype?.constructor?.name ?? 'non-plain'} object, not a plain object.`);
          }
        }
        break;
      default:
        throw refuse(`${key || 'the value'} is a ${typeof current}.`);
    }
    if (budget.atLeast > budget.maxBytes) throw new EventTooLargeError(budget.streamId, budget.maxBytes, budget.eventId);
    return current;
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(value, check);
  } catch (error) {
    if (error instanceof PortalError) throw error;
    // What the replacer does not see: a structure that contains itself, or a getter that throws.
    const message = error instanceof Error ? error.message : String(error);
    throw refuse(/circular/i.test(message) ? 'it contains itself (a circular structure).' : message);
  }
  if (text === undefined) throw refuse('it is undefined.');
  return text;
}

/** Bytes of a well-formed string in UTF-8 (JSON.stringify escapes lone surrogates). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      bytes += 4; // a surrogate pair: one code point of four bytes
      i++;
    } else bytes += 3;
  }
  return bytes;
}
