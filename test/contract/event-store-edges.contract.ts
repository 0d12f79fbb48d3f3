import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/core/event-store.js';
import { newEvent } from './event-store.contract.js';
import { idempotencyContract } from './event-store-idempotency.contract.js';
import { inputContract } from './event-store-input.contract.js';

/** Limits a store factory takes; every store accepts the same ones. */
export interface StoreLimits {
  maxEventBytes?: number;
}

export type LimitedStoreFactory = (limits?: StoreLimits) => Promise<EventStore>;

export interface EdgeContractOptions {
  /**
   * EventStoreDB checks a retried batch only by where its ids sit (for an exact expected revision)
   * or that they are all in the stream ('any'), never compares payloads, and does not look at ids
   * when the expected revision is the current one; the cases that need more are skipped there.
   */
  bestEffortIdempotency?: boolean;
}

/** The rules where stores used to disagree: bad arguments, closed stores, input, data, retries. */
export function eventStoreEdgeContract(name: string, factory: LimitedStoreFactory, options: EdgeContractOptions = {}): void {
  closedStoreContract(name, factory);
  readArgumentsContract(name, factory);
  inputContract(name, factory);
  idempotencyContract(name, factory, options);
}

/** First item of an async iterable, or its failure. */
export async function firstOf<T>(iterable: AsyncIterable<T>): Promise<T | undefined> {
  const iterator = iterable[Symbol.asyncIterator]();
  try {
    return (await iterator.next()).value;
  } finally {
    await iterator.return?.();
  }
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

function closedStoreContract(name: string, factory: LimitedStoreFactory): void {
  describe(`EventStore edges: ${name}: closing during a read`, () => {
    it('ends a global read in progress with store.closed', async () => {
      const store = await factory();
      const streamId = `s-${randomUUID()}`;
      for (let i = 0; i < 5; i++) await store.append(streamId, Array.from({ length: 1000 }, () => newEvent()), 'any');
      const reading = store.readAll({ filter: { streamPrefixes: [streamId] } })[Symbol.asyncIterator]();
      await reading.next();
      await store.close();
      const rest = (async () => {
        for (let next = await reading.next(); !next.done; next = await reading.next());
      })();
      await expect(rest).rejects.toMatchObject({ code: 'store.closed' });
    });
  });

  describe(`EventStore edges: ${name}: a closed store`, () => {
    let store: EventStore;
    beforeEach(async () => {
      store = await factory();
      await store.close();
    });
    afterEach(async () => {
      await store.close();
    });
    const closed = { code: 'store.closed' };

    it('refuses appends with store.closed', async () => {
      await expect(store.append(`s-${randomUUID()}`, [newEvent()], 'any')).rejects.toMatchObject(closed);
    });
    it('refuses stream reads with store.closed', async () => {
      await expect(store.readStream(`s-${randomUUID()}`)).rejects.toMatchObject(closed);
    });
    it('refuses global reads with store.closed', async () => {
      await expect(firstOf(store.readAll())).rejects.toMatchObject(closed);
    });
    it('refuses subscriptions with store.closed', async () => {
      await expect(firstOf(store.subscribe())).rejects.toMatchObject(closed);
    });
    it('can be closed again', async () => {
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
}

function readArgumentsContract(name: string, factory: LimitedStoreFactory): void {
  describe(`EventStore edges: ${name}: read arguments`, () => {
    let store: EventStore;
    let streamId: string;
    let positions: number[];
    const invalid = (field: string) => ({ code: 'store.invalid_input', details: expect.objectContaining({ field }) });
    const ns = (events: Array<{ data: unknown }>) => events.map((e) => (e.data as { n: number }).n);
    const mine = () => ({ streamPrefixes: [streamId] });

    beforeEach(async () => {
      store = await factory();
      streamId = `t${randomUUID().slice(0, 8)}_r`;
      await store.append(streamId, [0, 1, 2].map((n) => newEvent('N', { n })), 'no_stream');
      positions = (await store.readStream(streamId)).map((e) => e.position);
    });
    afterEach(async () => {
      await store.close();
    });

    it('refuses a readAll position that is not a non-negative integer', async () => {
      for (const after of [2.5, -1, Number.NaN, Number.POSITIVE_INFINITY, '3' as unknown as number]) {
        await expect(firstOf(store.readAll({ after, filter: mine() })), String(after)).rejects.toMatchObject(invalid('after'));
      }
    });

    it('reads from the start when readAll has position 0 or none', async () => {
      expect(ns(await collect(store.readAll({ after: 0, filter: mine() })))).toEqual([0, 1, 2]);
      expect(ns(await collect(store.readAll({ after: positions[1]!, filter: mine() })))).toEqual([2]);
    });

    it('refuses a maxCount that is negative or not an integer, and reads nothing for 0', async () => {
      for (const maxCount of [-1, 1.5, Number.NaN]) {
        await expect(firstOf(store.readAll({ maxCount, filter: mine() })), String(maxCount)).rejects.toMatchObject(invalid('maxCount'));
        await expect(store.readStream(streamId, { maxCount }), String(maxCount)).rejects.toMatchObject(invalid('maxCount'));
      }
      expect(await collect(store.readAll({ maxCount: 0, filter: mine() }))).toEqual([]);
      expect(await store.readStream(streamId, { maxCount: 0 })).toEqual([]);
      expect(await store.readStream(streamId, { maxCount: 0, direction: 'backwards' })).toEqual([]);
    });

    it('refuses a fromRevision that is negative or not an integer, in either direction', async () => {
      for (const fromRevision of [-1, 0.5, Number.NaN, '1' as unknown as number]) {
        for (const direction of ['forwards', 'backwards'] as const) {
          await expect(store.readStream(streamId, { fromRevision, direction }), `${fromRevision} ${direction}`).rejects.toMatchObject(
            invalid('fromRevision'),
          );
        }
      }
    });

    it('refuses a direction other than forwards or backwards', async () => {
      const direction = 'sideways' as 'forwards';
      await expect(store.readStream(streamId, { direction })).rejects.toMatchObject(invalid('direction'));
    });

    it('reads past the end forwards as empty and backwards from the last event', async () => {
      expect(await store.readStream(streamId, { fromRevision: 3 })).toEqual([]);
      expect(ns(await store.readStream(streamId, { fromRevision: 99, direction: 'backwards' }))).toEqual([2, 1, 0]);
      expect(ns(await store.readStream(streamId, { fromRevision: 0, direction: 'backwards' }))).toEqual([0]);
    });
  });
}
