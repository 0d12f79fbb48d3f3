import type { Caller } from '../../src/application/context.js';
import type { Portal } from '../../src/application/portal.js';
import type { AccessGrant, HistoryEntry, Page } from '../../src/application/read-models.js';
import { write, type CommandIo } from './options.js';

/** The audit queries as the CLI calls them through createPortal. */
export interface AuditApi {
  history(caller: Caller, input: { clientId: string; asOf?: string; cursor?: string; limit?: number }): Promise<Page<HistoryEntry>>;
  accessAsOf(caller: Caller, input: { at: string; clientId?: string; cursor?: string; limit?: number }): Promise<Page<AccessGrant>>;
}

// portal.audit is bound by the audit part of the read models; until then the commands say so.
export function auditApi(portal: Portal): AuditApi {
  const audit = (portal as unknown as { audit?: AuditApi }).audit;
  if (!audit) throw new Error('This build has no audit queries (portal.audit) yet.');
  return audit;
}

/** Prints every page, as lines or one JSON object per line. */
export async function printEntries<T>(
  io: CommandIo,
  page: (cursor: string | undefined) => Promise<Page<T>>,
  json: boolean,
  line: (item: T) => string,
): Promise<void> {
  let cursor: string | undefined;
  do {
    const { items, nextCursor } = await page(cursor);
    for (const item of items) await write(io.stdout, `${json ? JSON.stringify(item) : line(item)}\n`);
    cursor = nextCursor ?? undefined;
  } while (cursor !== undefined);
}
