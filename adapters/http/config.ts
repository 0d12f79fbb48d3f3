import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseTokenKey } from '../system/token-key.js';
import { logLevels, type LogLevel } from './logger.js';

/** What `npm start` runs with, read once from the environment and the command line. */
export interface Config {
  port: number;
  host: string;
  /** The SQLite file, blobs and the mail outbox live here. */
  dataDir: string;
  /** Where users reach the portal, for links in emails; no trailing slash. */
  publicUrl: string;
  /** Keep the events in EventStoreDB instead of the SQLite file. */
  eventStoreUrl: string | undefined;
  /** Mail goes out over SMTP (pooled, STARTTLS when offered); without it, as .eml files into the data folder's outbox. */
  smtpUrl: string | undefined;
  /** The sender of every email: an address, or `Name <address>`; each email shows the firm's name. */
  mailFrom: string;
  /** The key invitation links are derived with (base64, 32+ bytes); default: `token.key` in the data folder. */
  tokenKey: Buffer | undefined;
  /** Lets the platform operator in (to open firms). */
  bootstrapToken: string | undefined;
  logLevel: LogLevel;
  /** Session cookies only over HTTPS: true when the public URL is https, unless PORTAL_SECURE_COOKIES says otherwise. */
  secureCookies: boolean;
  /** Start with sample data to look around. */
  demo: boolean;
  /** The OneDrive Personal sync, when an app registration is configured (ONEDRIVE_CLIENT_ID …). */
  oneDrive: OneDriveConfig | undefined;
}

export interface OneDriveConfig {
  clientId: string;
  clientSecret: string;
  /** Where Microsoft sends the browser back (default: the public URL + /onedrive/callback). */
  redirectUri: string;
  /** Seals each firm's token cache (AES-256-GCM). */
  cacheKey: Buffer;
  pollSeconds: number;
  concurrency: number;
  /** Graph and the Microsoft login reached at a Graph simulator on loopback instead (tests, trials). */
  simulatorUrl?: string;
}

/** A variable or flag that cannot be used: the message is one line naming it and what is wrong. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Variables whose values are never repeated in a message: they may hold passwords or tokens. */
const secretVariables = new Set(['EVENTSTORE_URL', 'SMTP_URL', 'PORTAL_BOOTSTRAP_TOKEN', 'PORTAL_TOKEN_KEY', 'ONEDRIVE_CLIENT_SECRET', 'ONEDRIVE_CACHE_KEY']);

const MIN_TOKEN_LENGTH = 32;

const hostname = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function parsedUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

const port = z
  .string()
  .regex(/^\d{1,5}$/, 'must be a port number from 0 to 65535')
  .transform(Number)
  .refine((n) => n <= 65535, 'must be a port number from 0 to 65535');

// A name whose last label is all digits can only be meant as an IPv4 address (999.1.1.1 is not one).
const isHostName = (h: string) => hostname.test(h) && !/(^|\.)\d+$/.test(h);
const host = z.string().refine((h) => isHostName(h) || isIP(h) !== 0, 'must be a host name or an IP address to listen on, e.g. 127.0.0.1 or 0.0.0.0');

const publicUrl = z
  .string()
  .refine((u) => {
    const url = parsedUrl(u);
    return url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '' && url.search === '' && url.hash === '';
  }, 'must be an http:// or https:// URL without credentials, query or fragment, e.g. https://portal.example.com')
  .transform((u) => new URL(u).href.replace(/\/+$/, ''));

const eventStoreUrl = z.string().refine((u) => /^esdb(\+discover)?:\/\/\S+$/.test(u), 'must be an EventStoreDB connection string starting with esdb:// or esdb+discover://');

const smtpUrl = z.string().refine((u) => {
  const url = parsedUrl(u);
  return url !== undefined && (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== '';
}, 'must be an smtp:// or smtps:// URL with a host, e.g. smtps://user:password@mail.example.com:465');

const bootstrapToken = z
  .string()
  .refine((t) => t.length >= MIN_TOKEN_LENGTH && /^[\x21-\x7e]+$/.test(t), `must be at least ${MIN_TOKEN_LENGTH} printable characters without spaces (e.g. from \`openssl rand -hex 32\`)`);

// An address, or a display name and an address in angle brackets, on one line.
const mailFrom = z
  .string()
  .refine((f) => /^(?:[^<>\p{Cc}]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/u.test(f.trim()), 'must be an email address or "Name <address>", e.g. Client portal <no-reply@portal.example.com>');

const tokenKey = z.string().refine((k) => {
  try {
    return parseTokenKey(k) !== undefined;
  } catch {
    return false;
  }
}, 'must be base64 text of at least 32 bytes (e.g. from `openssl rand -base64 32`)');

const yesNo = z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }).transform((v) => v === 'true' || v === '1');

