import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aesGcmCipher } from '../../adapters/crypto/aes-gcm.js';
import { memoryEventStore } from '../../adapters/event-store/memory.js';
import { memoryKeyStore } from '../../adapters/keys/memory-key-store.js';
import { handleCommand, type CommandHandlerDeps } from '../../src/core/command-handler.js';
import type { Decider } from '../../src/core/decider.js';
import type { EventStore, ReadStreamOptions } from '../../src/core/event-store.js';
import { EventLog } from '../../src/core/event-log.js';
import { ERASED, type EventOf } from '../../src/core/events.js';
import type { KeyStore } from '../../src/core/ports.js';
import { clearingOnForget, StateCache } from '../../src/core/state-cache.js';
import { contactRegistered, counterDecider, counterIncremented, sampleRegistry } from '../support/sample-events.js';

const meta = { tenantId: 'firm-1', actor: { kind: 'staff' as const, userId: 'u-1' } };
const context = { ...meta, correlationId: 'c', causationId: 'c', occurredAt: '2026-01-15T09:00:00.000Z' };
const clock = { now: () => new Date('2026-01-15T09:00:00Z') };
const ids = { newId: () => randomUUID() };

type Counted = EventOf<typeof counterIncremented>;
/** Each command adds what the count is so far (at least 1): a decision that depends on the state. */
const doubling: Decider<'double', Counted, number> = {
  initialState: 0,
  decide: (_command, count) => [{ type: 'CounterIncremented', data: { by: Math.max(1, count) } }],
  evolve: (count, event) => count + event.data.by,
};

/** Records what every readStream asked for and how many events it returned. */
function countingReads(store: EventStore) {
  const reads: Array<{ from: number | undefined; rows: number }> = [];
  const counted: EventStore = {
    ...store,
    async readStream(streamId: string, options?: ReadStreamOptions) {
      const events = await store.readStream(streamId, options);
      reads.push({ from: options?.fromRevision, rows: events.length });
      return events;
    },
  };
  return { store: counted, reads };
}

function handlerDeps(store: EventStore, stateCache = new StateCache(), keys?: KeyStore): CommandHandlerDeps {
  const log = new EventLog({ store, registry: sampleRegistry(), ids, ...(keys && { keys, cipher: aesGcmCipher }) });
  return { log, clock, ids, stateCache };
}

