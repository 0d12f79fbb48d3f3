import cliProgress from 'cli-progress';
import { readModelNames } from '../../projections/read-models/index.js';
import { parseArgs } from 'node:util';
import { parseFlags, storeHelp, storeOptions, UsageError, withPortal, type Command, type CommandIo } from './options.js';

export const rebuildCommand: Command = {
  name: 'rebuild',
  summary: 'drop read models and replay the log into them from position 0',
  help: `Usage: client-portal rebuild [projection…] [options]

Drops the named read models (all when none is named) and replays every event into them from
position 0, showing progress: a bar on a terminal, a plain line every second otherwise.

Read models: ${readModelNames.join(', ')}

${storeHelp}`,
  async run(io) {
    const { values, positionals } = parseFlags(() => parseArgs({ args: [...io.argv], options: storeOptions, strict: true, allowPositionals: true }));
    if (values.help) return void io.stdout.write(`${this.help}\n`);
    const unknown = positionals.filter((name) => !(readModelNames as readonly string[]).includes(name));
    if (unknown.length > 0) throw new UsageError(`No read model is called ${unknown.join(', ')}; there are ${readModelNames.join(', ')}.`);
    const progress = progressReporter(io);
    await withPortal(
      values,
      io.env,
      async ({ readModels, store }) => {
        progress.start((await store.lastPosition()) ?? 0);
        try {
          await readModels.rebuild(positionals);
        } catch (error) {
          progress.abort();
          throw error;
        }
        progress.stop();
      },
      { runner: { onProgress: (position) => progress.update(position) }, catchUp: false },
    );
  },
};

/** Events done out of the log's last position, with the rate and what is left. */
interface ProgressReporter {
  start(total: number): void;
  update(position: number): void;
  stop(): void;
  /** Leaves the terminal as it was (cursor shown, line ended), saying nothing more. */
  abort(): void;
}

function progressReporter(io: CommandIo): ProgressReporter {
  return io.stderr.isTTY ? barReporter(io) : lineReporter(io);
}

function barReporter(io: CommandIo): ProgressReporter {
  const bar = new cliProgress.SingleBar(
    { stream: io.stderr as NodeJS.WriteStream, format: 'rebuild [{bar}] {value}/{total} events | {rate} events/s | ETA {eta_formatted}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  const began = Date.now();
  const rate = (position: number) => Math.round(position / Math.max((Date.now() - began) / 1000, 0.001));
  return {
    start: (total) => bar.start(total, 0, { rate: 0 }),
    update: (position) => bar.update(position, { rate: rate(position) }),
    stop: () => bar.stop(),
    abort: () => bar.stop(), // shows the cursor again and ends the bar's line
  };
}

/** Off a terminal (a log file, CI), a line now and then rather than a redrawn bar. */
function lineReporter(io: CommandIo, everyMs = 1000): ProgressReporter {
  let total = 0;
  let began = 0;
  let printed = 0;
  let reached = 0;
  const line = (label: string) => {
    const seconds = Math.max((Date.now() - began) / 1000, 0.001);
    const rate = reached / seconds;
    const percent = total > 0 ? Math.min(100, Math.floor((reached / total) * 100)) : 100;
    const eta = rate > 0 ? Math.max(0, Math.ceil((total - reached) / rate)) : 0;
    io.stderr.write(`${label}: ${reached}/${total} events (${percent}%), ${Math.round(rate)} events/s, ETA ${eta}s\n`);
  };
  return {
    start(t) {
      total = t;
      began = printed = Date.now();
      line('rebuild');
    },
    update(position) {
      reached = Math.max(reached, position);
      if (Date.now() - printed < everyMs) return;
      printed = Date.now();
      line('rebuild');
    },
    stop() {
      reached = Math.max(reached, total);
      line('rebuilt');
    },
    abort() {},
  };
}