const environment = z.object({
  PORT: port.default(3000),
  HOST: host.default('127.0.0.1'),
  PORTAL_DATA_DIR: z.string().refine((d) => !/[\0-\x1f]/.test(d), 'must be a folder path without control characters').default('./data'),
  PORTAL_PUBLIC_URL: publicUrl.optional(),
  EVENTSTORE_URL: eventStoreUrl.optional(),
  SMTP_URL: smtpUrl.optional(),
  MAIL_FROM: mailFrom.optional(),
  PORTAL_TOKEN_KEY: tokenKey.optional(),
  PORTAL_BOOTSTRAP_TOKEN: bootstrapToken.optional(),
  LOG_LEVEL: z.enum(logLevels, { error: `must be one of ${logLevels.join(', ')}` }).default('info'),
  PORTAL_SECURE_COOKIES: yesNo.optional(),
  ONEDRIVE_CLIENT_ID: z.string().regex(/^[0-9a-fA-F-]{36}$/, 'must be the application (client) id of the app registration, a GUID').optional(),
  ONEDRIVE_CLIENT_SECRET: z.string().min(1).optional(),
  ONEDRIVE_REDIRECT_URI: publicUrl.optional(),
  ONEDRIVE_CACHE_KEY: tokenKey.optional(),
  ONEDRIVE_POLL_SECONDS: z.string().regex(/^\d{1,6}$/, 'must be a number of seconds').transform(Number).refine((n) => n >= 10, 'must be at least 10').default(300),
  ONEDRIVE_CONCURRENCY: z.string().regex(/^\d{1,3}$/, 'must be a whole number').transform(Number).refine((n) => n >= 1 && n <= 64, 'must be from 1 to 64').default(4),
  ONEDRIVE_SIMULATOR_URL: z
    .string()
    .refine((u) => /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}$/.test(u), 'must be a Graph simulator on loopback, e.g. http://127.0.0.1:4010')
    .optional(),
});

/**
 * The service's configuration from the environment and the command line (`--demo`). An empty
 * variable counts as unset. Throws a ConfigError naming every variable that cannot be used.
 */
export function parseConfig(env: Record<string, string | undefined>, argv: string[]): Config {
  const demo = parseFlags(argv);
  const given = Object.fromEntries(Object.keys(environment.shape).map((name) => [name, env[name] === '' ? undefined : env[name]]));
  const parsed = environment.safeParse(given);
  if (!parsed.success) {
    // One problem per variable, however many checks it failed.
    const problems = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]);
      const shown = secretVariables.has(name) ? '' : ` (got ${JSON.stringify(given[name])})`;
      if (!problems.has(name)) problems.set(name, `${name} ${issue.message}${shown}`);
    }
    throw new ConfigError(`${[...problems.values()].join('; ')}.`);
  }
  const e = parsed.data;
  const url = e.PORTAL_PUBLIC_URL ?? `http://${isIP(e.HOST) === 6 ? `[${e.HOST}]` : e.HOST}:${e.PORT}`;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.PORTAL_DATA_DIR,
    publicUrl: url,
    eventStoreUrl: e.EVENTSTORE_URL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM?.trim() ?? `Client portal <no-reply@${mailDomain(url)}>`,
    tokenKey: e.PORTAL_TOKEN_KEY === undefined ? undefined : parseTokenKey(e.PORTAL_TOKEN_KEY),
    bootstrapToken: e.PORTAL_BOOTSTRAP_TOKEN,
    logLevel: e.LOG_LEVEL,
    secureCookies: e.PORTAL_SECURE_COOKIES ?? url.startsWith('https:'),
    demo,
    oneDrive: oneDriveConfig(e, url),
  };
}

/** All three of ONEDRIVE_CLIENT_ID, ONEDRIVE_CLIENT_SECRET and ONEDRIVE_CACHE_KEY, or none. */
function oneDriveConfig(e: z.output<typeof environment>, publicUrl: string): OneDriveConfig | undefined {
  const given = [e.ONEDRIVE_CLIENT_ID, e.ONEDRIVE_CLIENT_SECRET, e.ONEDRIVE_CACHE_KEY];
  if (given.every((v) => v === undefined)) return undefined;
  if (given.some((v) => v === undefined)) {
    throw new ConfigError('ONEDRIVE_CLIENT_ID, ONEDRIVE_CLIENT_SECRET and ONEDRIVE_CACHE_KEY go together: set all three (or none).');
  }
  const cacheKey = Buffer.from(e.ONEDRIVE_CACHE_KEY!.trim(), 'base64').subarray(0, 32);
  return {
    clientId: e.ONEDRIVE_CLIENT_ID!,
    clientSecret: e.ONEDRIVE_CLIENT_SECRET!,
    redirectUri: e.ONEDRIVE_REDIRECT_URI ?? `${publicUrl}/onedrive/callback`,
    cacheKey,
    pollSeconds: e.ONEDRIVE_POLL_SECONDS,
    concurrency: e.ONEDRIVE_CONCURRENCY,
    ...(e.ONEDRIVE_SIMULATOR_URL !== undefined ? { simulatorUrl: e.ONEDRIVE_SIMULATOR_URL } : {}),
  };
}

/** The public URL's host when it is a name (an address cannot end in a bare IP), else localhost. */
function mailDomain(publicUrl: string): string {
  const host = new URL(publicUrl).hostname;
  return host === '' || isIP(host) !== 0 || host.startsWith('[') ? 'localhost' : host;
}

function parseFlags(argv: string[]): boolean {
  try {
    const { values } = parseArgs({ args: argv, options: { demo: { type: 'boolean' } }, strict: true, allowPositionals: false });
    return values.demo ?? false;
  } catch (error) {
    // parseArgs explains at length; its first sentence names the argument.
    throw new ConfigError(`${(error as Error).message.split(/\.\s/)[0]!.replace(/\.$/, '')}; the only option is --demo.`);
  }
}
