/**
 * Puts and deletes of the same content, coordinated within one process. A put that finds its
 * content already stored, and a delete of that content, must not interleave: the put would answer
 * "stored" for bytes the delete then removes. So the last step of a put (placing the bytes, or
 * finding them there) and the whole of a delete take turns per content hash, and a put may hold its
 * content (PutOptions.holdUntil) until its caller has recorded the reference. Another process using
 * the same storage is not seen: see the stores' own notes.
 */
import { BlobInUseError, type DeleteOptions } from '../../src/core/blob-store.js';

export interface ContentGuard {
  /** Places a put's content (in its turn) and starts the put's hold, if any. */
  place<T>(contentHash: string, holdUntil: Promise<unknown> | undefined, work: () => Promise<T>): Promise<T>;
  /** Deletes content in its turn: refused while held, skipped when `onlyIf` says no. */
  delete(contentHash: string, options: DeleteOptions | undefined, work: () => Promise<boolean>): Promise<boolean>;
}

export function contentGuard(): ContentGuard {
  /** Per content hash, the end of the last turn taken (removed once nobody waits behind it). */
  const turns = new Map<string, Promise<unknown>>();
  const holds = new Map<string, number>();

  async function inTurn<T>(contentHash: string, work: () => Promise<T>): Promise<T> {
    const before = turns.get(contentHash);
    const mine = (async () => {
      await before?.catch(() => undefined);
      return work();
    })();
    const settled = mine.catch(() => undefined);
    turns.set(contentHash, settled);
    try {
      return await mine;
    } finally {
      if (turns.get(contentHash) === settled) turns.delete(contentHash);
    }
  }

  function hold(contentHash: string, until: Promise<unknown>): void {
    holds.set(contentHash, (holds.get(contentHash) ?? 0) + 1);
    const release = () => {
      const left = holds.get(contentHash)! - 1;
      if (left === 0) holds.delete(contentHash);
      else holds.set(contentHash, left);
    };
    until.then(release, release);
  }

  return {
    place: (contentHash, holdUntil, work) =>
      inTurn(contentHash, async () => {
        const result = await work();
        if (holdUntil !== undefined) hold(contentHash, holdUntil);
        return result;
      }),
    delete: (contentHash, options, work) =>
      inTurn(contentHash, async () => {
        if (holds.has(contentHash)) throw new BlobInUseError();
        if (options?.onlyIf !== undefined && !(await options.onlyIf())) return false;
        return work();
      }),
  };
}
