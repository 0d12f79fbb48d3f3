import { writeAtomically } from '../system/write-atomically.js';
import { requireFirm } from './firm-lookup.js';
import { parseArgs } from 'node:util';
import { instantFlag, parseFlags, storeOptions, required, storeHelp, withPortal, write, type Command } from './options.js';

export const exportCsvCommand: Command = {
  name: 'export-csv',
  summary: "write a firm's activation CSV (one row per member)",
  help: `Usage: client-portal export-csv --firm ID [--as-of ISO] [--out FILE] [--bom] [options]

Writes the firm's activation CSV: a header, then one row per member of each client.

  --firm ID       the firm
  --as-of ISO     the list as it stood at this instant (ISO 8601 with an offset, e.g. 2026-12-01T09:00:00Z)
  --out FILE      write to FILE (only once complete: nothing is written on an error); default stdout
  --bom           start with a UTF-8 byte order mark, for spreadsheets

${storeHelp}`,
  async run(io) {
    const { values } = parseFlags(() =>
      parseArgs({ args: [...io.argv], options: { ...storeOptions, firm: { type: 'string' }, 'as-of': { type: 'string' }, out: { type: 'string' }, bom: { type: 'boolean' } }, strict: true }),
    );
    if (values.help) return void io.stdout.write(`${this.help}\n`);
    const firmId = required(values.firm, '--firm');
    const asOf = instantFlag(values['as-of'], '--as-of');
    await withPortal(values, io.env, async ({ portal, caller }) => {
      await requireFirm(portal, firmId);
      const csv = await portal.exports.activationCsv(caller(firmId), { ...(asOf !== undefined && { asOf }), bom: values.bom ?? false });
      if (values.out === undefined) {
        for await (const chunk of csv) await write(io.stdout, chunk);
      } else {
        await writeAtomically(values.out, csv);
      }
    });
  },
};
