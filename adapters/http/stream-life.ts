/**
 * The life of one open Server-Sent Events stream. It ends when its client goes away or when the
 * route ends it (its longest life, the service stopping, its caller no longer signed in), even
 * while a write is waiting for a client that reads nothing: every write is raced against the end,
 * so the route's loop always gets to release what the stream holds (its slot, its subscription).
 */
import type { StreamingApi } from 'hono/utils/stream';

export interface StreamLife {
  /** Aborted once the stream is to end. */
  readonly signal: AbortSignal;
  /** Ends the stream (again: no effect). */
  end(): void;
  /** Writes, waiting at most until the end: false once the stream is ending. */
  send(write: () => Promise<unknown>): Promise<boolean>;
  /** Whether a write is still waiting for the client. */
  readonly writing: boolean;
  /** After the loop: a write still waiting is dropped and the response ends now, not when the client reads again. */
  finish(): void;
}

/** Watches an open stream for its end: its client going away, or `end()`. */
export function streamLife(stream: StreamingApi, request: AbortSignal): StreamLife {
  const ending = new AbortController();
  const end = () => ending.abort();
  const ended = new Promise<void>((resolve) => ending.signal.addEventListener('abort', () => resolve(), { once: true }));
  let waiting = 0;

  stream.onAbort(end); // the response's reader cancelled it: the client has gone
  request.addEventListener('abort', end, { once: true });
  if (request.aborted) end();

  return {
    signal: ending.signal,
    end,
    async send(write) {
      if (ending.signal.aborted) return false;
      waiting++;
      const written = write().finally(() => waiting--);
      await Promise.race([written, ended]);
      return !ending.signal.aborted;
    },
    get writing() {
      return waiting > 0;
    },
    finish() {
      end();
      request.removeEventListener('abort', end);
      // Cancelling the stream drops the waiting chunk whole: the client has every message before it.
      if (waiting > 0) stream.abort();
    },
  };
}
