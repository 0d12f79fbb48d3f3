import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/core/envelope.js';
import type { EventStore, SubscriptionMessage } from '../../src/core/event-store.js';
import { newEvent, type EventStoreFactory } from './event-store.contract.js';

/**
 * How filtered readers move on over what their filter skips, and how long reads share the event
 * loop. Stream names carry a per-test prefix, as in the main contract.
 */
export function subscriptionContract(name: string, factory: EventStoreFactory): void {
  describe(`Subscription contract: ${name}`, () => {
    let store: EventStore;
    let prefix: string;
    const stream = (s: string) => `${prefix}${s}`;
    const rare = () => ({ streamPrefixes: [prefix], eventTypePrefixes: ['Rare'] });

    beforeEach(async () => {
      store = await factory();
      prefix = `s${randomUUID().slice(0, 8)}_`;
    });
    afterEach(async () => {
      await store.close();
    });

    /** Appends `count` events the rare filter skips, in batches; returns their positions. */
    async function appendCommon(count: number, perAppend = 10): Promise<number[]> {
      const positions: number[] = [];
      for (let i = 0; i < count; i += perAppend) {
        const events = Array.from({ length: Math.min(perAppend, count - i) }, () => newEvent('Common'));
        await store.append(stream(`c${i % 7}`), events, 'any');
        const read = await store.readStream(stream(`c${i % 7}`), { direction: 'backwards', maxCount: events.length });
        positions.push(...read.map((e) => e.position).reverse());
      }
      return positions;
    }

    /** Reads messages until one satisfies `done`; everything seen is returned. */
    async function messagesUntil(messages: AsyncIterable<SubscriptionMessage>, done: (m: SubscriptionMessage) => boolean) {
      const seen: SubscriptionMessage[] = [];
      for await (const message of messages) {
        seen.push(message);
        if (done(message)) break;
      }
      return seen;
    }

    const events = (seen: SubscriptionMessage[]) => seen.filter((m): m is RecordedEvent => !('checkpoint' in m));
    const checkpoints = (seen: SubscriptionMessage[]) => seen.flatMap((m) => ('checkpoint' in m ? [m.checkpoint] : []));

    it('reports checkpoints past the events its filter skipped while catching up', async () => {
      const rareEvent = newEvent('RareThing');
      await store.append(stream('r'), [rareEvent], 'any');
      const skipped = await appendCommon(150);
      const subscription = store.subscribe({ filter: rare() });
      // At least half of the skipped stretch is covered by a checkpoint (EventStoreDB reports one
      // per 32 events it examined; the embedded stores reach the head of the log).
      const seen = await messagesUntil(subscription.withCheckpoints(), (m) => 'checkpoint' in m && m.checkpoint >= skipped[75]!);
      await subscription.close();
      expect(events(seen).map((e) => e.id)).toEqual([rareEvent.id]);
      const marks = checkpoints(seen);
      expect(marks).toEqual([...marks].sort((a, b) => a - b));
      expect(marks.every((p) => p <= skipped[skipped.length - 1]!)).toBe(true);
    });

    it('reports checkpoints past skipped events that arrive live, and still delivers what matches', async () => {
      const subscription = store.subscribe({ filter: rare() });
      const seen: SubscriptionMessage[] = [];
      const reading = messagesUntil(subscription.withCheckpoints(), (m) => (seen.push(m), !('checkpoint' in m) && m.type === 'RareLast'));
      await new Promise((resolve) => setTimeout(resolve, 30)); // live by now
      const skipped = await appendCommon(150, 1);
      await until(() => checkpoints(seen).some((p) => p >= skipped[75]!));
      const last = newEvent('RareLast');
      await store.append(stream('r'), [last], 'any');
      await reading;
      await subscription.close();
      expect(events(seen).map((e) => e.id)).toEqual([last.id]);
      expect(checkpoints(seen).every((p) => p < (seen[seen.length - 1] as RecordedEvent).position)).toBe(true);
    });

    it('resumes after a checkpoint without delivering anything it already passed', async () => {
      await appendCommon(100);
      const first = store.subscribe({ filter: rare() });
      const seen = await messagesUntil(first.withCheckpoints(), (m) => 'checkpoint' in m);
      await first.close();
      const after = checkpoints(seen)[0]!;
      const later = newEvent('RareLater');
      await store.append(stream('r'), [later], 'any');
      const resumed = store.subscribe({ after, filter: rare() });
      const [next] = events(await messagesUntil(resumed.withCheckpoints(), (m) => !('checkpoint' in m)));
      await resumed.close();
      expect(next!.id).toBe(later.id);
    });

    it('tells readAll readers how far a filtered read got', async () => {
      const rareEvent = newEvent('RareThing');
      await store.append(stream('r'), [rareEvent], 'any');
      const skipped = await appendCommon(60);
      const reached: number[] = [];
      const read: string[] = [];
      for await (const event of store.readAll({ filter: rare(), onCheckpoint: (p) => reached.push(p) })) read.push(event.id);
      expect(read).toEqual([rareEvent.id]);
      // The read went through the log's end, so the last checkpoint is at or past the last skipped event.
      expect(Math.max(...reached)).toBeGreaterThanOrEqual(skipped[skipped.length - 1]!);
    });

    it('yields to the event loop while reading a large log', async () => {
      for (let i = 0; i < 20; i++) {
        await store.append(stream(`big${i % 4}`), Array.from({ length: 1000 }, () => newEvent('Common', { i })), 'any');
      }
      const lag = await maxEventLoopGap(async () => {
        let count = 0;
        for await (const _ of store.readAll({ filter: { streamPrefixes: [prefix] } })) count++;
        expect(count).toBe(20_000);
      });
      // Timers ran all along the read, however slow or busy the machine (a read that never yields
      // lets none run before it ends).
      expect(lag.ticks).toBeGreaterThanOrEqual(10);
      expect(lag.maxGap).toBeLessThan(lag.total / 2);
    }, 60_000);

    it('yields to the event loop while a subscription catches up', async () => {
      for (let i = 0; i < 20; i++) {
        await store.append(stream(`big${i % 4}`), Array.from({ length: 1000 }, () => newEvent('Common', { i })), 'any');
      }
      const subscription = store.subscribe({ filter: { streamPrefixes: [prefix] } });
      const lag = await maxEventLoopGap(async () => {
        let count = 0;
        for await (const _ of subscription) if (++count === 20_000) break;
      });
      await subscription.close();
      expect(lag.ticks).toBeGreaterThanOrEqual(10);
      expect(lag.maxGap).toBeLessThan(lag.total / 2);
    }, 60_000);
  });
}

/** Resolves once `condition` holds (the test's timeout bounds the wait). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Runs `work` while a 1 ms timer ticks; returns the ticks, the longest time between them and the total. */
async function maxEventLoopGap(work: () => Promise<void>): Promise<{ ticks: number; maxGap: number; total: number }> {
  const start = performance.now();
  let last = start;
  let maxGap = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
  }, 1);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  const end = performance.now();
  return { ticks, maxGap: Math.max(maxGap, end - last), total: end - start };
}
