import type { KeyStore } from './ports.js';

/** A stream's state folded up to and including `revision`, the event at global `position`. */
export interface CachedState<State> {
  state: State;
  revision: number;
  position: number;
}

export interface StateCacheOptions {
  /** Streams kept, across all deciders; the least recently used goes first (default 10,000). */
  maxEntries?: number;
}

/**
 * Folded state per stream, so a command on a known stream reads only the events after the cached
 * revision and folds only those. Entries are keyed by decider and stream (deciders of one stream
 * fold different states). A cache belongs to one event store: its revisions are that store's.
 *
 * Stale entries cannot cause a wrong write: the append still expects the revision the state was
 * folded at, so a writer the cache did not see turns into a conflict, and the retry reads on.
 * Cached states are deeply frozen, so a decide or evolve that mutates its state fails loudly
 * instead of corrupting what the next command starts from.
 */
export class StateCache {
  private readonly entries = new Map<string, CachedState<unknown>>();
  private readonly deciderIds = new WeakMap<object, number>();
  private readonly maxEntries: number;
  private nextDeciderId = 0;
  private generation_ = 0;

  constructor(options: StateCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /** Changes on every `clear`; a state loaded before a clear must not be cached after it. */
  get generation(): number {
    return this.generation_;
  }

  get size(): number {
    return this.entries.size;
  }

  get<State>(decider: object, streamId: string): CachedState<State> | undefined {
    const key = this.key(decider, streamId);
    const entry = this.entries.get(key);
    if (entry) {
      // Map keeps insertion order: re-inserting marks the entry as the most recently used.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry as CachedState<State> | undefined;
  }

  /**
   * Keeps `entry` unless the cache was cleared since `generation` was read (the state may hold
   * data forgotten since) or already holds a later revision of the stream.
   */
  set<State>(decider: object, streamId: string, entry: CachedState<State>, generation: number): void {
    if (generation !== this.generation_) return;
    const key = this.key(decider, streamId);
    const current = this.entries.get(key);
    if (current && current.revision > entry.revision) return;
    deepFreeze(entry.state);
    this.entries.delete(key);
    this.entries.set(key, { state: entry.state, revision: entry.revision, position: entry.position });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(decider: object, streamId: string): void {
    this.entries.delete(this.key(decider, streamId));
  }

  /** Drops every entry, including states being loaded right now (see `generation`). */
  clear(): void {
    this.entries.clear();
    this.generation_++;
  }

  private key(decider: object, streamId: string): string {
    let id = this.deciderIds.get(decider);
    if (id === undefined) this.deciderIds.set(decider, (id = this.nextDeciderId++));
    return `${id}:${streamId}`;
  }
}

/**
 * A key store that clears `cache` whenever a subject is forgotten: folded states hold decrypted
 * personal data, and none of it may outlive the key. Forgetting is rare, so dropping every entry
 * costs little. The cache is cleared before and after the deletion, so a state loaded while the
 * key still existed is never cached (see StateCache.generation).
 */
export function clearingOnForget(keys: KeyStore, cache: StateCache): KeyStore {
  return {
    get: (subjectId) => keys.get(subjectId),
    getOrCreate: (subjectId) => keys.getOrCreate(subjectId),
    isForgotten: (subjectId) => keys.isForgotten(subjectId),
    async delete(subjectId) {
      cache.clear();
      try {
        await keys.delete(subjectId);
      } finally {
        cache.clear();
      }
    },
  };
}

// The walk stops at objects already frozen, taking them as frozen all the way down (this function
// freezes children first, and the domain freezes nothing of its own): evolve shares the unchanged
// parts of the previous state, so only what a new event added is visited.
function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  for (const child of Object.values(value)) deepFreeze(child);
  Object.freeze(value);
}
