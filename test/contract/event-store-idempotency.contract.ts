import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewEvent } from '../../src/core/envelope.js';
import type { EventStore } from '../../src/core/event-store.js';
import type { EdgeContractOptions, LimitedStoreFactory } from './event-store-edges.contract.js';
import { newEvent } from './event-store.contract.js';

const conflict = (expected: unknown, actual: unknown) => ({ code: 'store.wrong_expected_revision', expected, actual });
const duplicate = (eventId: string) => ({ code: 'store.duplicate_event_id', details: expect.objectContaining({ eventId }) });

/**
 * EventStoreDB's idempotency (IndexWriter.CheckCommit): a batch is a retry when its ids sit, in
 * order and one after another, right after the expected revision it names, or, for 'any', are
 * already in the stream as that sequence. The result is the first append's. Anything else with a
 * stale expected revision is a conflict.
 */
export function idempotencyContract(name: string, factory: LimitedStoreFactory, options: EdgeContractOptions): void {
  describe(`EventStore edges: ${name}: re-appending`, () => {
    let store: EventStore;
    let streamId: string;
    let a: NewEvent, b: NewEvent, c: NewEvent;
    const ids = async () => (await store.readStream(streamId)).map((e) => e.id);

    beforeEach(async () => {
      store = await factory();
      streamId = `t${randomUUID().slice(0, 8)}_retry`;
      [a, b, c] = [newEvent('A', { n: 'a' }), newEvent('B', { n: 'b' }), newEvent('C', { n: 'c' })];
    });
    afterEach(async () => {
      await store.close();
    });

    it('returns the first result for the same batch at the expected revision it was first appended at', async () => {
      const first = await store.append(streamId, [a, b], 'no_stream');
      await store.append(streamId, [c], 1);
      await expect(store.append(streamId, [a, b], 'no_stream')).resolves.toEqual(first);
      const d = newEvent(), e = newEvent();
      const second = await store.append(streamId, [d, e], 2);
      await store.append(streamId, [newEvent()], 4);
      await expect(store.append(streamId, [d, e], 2)).resolves.toEqual(second);
      expect(await ids()).toHaveLength(6);
    });

    it("returns the first result for the same batch appended again with 'any'", async () => {
      const first = await store.append(streamId, [a, b], 'no_stream');
      await store.append(streamId, [c], 1);
      await expect(store.append(streamId, [a, b], 'any')).resolves.toEqual(first);
      await expect(store.append(streamId, [a, b], 'stream_exists')).resolves.toEqual(first);
      expect(await ids()).toEqual([a.id, b.id, c.id]);
    });

    it('returns the result of the leading events when a retry carries only the start of the batch', async () => {
      await store.append(streamId, [a, b], 'no_stream');
      const [first] = await store.readStream(streamId);
      await expect(store.append(streamId, [a], 'no_stream')).resolves.toEqual({ nextExpectedRevision: 0, position: first!.position });
    });

    it('treats metadata as circumstance: a retry with other metadata is still the same append', async () => {
      const first = await store.append(streamId, [a], 'no_stream');
      const retried = { ...a, metadata: { ...a.metadata, occurredAt: '2026-01-15T09:00:05.000Z' } };
      await expect(store.append(streamId, [retried], 'no_stream')).resolves.toEqual(first);
      expect((await store.readStream(streamId))[0]!.metadata.occurredAt).toBe(a.metadata.occurredAt);
    });

    it('refuses the same ids at a different, stale expected revision as a conflict', async () => {
      await store.append(streamId, [a, b], 'no_stream');
      await store.append(streamId, [c], 1);
      await expect(store.append(streamId, [a, b], 1)).rejects.toMatchObject(conflict(1, 2));
      await expect(store.append(streamId, [a, b], 0)).rejects.toMatchObject(conflict(0, 2));
      expect(await ids()).toEqual([a.id, b.id, c.id]);
    });

    it('refuses [b, a] after [a, b] at a stale expected revision as a conflict', async () => {
      await store.append(streamId, [a, b], 'no_stream');
      await expect(store.append(streamId, [b, a], 'no_stream')).rejects.toMatchObject(conflict('no_stream', 1));
      expect(await ids()).toEqual([a.id, b.id]);
    });

    it('refuses [a, c] after [a, b] and [c] at a stale expected revision as a conflict', async () => {
      await store.append(streamId, [a, b], 'no_stream');
      await store.append(streamId, [c], 1);
      await expect(store.append(streamId, [a, c], 'no_stream')).rejects.toMatchObject(conflict('no_stream', 2));
      expect(await ids()).toEqual([a.id, b.id, c.id]);
    });

    it('refuses a batch whose ids are not one after another where they were written', async () => {
      await store.append(streamId, [a, b, c], 'no_stream');
      await expect(store.append(streamId, [a, c], 'no_stream')).rejects.toMatchObject(conflict('no_stream', 2));
    });

    it("refuses [a, c] after [a, b] with 'any' as a taken id", async () => {
      await store.append(streamId, [a, b], 'no_stream');
      await expect(store.append(streamId, [a, c], 'any')).rejects.toMatchObject(duplicate(a.id));
      await expect(store.append(streamId, [a, c], 'stream_exists')).rejects.toMatchObject(duplicate(a.id));
      expect(await ids()).toEqual([a.id, b.id]);
    });

    it('refuses a retry that also carries new events as a conflict', async () => {
      await store.append(streamId, [a, b], 'no_stream');
      await expect(store.append(streamId, [a, b, c], 'no_stream')).rejects.toMatchObject(conflict('no_stream', 1));
      expect(await ids()).toEqual([a.id, b.id]);
    });

    const strict = (title: string, test: () => Promise<void>) => {
      if (!options.bestEffortIdempotency) return it(title, test);
      const reason = 'EventStoreDB compares neither payloads nor, for expected revision any or the current one, the order of ids';
      it.skip(`${title} (skipped: ${reason})`, test);
      console.info(`${name}: "${title}" skipped: ${reason}`);
    };

    strict('refuses a reused event id whose type or data differ, leaving the first event', async () => {
      await store.append(streamId, [a], 'no_stream');
      for (const changed of [{ ...a, data: { n: 'other' } }, { ...a, type: 'Other' }]) {
        await expect(store.append(streamId, [changed], 'no_stream')).rejects.toMatchObject(duplicate(a.id));
        await expect(store.append(streamId, [changed], 'any')).rejects.toMatchObject(duplicate(a.id));
      }
      expect(await store.readStream(streamId)).toMatchObject([{ id: a.id, type: 'A', data: { n: 'a' } }]);
    });

    strict("refuses [b, a] after [a, b] with 'any'", async () => {
      await store.append(streamId, [a, b], 'no_stream');
      await expect(store.append(streamId, [b, a], 'any')).rejects.toMatchObject({ code: 'store.duplicate_event_id' });
      expect(await ids()).toEqual([a.id, b.id]);
    });

    strict("refuses a new event followed by an appended one with 'any', writing nothing", async () => {
      await store.append(streamId, [a], 'no_stream');
      await expect(store.append(streamId, [c, a], 'any')).rejects.toMatchObject(duplicate(a.id));
      expect(await ids()).toEqual([a.id]);
    });

    strict('refuses ids already in the stream at its current revision: that is a new append, not a retry', async () => {
      await store.append(streamId, [a, b], 'no_stream');
      await expect(store.append(streamId, [a, b], 1)).rejects.toMatchObject(duplicate(a.id));
      await expect(store.append(streamId, [c, b], 1)).rejects.toMatchObject(duplicate(b.id));
      expect(await ids()).toEqual([a.id, b.id]);
    });
  });
}
