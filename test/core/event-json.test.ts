import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_EVENT_BYTES, maxEventBytesOption, serializeEvent } from '../../src/core/event-json.js';
import { newEvent } from '../contract/event-store.contract.js';

const MiB = 2 ** 20;

describe('serializeEvent', () => {
  it('names where in the event the value that is not JSON sits', () => {
    const event = newEvent('T', { list: [1, { at: new Date(0) }], n: 1 });
    expect(() => serializeEvent('s', event, MiB)).toThrow(/data\.list\[1\]\.at is a Date/);
    expect(() => serializeEvent('s', newEvent('T', { list: [0, undefined] }), MiB)).toThrow(/data\.list\[1\] is undefined/);
  });

  it('accepts the same object twice when it does not contain itself', () => {
    const shared = { k: 1 };
    const { data } = serializeEvent('s', newEvent('T', { a: shared, b: [shared, shared] }), MiB);
    expect(data).toBe('{"a":{"k":1},"b":[{"k":1},{"k":1}]}');
  });

  it('refuses a value of many small parts while walking it, before serializing', () => {
    const many = newEvent('T', { list: Array.from({ length: 3_000_000 }, (_, i) => i % 10) });
    const started = performance.now();
    expect(() => serializeEvent('s', many, 4 * MiB)).toThrow(expect.objectContaining({ code: 'store.event_too_large' }));
    // Serializing the whole list takes several times longer than walking the first 2 million items.
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('counts bytes of UTF-8, not UTF-16 units', () => {
    const event = newEvent('T', { s: '' });
    const overhead = JSON.stringify(event.data).length + JSON.stringify(event.metadata).length;
    const withEmoji = { ...event, data: { s: '😀'.repeat(10) } }; // 20 units, 40 bytes
    expect(() => serializeEvent('s', withEmoji, overhead + 40)).not.toThrow();
    expect(() => serializeEvent('s', withEmoji, overhead + 39)).toThrow(expect.objectContaining({ code: 'store.event_too_large' }));
  });

  it('takes a positive integer as the limit, 4 MiB when none is given', () => {
    expect(maxEventBytesOption(undefined)).toBe(DEFAULT_MAX_EVENT_BYTES);
    expect(DEFAULT_MAX_EVENT_BYTES).toBe(4 * MiB);
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => maxEventBytesOption(bad), String(bad)).toThrow(expect.objectContaining({ code: 'store.invalid_input' }));
    }
  });
});
