import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewEvent } from '../../src/core/envelope.js';
import type { EventStore } from '../../src/core/event-store.js';
import type { ExpectedRevision } from '../../src/core/revision.js';
import type { LimitedStoreFactory } from './event-store-edges.contract.js';
import { newEvent } from './event-store.contract.js';

const invalid = (field: string) => ({ code: 'store.invalid_input', details: expect.objectContaining({ field }) });
const badData = { code: 'store.invalid_event_data' };

class Money {
  constructor(readonly cents: number) {}
}

/** Stream ids, event ids, types, the expected revision and the data: one rule for every store. */
export function inputContract(name: string, factory: LimitedStoreFactory): void {
  describe(`EventStore edges: ${name}: input at the port`, () => {
    let store: EventStore;
    let prefix: string;
    const stream = (s = 'a') => `${prefix}${s}`;

    beforeEach(async () => {
      store = await factory();
      prefix = `t${randomUUID().slice(0, 8)}_`;
    });
    afterEach(async () => {
      await store.close();
    });

    it('refuses a batch holding something that is not an event object', async () => {
      for (const bad of [null, 'event', 42]) {
        await expect(store.append(stream(), [newEvent(), bad as unknown as NewEvent], 'any')).rejects.toMatchObject(invalid('events'));
      }
      expect(await store.readStream(stream())).toEqual([]);
    });

    it('refuses empty, system, control-character, ill-formed and overlong stream ids, on append and on read', async () => {
      const ids = ['', '$all', '$ce-client', '$$client-1', `${stream()}\u0000`, `${stream()}\n`, `${stream()}\u007f`, `${stream()}\ud800`, `${stream()}\udc00x`, stream('x'.repeat(5000))];
      for (const id of ids) {
        await expect(store.append(id, [newEvent()], 'any'), JSON.stringify(id)).rejects.toMatchObject(invalid('streamId'));
        await expect(store.readStream(id), JSON.stringify(id)).rejects.toMatchObject(invalid('streamId'));
      }
    });

    it('accepts stream ids with any well-formed text, spaces and $ after the start', async () => {
      for (const id of [stream('Zoë 📁-1'), stream('a$b'), stream('client-42:tenant')]) {
        await store.append(id, [newEvent()], 'no_stream');
        expect(await store.readStream(id), id).toHaveLength(1);
      }
    });

    it('refuses event ids that are not lower-case UUIDs, and the nil UUID', async () => {
      const uuid = randomUUID();
      for (const id of ['', 'evt-1', uuid.toUpperCase(), `{${uuid}}`, uuid.replaceAll('-', ''), '00000000-0000-0000-0000-000000000000', 42 as unknown as string]) {
        await expect(store.append(stream(), [{ ...newEvent(), id }], 'any'), String(id)).rejects.toMatchObject(invalid('id'));
      }
      expect(await store.readStream(stream())).toEqual([]);
    });

    it('accepts UUIDs of any version', async () => {
      const v7 = '019ad9f4-5b3e-7cc1-9a2b-3c4d5e6f7a8b';
      await store.append(stream(), [newEvent(), { ...newEvent(), id: v7 }], 'no_stream');
      expect((await store.readStream(stream()))[1]!.id).toBe(v7);
    });

    it('refuses empty, system ($), control-character, ill-formed and overlong event types', async () => {
      for (const type of ['', '$metadata', 'A\u0000', 'A\tB', 'A\ud83d', 'T'.repeat(2000)]) {
        await expect(store.append(stream(), [newEvent(type)], 'any'), JSON.stringify(type)).rejects.toMatchObject(invalid('type'));
      }
      expect(await store.readStream(stream())).toEqual([]);
    });

    it('refuses an expected revision that is not any, no_stream, stream_exists or a non-negative safe integer', async () => {
      await store.append(stream(), [newEvent()], 'no_stream');
      for (const expected of ['4', '0', -1, -2, 1.5, Number.NaN, 2 ** 53, 'whatever', null, undefined] as unknown as ExpectedRevision[]) {
        await expect(store.append(stream(), [newEvent()], expected), String(expected)).rejects.toMatchObject(invalid('expected'));
      }
      expect(await store.readStream(stream())).toHaveLength(1);
    });

    it('refuses a batch that carries the same event id twice, writing nothing', async () => {
      const event = newEvent();
      await expect(store.append(stream(), [event, newEvent(), event], 'any')).rejects.toMatchObject({
        code: 'store.duplicate_event_id',
        details: { eventId: event.id, streamId: stream() },
      });
      expect(await store.readStream(stream())).toEqual([]);
    });
  });

  describe(`EventStore edges: ${name}: JSON data only`, () => {
    let store: EventStore;
    let streamId: string;
    beforeEach(async () => {
      store = await factory();
      streamId = `t${randomUUID().slice(0, 8)}_data`;
    });
    afterEach(async () => {
      await store.close();
    });

    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const refused: Array<[string, unknown]> = [
      ['a circular object', circular],
      ['a BigInt', { n: 10n }],
      ['a Date', { at: new Date('2026-01-15T09:00:00.000Z') }],
      ['a function', { f: () => 1 }],
      ['a symbol', { s: Symbol('s') }],
      ['undefined in an array', { list: [1, undefined] }],
      ['a hole in an array', { list: [1, , 3] }], // eslint-disable-line no-sparse-arrays
      ['NaN', { n: Number.NaN }],
      ['Infinity', { n: [Number.POSITIVE_INFINITY] }],
      ['a Map', { m: new Map([['a', 1]]) }],
      ['a class instance', { price: new Money(5) }],
      ['a typed array', { bytes: new Uint8Array([1, 2]) }],
      ['an object with toJSON', { v: { toJSON: () => 'x' } }],
      ['a boxed string', { s: new String('x') }],
    ];
    for (const [what, data] of refused) {
      it(`refuses ${what} with store.invalid_event_data, writing nothing`, async () => {
        await expect(store.append(streamId, [newEvent(), newEvent('Bad', data)], 'any')).rejects.toMatchObject(badData);
        expect(await store.readStream(streamId)).toEqual([]);
      });
    }

    it('refuses undefined as the data', async () => {
      await expect(store.append(streamId, [{ ...newEvent(), data: undefined }], 'any')).rejects.toMatchObject(badData);
    });

    it('refuses metadata that is not JSON the same way', async () => {
      const event = newEvent();
      const metadata = { ...event.metadata, occurredAt: new Date() } as unknown as NewEvent['metadata'];
      await expect(store.append(streamId, [{ ...event, metadata }], 'any')).rejects.toMatchObject(badData);
    });

    it('keeps JSON values as JSON keeps them, dropping object keys that are undefined', async () => {
      const data = { text: 'a\u2028b', nested: [null, true, 0, -1.5, { deep: [] }], gone: undefined, nullProto: Object.assign(Object.create(null), { k: 1 }) };
      await store.append(streamId, [newEvent('J', data)], 'any');
      const [read] = await store.readStream(streamId);
      expect(read!.data).toStrictEqual({ text: 'a\u2028b', nested: [null, true, 0, -1.5, { deep: [] }], nullProto: { k: 1 } });
    });
  });

  describe(`EventStore edges: ${name}: event size`, () => {
    let store: EventStore | undefined;
    const streamId = () => `t${randomUUID().slice(0, 8)}_size`;
    afterEach(async () => {
      await store?.close();
    });

    /** An event whose serialized data and metadata take exactly `bytes` bytes of UTF-8. */
    function eventOfSize(bytes: number): NewEvent {
      const event = newEvent('Sized', { s: '' });
      const overhead = Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata));
      const body = bytes - overhead;
      return { ...event, data: { s: 'é'.repeat(Math.floor(body / 2)) + 'x'.repeat(body % 2) } };
    }

    it('accepts an event of exactly maxEventBytes and refuses one byte more with store.event_too_large', async () => {
      store = await factory({ maxEventBytes: 2048 });
      const id = streamId();
      await expect(store.append(id, [eventOfSize(2048)], 'no_stream')).resolves.toMatchObject({ nextExpectedRevision: 0 });
      const tooLarge = eventOfSize(2049);
      await expect(store.append(id, [newEvent(), tooLarge], 0)).rejects.toMatchObject({
        code: 'store.event_too_large',
        details: expect.objectContaining({ eventId: tooLarge.id, limitBytes: 2048 }),
      });
      expect(await store.readStream(id)).toHaveLength(1);
    });

    it('refuses an event over the default limit of 4 MiB', async () => {
      store = await factory();
      await expect(store.append(streamId(), [eventOfSize(4 * 2 ** 20 + 1)], 'any')).rejects.toMatchObject({
        code: 'store.event_too_large',
      });
    });

    it('refuses a huge event at once, without serializing it whole', async () => {
      store = await factory();
      const huge = newEvent('Huge', { s: 'x'.repeat(256 * 2 ** 20) });
      const started = performance.now();
      await expect(store.append(streamId(), [huge], 'any')).rejects.toMatchObject({ code: 'store.event_too_large' });
      // Serializing 256 MB takes hundreds of milliseconds; refusing on the string's length takes none.
      expect(performance.now() - started).toBeLessThan(100);
    });
  });
}
