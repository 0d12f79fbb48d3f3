/** At most `limit` failures within any `windowSeconds`. */
export interface WindowLimit {
  limit: number;
  windowSeconds: number;
}

interface Entry {
  /** Times of the latest failures, oldest first: never more than `limit`, older ones could not matter. */
  failures: number[];
  /** Times of attempts admitted whose outcome is not recorded yet. */
  pending: number[];
  touched: number;
}

/**
 * Failures per key over a sliding window, for one dimension of the login limiter (accounts, or IP
 * addresses). Attempts under way count as failures until their outcome is recorded, or for
 * `pendingMs` if it never is. At most `maxKeys` keys are tracked: the one touched longest ago goes first.
 */
export function slidingWindow({ limit, windowSeconds }: WindowLimit, maxKeys: number, pendingMs: number) {
  const windowMs = windowSeconds * 1000;
  // A Map iterates in insertion order; re-inserting on every touch keeps the least recent first.
  const entries = new Map<string, Entry>();

  /** The entry with what has aged out dropped, or undefined when nothing is left. */
  function current(key: string, now: number): Entry | undefined {
    const entry = entries.get(key);
    if (!entry) return undefined;
    entry.failures = entry.failures.filter((t) => t > now - windowMs);
    entry.pending = entry.pending.filter((t) => t > now - pendingMs);
    if (entry.failures.length > 0 || entry.pending.length > 0) return entry;
    entries.delete(key);
    return undefined;
  }

  function touch(key: string, entry: Entry, now: number): void {
    entries.delete(key);
    entry.touched = now;
    entries.set(key, entry);
    // Entries untouched for longer than anything in them can last hold nothing: drop them from the front.
    for (const [oldest, { touched }] of entries) {
      if (touched > now - Math.max(windowMs, pendingMs)) break;
      entries.delete(oldest);
    }
    for (const [oldest] of entries) {
      if (entries.size <= maxKeys) break;
      entries.delete(oldest);
    }
  }

  return {
    /** Milliseconds before the key may try again; 0 when it may now. */
    waitMs(key: string, now: number): number {
      const entry = current(key, now);
      const count = (entry?.failures.length ?? 0) + (entry?.pending.length ?? 0);
      if (!entry || count < limit) return 0;
      const freed = [...entry.failures.map((t) => t + windowMs), ...entry.pending.map((t) => t + pendingMs)].sort((a, b) => a - b);
      // Below the limit again once count - limit + 1 of them have aged out.
      return freed[count - limit]! - now;
    },

    admit(key: string, now: number): void {
      const entry = current(key, now) ?? { failures: [], pending: [], touched: now };
      entry.pending.push(now);
      touch(key, entry, now);
    },

    fail(key: string, now: number): void {
      const entry = current(key, now) ?? { failures: [], pending: [], touched: now };
      entry.pending.shift();
      entry.failures.push(now);
      if (entry.failures.length > limit) entry.failures.shift();
      touch(key, entry, now);
    },

    /** An attempt that ended without a failure: it no longer counts. */
    settle(key: string, now: number): void {
      const entry = current(key, now);
      if (!entry) return;
      entry.pending.shift();
      if (entry.failures.length === 0 && entry.pending.length === 0) entries.delete(key);
    },

    clear(key: string): void {
      entries.delete(key);
    },

    get size(): number {
      return entries.size;
    },
  };
}
