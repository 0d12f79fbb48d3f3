/**
 * Live updates instead of "refresh the page": `GET /client-list/events` is a Server-Sent Events
 * stream of the caller's firm's client-list changes (client-list-changes.ts). Each message's id is
 * the event's global position, which a reconnecting EventSource sends back as Last-Event-ID: the
 * stream resumes strictly after it, so nothing is missed or sent twice. Without one it starts at
 * the log's end (only new changes: the page has just loaded the list). The caller's credential is
 * checked again before each batch of messages and at each heartbeat: a removed staff user's or a
 * revoked token's stream ends there.
 */
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { StoreClosedError } from '../../src/core/errors.js';
import type { AppEnv, RouteContext } from './app.js';
import { allChangeKinds, changeFilter, changeFor } from './client-list-changes.js';
import { errorResponses, securityOf } from './openapi.js';
import { admit } from './operation.js';
import { HttpProblem } from './problem.js';
import { streamLife } from './stream-life.js';

export interface LiveUpdateOptions {
  /** A comment this often keeps proxies from closing a quiet stream (default 15 s). */
  heartbeatMs?: number;
  /** The reconnection delay the stream asks EventSource for (default 3 s). */
  retryMs?: number;
  /** Open streams one firm may hold in this process (default 20); beyond it, 429. */
  maxStreamsPerFirm?: number;
  /**
   * A stream ends after this long (default 15 min) and the browser reconnects where it left off.
   * (Its credential is checked again before each batch of messages and at each heartbeat anyway.)
   */
  maxStreamMs?: number;
}

const PATH = '/client-list/events';
const staffOnly = { audience: ['staff'] } as const;
/** How long a refused stream waits: someone's tab has to close first. */
const BUSY_RETRY_SECONDS = 30;
/** Buffering proxies (nginx) would hold the messages back. */
const unbuffered = { 'x-accel-buffering': 'no' } as const;

const tooManyStreams = () =>
  new HttpProblem('live_updates.too_many_streams', 'This firm has too many live update streams open; close one or try again later.', 429, {
    'retry-after': String(BUSY_RETRY_SECONDS),
  });

const stopping = (retryMs: number) =>
  new HttpProblem('live_updates.stopping', 'The service is stopping; reconnect in a moment.', 503, { 'retry-after': String(Math.ceil(retryMs / 1000)) });

/** Registers the live client-list stream and its OpenAPI description. */
export function registerLiveUpdates(ctx: RouteContext): void {
  const { app, portal } = ctx;
  const heartbeatMs = ctx.liveUpdates.heartbeatMs ?? 15_000;
  const retryMs = ctx.liveUpdates.retryMs ?? 3_000;
  const maxStreamMs = ctx.liveUpdates.maxStreamMs ?? 15 * 60_000;
  const open = openStreams(ctx.liveUpdates.maxStreamsPerFirm ?? 20);
  const ends = new Set<() => void>(); // of the streams open now, for the host's shutdown
  ctx.shutdown.addEventListener('abort', () => ends.forEach((end) => end()), { once: true });
  // The store itself, not the typed log: messages need only ids and the envelope, never encrypted,
  // so an open stream decrypts nothing (not even the other firms' events its filter lets through).
  const store = portal.log.store;

  app.get(PATH, async (c) => {
    const caller = await ctx.callerOf(c);
    admit(staffOnly, caller);
    const firmId = caller!.tenantId;
    const resumeAfter = resumePositionOf(c);
    if (ctx.shutdown.aborted) throw stopping(retryMs);
    // Nobody reads a HEAD's body, so a stream opened for one would never end: the headers alone.
    if (c.req.method === 'HEAD') {
      if (open.isFull(firmId)) throw tooManyStreams();
      return c.body(null, 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...unbuffered });
    }
    const after = resumeAfter ?? (await store.lastPosition()) ?? 0;
    if (!open.claim(firmId)) throw tooManyStreams();
    for (const [name, value] of Object.entries(unbuffered)) c.header(name, value);
    return streamSSE(c, async (stream) => {
      const life = streamLife(stream, c.req.raw.signal);
      ends.add(life.end);
      if (ctx.shutdown.aborted) life.end();
      const subscription = store.subscribe({ after, filter: changeFilter });
      let closing: Promise<void> | undefined;
      life.signal.addEventListener('abort', () => (closing ??= subscription.close()), { once: true });
      // A removed staff user's or a revoked token's stream ends at its next batch or heartbeat.
      const signedIn = oncePerTurn(() => ctx.stillAuthenticated(c));
      const stopped = (error: unknown) => {
        if (!(error instanceof StoreClosedError)) c.get('log').error({ err: error }, 'live updates stopped');
        life.end();
      };
      const beat = async () => {
        if (!(await signedIn())) return life.end();
        if (!life.writing) await life.send(() => stream.write(': heartbeat\n\n'));
      };
      const heartbeat = setInterval(() => void beat().catch(stopped), heartbeatMs);
      const renewal = setTimeout(life.end, maxStreamMs);
      try {
        if (!(await life.send(() => stream.write(`retry: ${retryMs}\n\n`)))) return;
        for await (const event of subscription) {
          const change = changeFor(firmId, event);
          if (!change) continue;
          if (!(await signedIn())) break;
          if (!(await life.send(() => stream.writeSSE({ id: String(change.position), event: change.kind, data: JSON.stringify(change) })))) break;
        }
      } catch (error) {
        stopped(error);
      } finally {
        clearInterval(heartbeat);
        clearTimeout(renewal);
        ends.delete(life.end);
        life.finish();
        await (closing ??= subscription.close());
        open.release(firmId);
      }
    });
  });

  documentLiveUpdates(ctx);
}

