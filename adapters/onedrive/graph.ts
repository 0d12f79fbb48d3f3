/**
 * Microsoft Graph for one firm's OneDrive, through @microsoft/microsoft-graph-client: our own bearer
 * middleware (the built-in one sends nothing over plain http, so the simulator would get no token),
 * links made relative before `.api()` (the client takes only https links as absolute), and
 * pre-authenticated download and upload URLs fetched with plain fetch, never with the bearer token.
 */
import {
  Client,
  GraphClientError,
  GraphError,
  HTTPMessageHandler,
  RetryHandler,
  RetryHandlerOptions,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import type { GraphFault } from '../../src/sync/faults.js';
import { NeedsReconnectError, type OneDriveConnector } from './connector.js';

export const GRAPH_URL = 'https://graph.microsoft.com/';

export interface GraphOptions {
  connector: Pick<OneDriveConnector, 'accessToken'>;
  /** Graph's origin (`https://graph.microsoft.com/`, or the simulator's). */
  baseUrl?: string;
  /** Retries of 429/503/504 by the client's RetryHandler for one-off calls (the sync decides its own). */
  retries?: number;
}

type Chained = Middleware & { setNext(next: Middleware): void };

function bearer(token: (context: Context) => Promise<string>): Chained {
  let next: Middleware | undefined;
  return {
    async execute(context: Context) {
      let accessToken: string;
      try {
        accessToken = await token(context);
      } catch (error) {
        throw tokenFailure(error);
      }
      const headers = new Headers(context.options?.headers as ConstructorParameters<typeof Headers>[0]);
      headers.set('Authorization', `Bearer ${accessToken}`);
      context.options = { ...context.options, headers: Object.fromEntries(headers) };
      await next!.execute(context);
    },
    setNext: (middleware) => void (next = middleware),
  };
}

/**
 * The Graph client rewraps whatever its middleware chain throws as a GraphError (statusCode -1)
 * that keeps only the message, except a GraphClientError, which it passes through: so a failure
 * to get a token travels as one, with the connector's error as its customError.
 */
function tokenFailure(error: unknown): GraphClientError {
  const wrapped = new GraphClientError(error instanceof Error ? error.message : String(error));
  wrapped.customError = error;
  return wrapped;
}

/** The connector's NeedsReconnectError behind a failed Graph request (or the error itself), else null. */
export function reconnectNeeded(error: unknown): NeedsReconnectError | null {
  if (error instanceof NeedsReconnectError) return error;
  if (error instanceof GraphClientError && error.customError instanceof NeedsReconnectError) return error.customError;
  return null;
}

/** A Graph client authenticating with `token()`. */
export function graphClient(baseUrl: string, token: () => Promise<string>, retries: number): Client {
  const auth = bearer(token);
  const retry = new RetryHandler(new RetryHandlerOptions(1, retries));
  auth.setNext(retry);
  retry.setNext(new HTTPMessageHandler());
  return Client.initWithMiddleware({ middleware: auth, baseUrl: baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`, defaultVersion: 'v1.0' });
}

/** Graph for the firms of this process: one client per firm, tokens from the connector. */
export class OneDriveGraph {
  readonly baseUrl: string;
  private readonly clients = new Map<string, { client: Client; refresh: boolean }>();

  constructor(private readonly options: GraphOptions) {
    this.baseUrl = options.baseUrl ?? GRAPH_URL;
  }

  /** The firm's client; `refreshToken()` makes its next request use a freshly refreshed token. */
  forFirm(firmId: string): { client: Client; refreshToken(): void } {
    let entry = this.clients.get(firmId);
    if (!entry) {
      const made: { client: Client; refresh: boolean } = { client: undefined as never, refresh: false };
      made.client = graphClient(
        this.baseUrl,
        async () => {
          const force = made.refresh;
          made.refresh = false;
          return this.options.connector.accessToken(firmId, force);
        },
        this.options.retries ?? 2,
      );
      this.clients.set(firmId, (entry = made));
    }
    const found = entry;
    return { client: found.client, refreshToken: () => void (found.refresh = true) };
  }

  /** A client for a token in hand (the login callback, before the firm's cache is kept). */
  withToken(accessToken: string): Client {
    return graphClient(this.baseUrl, async () => accessToken, this.options.retries ?? 2);
  }

  /** GET a path or one of Graph's own links (next, delta), without the client's retries. */
  async getOnce(firmId: string, pathOrLink: string): Promise<unknown> {
    return this.forFirm(firmId).client.api(this.relative(pathOrLink)).middlewareOptions([new RetryHandlerOptions(0, 0)]).get();
  }

  /** Graph's absolute links as paths the client takes (`/drives/…?token=…`); https Graph links pass as they are. */
  relative(link: string): string {
    const base = this.baseUrl.replace(/\/+$/, '');
    if (!link.startsWith(base)) return link;
    return link.slice(base.length).replace(/^\/v1\.0(?=\/)/, '');
  }
}

/** Retry-After in seconds (a delay; an HTTP date is ignored), undefined when absent or unreadable. */
function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** What a failed Graph request means to the sync (faults.ts decides what to do about it). */
export function faultOf(error: unknown, onDelta: boolean): GraphFault {
  if (reconnectNeeded(error) !== null) return { kind: 'unauthorized' };
  // A 2xx whose body could not be read (the connection cut mid-page) falls through: the same request again.
  if (error instanceof GraphError && error.statusCode > 0 && (error.statusCode < 200 || error.statusCode > 299)) {
    const status = error.statusCode;
    if ([429, 500, 502, 503, 504, 509].includes(status)) {
      const retryAfter = retryAfterSeconds(error.headers?.get('retry-after') ?? null);
      return { kind: 'throttled', status, ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}) };
    }
    if (status === 410) {
      const location = error.headers?.get('location');
      return { kind: 'resync', ...(location ? { location } : {}) };
    }
    if (onDelta && (status === 400 || status === 501)) return { kind: 'delta-refused', status };
    if (status === 401) return { kind: 'unauthorized' };
    if (status === 507) return { kind: 'quota' };
    return { kind: 'other', status, message: `OneDrive answered ${status} (${error.code ?? 'error'}): ${error.message}` };
  }
  // A reset connection, a cut body, a timeout: the same request again.
  return { kind: 'connection' };
}
