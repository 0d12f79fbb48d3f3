import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphFault } from './errors.js';

/** One request as the routes see it. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  url: URL;
  /** The simulator's origin, for absolute links (next/delta links, download and upload URLs). */
  base: string;
  /** Set by a 'mid-body' fault: the response is cut after half its body. */
  cutMidBody: boolean;
  /** Hold the answer this long after the route has done its work (a response lost on the way). */
  holdMs?: number;
  /** The route's name for the request log (e.g. 'delta', 'children'). */
  routeName: string;
}

export type Handler = (ex: Exchange, match: RegExpExecArray) => Promise<void> | void;

export interface Route {
  method: string;
  pattern: RegExp;
  name: string;
  handle: Handler;
}

export const route = (method: string, pattern: RegExp, name: string, handle: Handler): Route => ({ method, pattern, name, handle });

/** Answers a response, or half of it then a reset connection when a fault asked for that. */
export function send(ex: Exchange, status: number, headers: Record<string, string>, body: Buffer | string = ''): void {
  if (ex.holdMs !== undefined && ex.holdMs > 0) {
    const held = { ...ex, holdMs: 0 };
    setTimeout(() => {
      if (!ex.res.destroyed) send(held, status, headers, body);
    }, ex.holdMs);
    return;
  }
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  ex.res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
  if (ex.cutMidBody) {
    ex.res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => ex.res.socket?.destroy());
    return;
  }
  ex.res.end(bytes);
}

export function sendJson(ex: Exchange, status: number, json: unknown, headers: Record<string, string> = {}): void {
  send(ex, status, { 'content-type': 'application/json; charset=utf-8', ...headers }, JSON.stringify(json));
}

export function sendFault(ex: Exchange, fault: GraphFault): void {
  const error = {
    code: fault.code,
    message: fault.message,
    innerError: { date: new Date().toISOString(), 'request-id': crypto.randomUUID(), 'client-request-id': crypto.randomUUID() },
  };
  sendJson(ex, fault.status, { error }, fault.headers);
}

const MAX_BODY = 64 * 1024 * 1024;

export async function readBody(ex: Exchange): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ex.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new GraphFault(413, 'requestTooLarge', 'The request body is too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readJson(ex: Exchange): Promise<Record<string, unknown>> {
  const body = await readBody(ex);
  if (body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new GraphFault(400, 'invalidRequest', 'The request body is not a JSON object.');
}

export const header = (ex: Exchange, name: string): string | undefined => {
  const value = ex.req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};
