/** The live client list over a real socket, as a browser's EventSource would read it. */
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, onTestFinished, vi } from 'vitest';
import type { HttpParts } from '../../../adapters/http/app.js';
import { changeFilter, changeFor, type ClientListChange } from '../../../adapters/http/client-list-changes.js';
import type { LiveUpdateOptions } from '../../../adapters/http/live-updates.js';
import type { Subscription } from '../../../src/core/event-store.js';
import { PASSWORD, testHttp } from './support.js';

export type TestHttp = ReturnType<typeof testHttp>;
type Firm = Awaited<ReturnType<TestHttp['givenFirm']>>;
type Answer = ReturnType<TestHttp['call']>;

/** The HTTP app served on a real socket, with helpers that drive a firm's client list through it. */
export interface LiveServer {
  http: TestHttp;
  base: string;
  /** Opens the stream; the answer is back once its headers are (the start position is fixed by then). */
  open(options?: { token?: string; headers?: Record<string, string>; query?: string }): Promise<OpenStream>;
  givenClient(firm: Firm): Promise<{ clientId: string; contactId: string; email: string }>;
  invite(firm: Firm, clientId: string): Answer;
  accept(contactId: string): Answer;
  logIn(firm: Firm, email: string): Answer;
  rename(firm: Firm, clientId: string, name: string): Answer;
  /** What the firm's stream should carry after `after`, straight from the log. */
  changesInLog(firmId: string, after?: number): Promise<ClientListChange[]>;
}

export async function liveServer(liveUpdates: LiveUpdateOptions = {}, parts: Partial<HttpParts> = {}): Promise<LiveServer> {
  const http = testHttp({ parts: { liveUpdates, ...parts } });
  const server = serve({ fetch: http.app.fetch, hostname: '127.0.0.1', port: 0 }) as Server;
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  await new Promise((resolve) => (server.listening ? resolve(undefined) : server.once('listening', resolve)));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function open(options: { token?: string; headers?: Record<string, string>; query?: string } = {}): Promise<OpenStream> {
    const controller = new AbortController();
    const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const response = await fetch(`${base}/client-list/events${options.query ?? ''}`, { headers, signal: controller.signal });
    return { response, ...sseReader(response), close: () => controller.abort() };
  }

  async function givenClient(firm: Firm) {
    const email = `ann.${Math.random().toString(36).slice(2, 8)}@smith.example`;
    const created = await http.call('POST', '/clients', { token: firm.token, body: { kind: 'individual', owners: [{ name: 'Ann Smith', emails: [email] }] } });
    expect(created.status).toBe(201);
    return { clientId: created.body.clientId as string, contactId: created.body.ownerIds[0] as string, email };
  }

  const invite = (firm: Firm, clientId: string) => http.call('POST', `/clients/${clientId}/invitations`, { token: firm.token, body: {} });
  const accept = async (contactId: string) =>
    http.call('POST', '/invitations/accept', { body: { contactId, token: (await http.outbox.lastTo(contactId))!.token, password: PASSWORD } });
  const logIn = (firm: Firm, email: string) => http.call('POST', `/firms/${firm.firmId}/login`, { body: { loginEmail: email, password: PASSWORD } });
  const rename = (firm: Firm, clientId: string, name: string) => http.call('PUT', `/clients/${clientId}/name`, { token: firm.token, body: { name } });

  async function changesInLog(firmId: string, after = 0): Promise<ClientListChange[]> {
    const out: ClientListChange[] = [];
    for await (const event of http.store.readAll({ after })) {
      const change = changeFor(firmId, event);
      if (change) out.push(change);
    }
    return out;
  }

  return { http, base, open, givenClient, invite, accept, logIn, rename, changesInLog };
}

/** An open stream as the browser sees it. */
export interface OpenStream extends SseReader {
  response: Response;
  close(): void;
}

export interface Message {
  id?: string;
  event?: string;
  data: string;
}

export type SseReader = ReturnType<typeof sseReader>;

/** A small Server-Sent Events parser over a fetch response: messages, with comments and retry noted. */
export function sseReader(response: Response) {
  // Taken at the first read, so that a refusal's body can still be read as JSON.
  let taken: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const reader = () => (taken ??= response.body!.getReader());
  const decoder = new TextDecoder();
  let buffer = '';
  const comments: string[] = [];
  const retries: number[] = [];

  async function block(): Promise<string | null> {
    for (;;) {
      const at = buffer.indexOf('\n\n');
      if (at >= 0) {
        const text = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        return text;
      }
      const read = await reader().read().catch(() => ({ done: true as const, value: undefined }));
      if (read.done) return null;
      buffer += decoder.decode(read.value, { stream: true });
    }
  }

  /** The next message with data, or null once the stream has ended. */
  async function next(): Promise<Message | null> {
    for (;;) {
      const text = await block();
      if (text === null) return null;
      const message: Message = { data: '' };
      const data: string[] = [];
      for (const line of text.split('\n')) {
        if (line.startsWith(':')) {
          comments.push(line.slice(1).trim());
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') data.push(value);
        else if (field === 'id') message.id = value;
        else if (field === 'event') message.event = value;
        else if (field === 'retry') retries.push(Number(value));
      }
      if (data.length > 0) return { ...message, data: data.join('\n') };
    }
  }

  /** Messages up to and including the first of `kind`. */
  async function until(kind: string): Promise<Message[]> {
    const read: Message[] = [];
    for (;;) {
      const message = await next();
      if (message === null) throw new Error(`the stream ended before ${kind}; read ${read.map((m) => m.event).join(', ')}`);
      read.push(message);
      if (message.event === kind) return read;
    }
  }

  return { next, until, comments, retries };
}

export const changeOf = (message: Message) => JSON.parse(message.data) as ClientListChange;

/** The stream subscriptions open on the store (the read models' own are not counted). */
export function countSubscriptions(http: TestHttp) {
  const store = http.portal.log.store;
  const subscribe = store.subscribe.bind(store);
  const open = new Set<Subscription>();
  vi.spyOn(store, 'subscribe').mockImplementation((options) => {
    const subscription = subscribe(options);
    if (options?.filter !== changeFilter) return subscription;
    open.add(subscription);
    return {
      [Symbol.asyncIterator]: () => subscription[Symbol.asyncIterator](),
      withCheckpoints: () => subscription.withCheckpoints(),
      close: async () => {
        open.delete(subscription);
        await subscription.close();
      },
    };
  });
  return open;
}
