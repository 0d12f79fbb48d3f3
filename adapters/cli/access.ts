import type { AccessGrant } from '../../src/application/read-models.js';
import { requireFirm } from './firm-lookup.js';
import { printEntries } from './audit-output.js';
import { parseArgs } from 'node:util';
import { instantFlag, parseFlags, storeOptions, required, storeHelp, withPortal, type Command } from './options.js';

export const accessCommand: Command = {
  name: 'access',
  summary: 'print who had portal access to which client at an instant',
  help: `Usage: client-portal access --firm ID --as-of ISO [--json] [options]

Prints, for the firm, who had portal access at the instant: client, contact, login email, what was
shared with them, and who granted it.

  --firm ID       the firm
  --as-of ISO     the instant (ISO 8601 with an offset, e.g. 2026-12-01T09:00:00Z)
  --json          one JSON object per line instead

${storeHelp}`,
  async run(io) {
    const { values } = parseFlags(() =>
      parseArgs({ args: [...io.argv], options: { ...storeOptions, firm: { type: 'string' }, 'as-of': { type: 'string' }, json: { type: 'boolean' } }, strict: true }),
    );
    if (values.help) return void io.stdout.write(`${this.help}\n`);
    const firmId = required(values.firm, '--firm');
    const at = instantFlag(required(values['as-of'], '--as-of'), '--as-of')!;
    await withPortal(values, io.env, async ({ portal, caller }) => {
      await requireFirm(portal, firmId);
      const pages = (cursor: string | undefined) =>
        portal.audit.accessAsOf(caller(firmId), { at, ...(cursor !== undefined && { cursor }), limit: 200 });
      await printEntries(io, pages, values.json ?? false, describeGrant);
    });
  },
};

function describeGrant(g: AccessGrant): string {
  const shared = g.sharedItems.length === 0 ? 'nothing shared' : `${g.sharedItems.length} shared item${g.sharedItems.length === 1 ? '' : 's'}`;
  return `${g.clientName}  ${g.contactName} <${g.loginEmail}>  ${g.state} since ${g.validFrom}  ${shared}  granted by ${g.grantedBy.name}`;
}
