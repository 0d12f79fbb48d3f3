import type { NewEvent } from './envelope.js';
import { EventTooLargeError, InvalidEventDataError, InvalidStoreInputError } from './errors.js';

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
 * store reads back exactly the same value) and anything over `maxBytes`. A walk over the value
 * checks it first and counts a lower bound of its size, so a huge value is refused before any of
 * it is copied; only then is it serialized, once. Object keys whose value is undefined are
 * dropped, as JSON drops them.
 */
export function serializeEvent(streamId: string, event: NewEvent, maxBytes: number): SerializedEvent {
  const walk = new JsonWalk(streamId, event.id, maxBytes);
  walk.value(event.data, 'data');
  walk.value(event.metadata, 'metadata');
  const data = JSON.stringify(event.data);
  const metadata = JSON.stringify(event.metadata);
  // UTF-8 takes at most 3 bytes per UTF-16 unit, so most events need no exact count.
  if ((data.length + metadata.length) * 3 > maxBytes && utf8Length(data) + utf8Length(metadata) > maxBytes) {
    throw new EventTooLargeError(streamId, maxBytes, event.id);
  }
  return { id: event.id, type: event.type, data, metadata };
}

/** Checks that a value is plain JSON while counting a lower bound of its serialized bytes. */
class JsonWalk {
  /** Every value's and key's length so far: the text is at least this long. */
  private atLeast = 0;
  /** The objects on the path to the current value, to find one that contains itself. */
  private readonly parents = new Set<object>();
  /** The keys on that path, joined into a name only when a value is refused. */
  private readonly keys: Array<string | number> = [];

  constructor(
    private readonly streamId: string,
    private readonly eventId: string,
    private readonly maxBytes: number,
  ) {}

  value(value: unknown, key: string | number): void {
    this.keys.push(key);
    this.check(value);
    this.keys.pop();
  }

  private check(value: unknown): void {
    switch (typeof value) {
      case 'string':
        this.count(value.length + 2);
        return;
      case 'number':
        if (!Number.isFinite(value)) throw this.refuse(`is ${value}, which JSON cannot hold.`);
        this.count(1);
        return;
      case 'boolean':
        this.count(4);
        return;
      case 'object':
        if (value === null) this.count(4);
        else this.object(value);
        return;
      case 'undefined':
        throw this.refuse('is undefined.');
      default:
        throw this.refuse(`is a ${typeof value}.`);
    }
  }

  private object(value: object): void {
    if (this.parents.has(value)) throw this.refuse('contains itself (a circular structure).');
    const isArray = Array.isArray(value);
    const prototype = Object.getPrototypeOf(value);
    if (!isArray && prototype !== Object.prototype && prototype !== null) {
      const kind = value instanceof Date ? 'a Date (store its ISO string)' : `a ${prototype?.constructor?.name ?? 'non-plain'} object`;
      throw this.refuse(`is ${kind}, not a plain object.`);
    }
    // JSON.stringify would write what toJSON returns instead of the value itself.
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') throw this.refuse('has a toJSON method.');
    this.parents.add(value);
    this.count(2);
    if (isArray) {
      const items = value as unknown[];
      for (let i = 0; i < items.length; i++) {
        // A hole or undefined would be written as null, which is not what the caller holds;
        // value() refuses undefined, and a hole reads as undefined.
        this.count(1);
        this.value(items[i], i);
      }
    } else {
      for (const key of Object.keys(value)) {
        const item = (value as Record<string, unknown>)[key];
        if (item === undefined) continue; // left out, as JSON leaves it out
        this.count(key.length + 3);
        this.value(item, key);
      }
    }
    this.parents.delete(value);
  }

  private count(bytes: number): void {
    this.atLeast += bytes;
    if (this.atLeast > this.maxBytes) throw new EventTooLargeError(this.streamId, this.maxBytes, this.eventId);
  }

  private refuse(reason: string): InvalidEventDataError {
    const at = this.keys.map((key, i) => (i === 0 ? key : typeof key === 'number' ? `[${key}]` : `.${key}`)).join('');
    return new InvalidEventDataError(this.eventId, `${at} ${reason}`);
  }
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
