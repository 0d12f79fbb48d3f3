/**
 * The standalone service `npm start` runs: the portal on the embedded SQLite store (or EventStoreDB),
 * documents and logos each in their own blob folder, mail as .eml files, the Hono app served by
 * @hono/node-server. On the first start it prints the operator token (once: only its hash is kept).
 * `close()` ends the live update streams, stops accepting, lets requests in flight finish (a bounded
 * grace for downloads and uploads), then closes the store.
 */
import { serve, type ServerType } from '@hono/node-server';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { fsBlobStore } from '../blobs/fs-blob-store.js';
import { openEmbeddedPortal } from '../embedded.js';
import { emlFolderMailer } from '../mail/eml-folder-mailer.js';
import { parseSender } from '../mail/nodemailer-message.js';
import { smtpMailer } from '../mail/smtp-mailer.js';
import { createNodeSecrets } from '../system/secrets.js';
import { tokenKeyFile } from '../system/token-key.js';
import { createHttpApp } from './app.js';
import type { Config } from './config.js';
import { sqliteCredentials } from './credentials/sqlite-credentials.js';
import { seedDemo, shiftableClock } from './demo.js';
import { openServiceOneDrive } from './onedrive-service.js';
import { createLogger } from './logger.js';

export interface RunningService {
  url: string;
  /** Resolves once every email the log asks for so far was handed to the mailer (or recorded as refused). */
  mailSettled(): Promise<void>;
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** Where the start-up lines go (default stdout): tokens printed once, the docs URL. */
  print?: (line: string) => void;
  logDestination?: DestinationStream;
  /** How long close() waits for requests in flight before cutting connections (default 10 s). */
  graceMs?: number;
  /** The service's clock (default: the system's, shiftable by the demo); tests move it to expire links. */
  clock?: ReturnType<typeof shiftableClock>;
}

export async function startService(config: Config, options: ServiceOptions = {}): Promise<RunningService> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const logger = createLogger({ level: config.logLevel, ...(options.logDestination ? { destination: options.logDestination } : {}) });
  const outbox = join(config.dataDir, 'outbox');
  mkdirSync(config.dataDir, { recursive: true });
  const secrets = createNodeSecrets({ tokenKey: config.tokenKey ?? tokenKeyFile(join(config.dataDir, 'token.key'))! });
  const mailer = config.smtpUrl
    ? smtpMailer({ url: config.smtpUrl, from: config.mailFrom, logger: logger.child({ component: 'smtp' }) })
    : emlFolderMailer({ dir: outbox, from: config.mailFrom });
  const clock = options.clock ?? shiftableClock();
  const blobs = fsBlobStore({ dir: join(config.dataDir, 'blobs') });
  // Apart from documents' blobs, which forgetting a client deletes.
  const logos = fsBlobStore({ dir: join(config.dataDir, 'logos') });
  const oneDrive = await openServiceOneDrive(config);
  const embedded = openEmbeddedPortal({
    ...(oneDrive ? { folderResolver: oneDrive.resolver } : {}),
    dataDir: config.dataDir,
    ...(config.eventStoreUrl ? { eventStoreUrl: config.eventStoreUrl } : {}),
    secrets,
    clock,
    blobs,
    mail: {
      mailer,
      publicUrl: config.publicUrl,
      messageDomain: parseSender(config.mailFrom).address.split('@').at(-1)!,
      log: logger.child({ component: 'mail' }),
    },
  });
  const credentials = sqliteCredentials(embedded.db);
  const oneDriveParts = oneDrive?.attach(embedded, blobs, logger);
  const stopping = new AbortController();
  const app = createHttpApp({
    portal: embedded.portal,
    credentials,
    blobs,
    logos,
    logger,
    clock,
    secureCookies: config.secureCookies,
    shutdown: stopping.signal,
    ...(oneDriveParts ? { oneDrive: oneDriveParts } : {}),
  });

  const operator = await credentials.ensureOperatorToken(config.bootstrapToken);
  const demo = config.demo ? await seedDemo({ portal: embedded.portal, credentials, blobs, clock, secrets }) : null;
  const server = await listen(app.fetch, config);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url, dataDir: config.dataDir, store: config.eventStoreUrl ? 'eventstoredb' : 'sqlite' }, 'listening');

  print(`Client portal listening on ${url}`);
  print(`  API docs:    ${url}/docs   (OpenAPI 3.1: ${url}/openapi.json)`);
  print(`  Data:        ${config.dataDir}`);
  print(config.smtpUrl ? `  Mail:        sent over SMTP as ${config.mailFrom}` : `  Mail:        written as .eml files to ${outbox} (open them in a mail program; set SMTP_URL to send)`);
  if (operator.token) {
    print('');
    print(`Platform operator token (shown once; only its hash is kept): ${operator.token}`);
    print('Open a firm:');
    print(
      `  curl -s -X POST ${url}/firms -H 'Authorization: Bearer ${operator.token}' -H 'Content-Type: application/json' ` +
        `-d '{"name":"Harbour Accountants","partnerAdmin":{"name":"Pat Partner","email":"pat@harbour.example"}}'`,
    );
  }
  if (demo) for (const line of demo.lines(url)) print(line);
  if (demo && oneDrive) for (const line of await oneDrive.seedDemo(embedded, demo.pat)) print(line);
  else if (oneDriveParts) print(`  OneDrive:    connect with POST ${url}/onedrive/connect (a partner admin), Microsoft returns to ${config.oneDrive!.redirectUri}`);

  let closing: Promise<void> | undefined;
  return {
    url,
    mailSettled: () => embedded.mail!.settled(),
    close: () =>
      (closing ??= (async () => {
        stopping.abort(); // live streams end now: they resume on reconnection, so they need no grace
        await stopServer(server, options.graceMs ?? 10_000);
        await oneDrive?.close();
        await credentials.close();
        await embedded.close();
        logger.info('stopped');
      })()),
  };
}

function listen(fetch: Parameters<typeof serve>[0]['fetch'], config: Config): Promise<ServerType & { address(): AddressInfo | string | null }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: config.port, hostname: config.host }, () => resolve(server as never));
    server.once('error', reject);
  });
}

/**
 * Stops accepting, ends keep-alive connections as they fall idle (a response finishing during the
 * grace leaves its connection open for the next request otherwise), and cuts what is still open
 * after the grace.
 */
function stopServer(server: ServerType, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const http = server as import('node:http').Server;
    const timer = setTimeout(() => http.closeAllConnections?.(), graceMs);
    const idle = setInterval(() => http.closeIdleConnections?.(), 50);
    http.close(() => {
      clearTimeout(timer);
      clearInterval(idle);
      resolve();
    });
    http.closeIdleConnections?.();
  });
}