/**
 * Where to resume: Last-Event-ID (sent by a reconnecting EventSource), else `?after=` (for polyfills
 * that cannot send headers). The header wins: on reconnection the URL still holds the first `after`.
 */
function resumePositionOf(c: Context<AppEnv>): number | undefined {
  const header = c.req.header('last-event-id');
  const value = header ?? c.req.query('after');
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value)) {
    const name = header !== undefined ? 'Last-Event-ID' : 'after';
    throw new HttpProblem('request.bad_last_event_id', `${name} must be the id of a message of this stream (a position, e.g. 42).`, 400);
  }
  return Number(value);
}

/**
 * One answer of `check` for every message until the event loop turns: one check per batch of
 * messages that arrive together (a store's read gives the loop a turn between its stretches).
 */
function oncePerTurn(check: () => Promise<boolean>): () => Promise<boolean> {
  let answer: Promise<boolean> | undefined;
  return () => (answer ??= check().finally(() => setImmediate(() => (answer = undefined))));
}

/** Counts each firm's open streams, so one firm's tabs cannot hold every connection of the service. */
function openStreams(maxPerFirm: number) {
  const counts = new Map<string, number>();
  return {
    isFull: (firmId: string): boolean => (counts.get(firmId) ?? 0) >= maxPerFirm,
    claim(firmId: string): boolean {
      const count = counts.get(firmId) ?? 0;
      if (count >= maxPerFirm) return false;
      counts.set(firmId, count + 1);
      return true;
    },
    release(firmId: string): void {
      const count = (counts.get(firmId) ?? 1) - 1;
      if (count > 0) counts.set(firmId, count);
      else counts.delete(firmId);
    },
  };
}

const changeSchema = z.object({
  position: z.number().int().openapi({ description: "The event's global position; also the message's id" }),
  kind: z.enum(allChangeKinds as [string, ...string[]]),
  clientId: z.string(),
  contactId: z.string().optional().openapi({ description: 'The member concerned, for member, invitation and access changes' }),
  occurredAt: z.string(),
});

function documentLiveUpdates({ app }: RouteContext): void {
  app.openAPIRegistry.register('ClientListChange', changeSchema);
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: PATH,
    operationId: 'clientList.events',
    summary: "Live changes of the firm's client list (Server-Sent Events), resumable with Last-Event-ID",
    tags: ['clientList'],
    security: securityOf(staffOnly),
    request: {
      headers: z.object({
        'last-event-id': z.string().optional().openapi({ description: 'The id of the last message received: the stream resumes after it' }),
      }),
      query: z.object({
        after: z.string().optional().openapi({ description: 'As Last-Event-ID, for clients that cannot send headers (the header wins)' }),
      }),
    },
    responses: {
      200: {
        description:
          'A text/event-stream. Each message: `id` the position, `event` the kind, `data` a ClientListChange as JSON (ids only: fetch the row with GET /clients/{clientId}). Comments are heartbeats.',
        content: { 'text/event-stream': { schema: z.string() } },
      },
      400: errorResponses[400],
      401: errorResponses[401],
      403: errorResponses[403],
      429: errorResponses[429],
      503: errorResponses[503],
    },
  });
}
