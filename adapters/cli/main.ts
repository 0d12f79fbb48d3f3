/**
 * The `client-portal` command line: rebuild read models, export the activation CSV, read a client's
 * history and who had access at an instant. Every failure is one line on stderr and a non-zero
 * exit; nothing is written on a failure.
 */
import { accessCommand } from './access.js';
import { exportCsvCommand } from './export-csv.js';
import { historyCommand } from './history.js';
import { UsageError, type Command, type CommandIo } from './options.js';
import { rebuildCommand } from './rebuild.js';

const commands: readonly Command[] = [rebuildCommand, exportCsvCommand, historyCommand, accessCommand];

const usage = `Usage: client-portal <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(12)}${c.summary}`).join('\n')}

Run client-portal <command> --help for a command's options.`;

/** Runs one command line; resolves to the exit code. */
export async function main(io: CommandIo): Promise<number> {
  const [name, ...rest] = io.argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io[name === undefined ? 'stderr' : 'stdout'].write(`${usage}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  try {
    if (!command) throw new UsageError(`Unknown command ${JSON.stringify(name)}; the commands are ${commands.map((c) => c.name).join(', ')}.`);
    await command.run({ ...io, argv: rest });
    return 0;
  } catch (error) {
    io.stderr.write(`client-portal: ${oneLine(error)}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

// A reader that stops early (`| head`) closes the pipe: that ends the command quietly, not with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? 0 : 1));

const code = await main({ argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr });
// Exit at once: an event store's client or timers must not keep a finished command alive.
process.exit(code);