describe('state cache in the command handler', () => {
  it('reads nothing before appending to a known stream: the expected revision checks the cached state', async () => {
    const inner = memoryEventStore();
    const setup = new EventLog({ store: inner, registry: sampleRegistry(), ids });
    for (let i = 0; i < 3; i++) await setup.append('s', [{ type: 'CounterIncremented', data: { by: 1 } }], 'any', context);
    const { store, reads } = countingReads(inner);
    const deps = handlerDeps(store);

    await handleCommand(deps, counterDecider, 's', { type: 'Increment' }, meta);
    await handleCommand(deps, counterDecider, 's', { type: 'Increment' }, meta);
    const last = await handleCommand(deps, counterDecider, 's', { type: 'Increment' }, meta);

    expect(reads).toEqual([{ from: undefined, rows: 3 }]);
    expect(last).toMatchObject({ state: 6, nextExpectedRevision: 5 });
  });

  it('decides on the stream as it is when another writer appended behind the cache', async () => {
    const inner = memoryEventStore();
    const other = handlerDeps(inner); // another process: its own cache, the same store
    let sneakIn = false;
    const { store, reads } = countingReads({
      ...inner,
      // The other writer appends between this handler's load and its append.
      async append(streamId, events, expected) {
        if (sneakIn) {
          sneakIn = false;
          await handleCommand(other, doubling, streamId, 'double', meta);
        }
        return inner.append(streamId, events, expected);
      },
    });
    const deps = handlerDeps(store);
    await handleCommand(deps, doubling, 's', 'double', meta); // 1, cached at revision 0

    sneakIn = true;
    const raced = await handleCommand(deps, doubling, 's', 'double', meta); // conflicts with the other's 1+1
    await handleCommand(other, doubling, 's', 'double', meta); // unseen by this handler's cache
    const last = await handleCommand(deps, doubling, 's', 'double', meta);

    expect(raced).toMatchObject({ state: 4, nextExpectedRevision: 2, events: [{ data: { by: 2 } }] });
    expect(last).toMatchObject({ state: 16, nextExpectedRevision: 4, events: [{ data: { by: 8 } }] });
    const all = await inner.readStream('s');
    expect(all.map((e) => (e.data as { by: number }).by)).toEqual([1, 1, 2, 4, 8]);
    // A known stream is not read before the append; after a conflict it reads on from the cached revision.
    expect(reads).toEqual([
      { from: undefined, rows: 0 },
      { from: 1, rows: 1 },
      { from: 3, rows: 1 },
    ]);
  });

  it('keeps a state per decider, so two deciders of one stream do not mix', async () => {
    const deps = handlerDeps(memoryEventStore());
    const counting: Decider<'double', Counted, number> = { ...doubling, evolve: (n) => n + 1 };
    await handleCommand(deps, doubling, 's', 'double', meta);
    await handleCommand(deps, doubling, 's', 'double', meta);
    const counted = await handleCommand(deps, counting, 's', 'double', meta);
    const doubled = await handleCommand(deps, doubling, 's', 'double', meta);
    expect(counted.state).toBe(3);
    expect(doubled.state).toBe(8);
  });

  it('holds at most maxEntries streams, dropping the least recently used', async () => {
    const { store, reads } = countingReads(memoryEventStore());
    const stateCache = new StateCache({ maxEntries: 2 });
    const deps = handlerDeps(store, stateCache);
    for (const stream of ['a', 'b', 'a', 'c', 'a', 'b']) await handleCommand(deps, counterDecider, stream, { type: 'Increment' }, meta);
    expect(stateCache.size).toBe(2);
    // 'a' is served from the cache; 'b' was least recently used when 'c' came in, so its last command folds it from the start.
    expect(reads.map((r) => r.from)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('freezes cached states, so a decision that mutates its state fails instead of corrupting the cache', async () => {
    type Tally = { seen: string[] };
    const mutating: Decider<string, EventOf<typeof counterIncremented>, Tally> = {
      initialState: { seen: [] },
      decide: (command, state) => {
        if (command === 'mutate') state.seen.push('oops');
        return [{ type: 'CounterIncremented', data: { by: 1 } }];
      },
      evolve: (state) => ({ seen: [...state.seen, 'counted'] }),
    };
    const deps = handlerDeps(memoryEventStore());
    await handleCommand(deps, mutating, 's', 'fine', meta);
    await expect(handleCommand(deps, mutating, 's', 'mutate', meta)).rejects.toBeInstanceOf(TypeError);
    const after = await handleCommand(deps, mutating, 's', 'fine', meta);
    expect(after.state).toEqual({ seen: ['counted', 'counted'] });
  });

  it('forgets every cached state when a data subject is forgotten, so no decrypted data outlives its key', async () => {
    type Names = string[];
    const names: Decider<'peek', EventOf<typeof contactRegistered>, Names> = {
      initialState: [],
      decide: () => [],
      evolve: (state, event) => [...state, event.data.name],
    };
    const stateCache = new StateCache();
    const keys = clearingOnForget(memoryKeyStore(aesGcmCipher), stateCache);
    const deps = handlerDeps(memoryEventStore(), stateCache, keys);
    const data = { contactId: 'ada', name: 'Ada Lovelace', emails: ['ada@example.com'] };
    await deps.log.append('contacts', [{ type: contactRegistered.type, data }], 'no_stream', context);
    expect((await handleCommand(deps, names, 'contacts', 'peek', meta)).state).toEqual(['Ada Lovelace']);

    await deps.log.forget('ada', context);

    expect(stateCache.size).toBe(0);
    expect((await handleCommand(deps, names, 'contacts', 'peek', meta)).state).toEqual([ERASED]);
  });
});

describe('StateCache', () => {
  it('does not keep a state loaded before the cache was cleared', () => {
    const cache = new StateCache();
    const decider = {};
    const generation = cache.generation;
    cache.clear();
    cache.set(decider, 's', { state: 'loaded before', revision: 0, position: 1 }, generation);
    expect(cache.get(decider, 's')).toBeUndefined();
  });

  it('does not go back to an earlier revision of a stream', () => {
    const cache = new StateCache();
    const decider = {};
    cache.set(decider, 's', { state: 'later', revision: 5, position: 6 }, cache.generation);
    cache.set(decider, 's', { state: 'earlier', revision: 4, position: 5 }, cache.generation);
    expect(cache.get(decider, 's')).toEqual({ state: 'later', revision: 5, position: 6 });
  });
});

describe('a decision on a cached state that appends nothing', () => {
  /** Opens once: a second open is a no-op, a close after a close is refused. */
  type Door = EventOf<typeof counterIncremented>;
  const door: Decider<'open' | 'close', Door, boolean> = {
    initialState: false,
    decide: (command, open) => {
      if (command === 'close' && !open) throw new Error('already closed');
      if (command === 'open' && open) return [];
      return [{ type: 'CounterIncremented', data: { by: command === 'open' ? 1 : -1 } }];
    },
    evolve: (_open, event) => event.data.by > 0,
  };

  it('is checked against the stream: a no-op or a refusal never comes from a state another writer changed', async () => {
    const store = memoryEventStore();
    const here = handlerDeps(store);
    const elsewhere = handlerDeps(store); // another process: its own cache, the same store
    await handleCommand(here, door, 'd', 'open', meta); // cached here as open
    await handleCommand(elsewhere, door, 'd', 'close', meta); // unseen by this cache
    const reopened = await handleCommand(here, door, 'd', 'open', meta);
    expect(reopened).toMatchObject({ events: [{ data: { by: 1 } }], nextExpectedRevision: 2, state: true });
    await handleCommand(elsewhere, door, 'd', 'close', meta);
    await expect(handleCommand(here, door, 'd', 'close', meta)).rejects.toThrow('already closed'); // cached closed now
    await handleCommand(elsewhere, door, 'd', 'open', meta); // unseen by this cache
    expect(await handleCommand(here, door, 'd', 'close', meta)).toMatchObject({ events: [{ data: { by: -1 } }], nextExpectedRevision: 5 });
    expect((await store.readStream('d')).map((e) => (e.data as { by: number }).by)).toEqual([1, -1, 1, -1, 1, -1]);
  });
});
