import type { HistoryEntry } from '../../src/application/read-models.js';
import { firmOfClient } from './firm-lookup.js';
import { printEntries } from './audit-output.js';
import { parseArgs } from 'node:util';
import { instantFlag, parseFlags, storeOptions, required, storeHelp, withPortal, type Command } from './options.js';

export const historyCommand: Command = {
  name: 'history',
  summary: "print a client's history as readable lines",
  help: `Usage: client-portal history --client ID [--as-of ISO] [--json] [options]

Prints the client's history as readable lines: when, who, and what changed.

  --client ID     the client (its firm is found from its events)
  --as-of ISO     only what had happened by this instant (ISO 8601 with an offset)
  --json          one JSON object per line instead

${storeHelp}`,
  async run(io) {
    const { values } = parseFlags(() =>
      parseArgs({ args: [...io.argv], options: { ...storeOptions, client: { type: 'string' }, 'as-of': { type: 'string' }, json: { type: 'boolean' } }, strict: true }),
    );
    if (values.help) return void io.stdout.write(`${this.help}\n`);
    const clientId = required(values.client, '--client');
    const asOf = instantFlag(values['as-of'], '--as-of');
    await withPortal(values, io.env, async ({ portal, caller }) => {
      const firmId = await firmOfClient(portal, clientId);
      const pages = (cursor: string | undefined) =>
        portal.audit.history(caller(firmId), { clientId, ...(asOf !== undefined && { asOf }), ...(cursor !== undefined && { cursor }), limit: 200 });
      await printEntries(io, pages, values.json ?? false, (e: HistoryEntry) => `${e.at}  ${e.actor.name} (${e.actor.kind})  ${e.text}`);
    });
  },
};
