import type { ParseArgsConfig } from 'node:util';
import { MissingDatabaseError, openEmbeddedPortal, type EmbeddedPortal } from '../embedded.js';
import type { RunnerOptions } from '../../projections/runner.js';
import type { Caller } from '../../src/application/context.js';

/** A refusal of the command line itself: printed as one line, nothing done. */
export class UsageError extends Error {}

/** What every command is given: its arguments and where to write. */
export interface CommandIo {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface Command {
  name: string;
  summary: string;
  help: string;
  run(io: CommandIo): Promise<void>;
}

/** The options that choose the store, as the HTTP service will take them. */
export const storeOptions = {
  db: { type: 'string' },
  eventstore: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export const storeHelp = `Store:
  --db PATH          SQLite file with the events, keys and read models (default data/portal.db, env PORTAL_DB);
                     with --eventstore, the local SQLite file for keys and read models
  --eventstore URL   read the events from EventStoreDB (env EVENTSTORE_URL)
  -h, --help         this help`;

/** Runs a strict parseArgs; an unknown or malformed option becomes a one-line UsageError. */
export function parseFlags<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    // parseArgs explains at length; the first sentence names the option.
    const first = (error as Error).message.split(/\.\s/)[0]!.replace(/\.$/, '');
    throw new UsageError(`${first}. See --help.`);
  }
}

/** The portal over the chosen store, acting as the CLI (a system process), never sending mail. */
export interface OpenedPortal extends EmbeddedPortal {
  caller(firmId: string): Caller;
}

export function openPortal(values: { db?: string; eventstore?: string }, env: NodeJS.ProcessEnv, runner: RunnerOptions = {}): OpenedPortal {
  const dbPath = values.db ?? (env.PORTAL_DB || 'data/portal.db');
  try {
    // The default outboxes keep mail in memory: a command line sends none.
    const opened = openEmbeddedPortal({ dbPath, eventStoreUrl: values.eventstore ?? env.EVENTSTORE_URL, runner, mustExist: true });
    return { ...opened, caller: (firmId) => ({ tenantId: firmId, actor: { kind: 'system', name: 'cli' } }) };
  } catch (error) {
    if (error instanceof MissingDatabaseError) throw new UsageError(`No database at ${error.path} (set --db or PORTAL_DB).`);
    throw error;
  }
}

/**
 * Opens the portal, runs `use`, and closes everything whatever happens. Queries read the read models
 * once they have caught up with the log (another process may have appended since they last ran);
 * a rebuild passes `catchUp: false`, as it replays them anyway.
 */
export async function withPortal<T>(
  values: { db?: string; eventstore?: string },
  env: NodeJS.ProcessEnv,
  use: (opened: OpenedPortal) => Promise<T>,
  options: { runner?: RunnerOptions; catchUp?: boolean } = {},
): Promise<T> {
  const opened = openPortal(values, env, options.runner);
  try {
    if (options.catchUp ?? true) await opened.readModels.start();
    return await use(opened);
  } finally {
    await opened.close();
  }
}

/** An instant given on the command line, checked here so the message names the flag. */
export function instantFlag(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value));
  if (!ok) throw new UsageError(`${flag} must be an ISO 8601 date-time with an offset, e.g. 2026-12-01T09:00:00Z (got ${JSON.stringify(value)}).`);
  return new Date(value).toISOString();
}

export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required. See --help.`);
  return value;
}

/** Writes text, waiting when the stream asks to (a slow pipe must not fill memory). */
export async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
}
