/**
 * `npm start`: reads the configuration (one line naming a bad variable, exit 2), starts the
 * service, and on SIGTERM or SIGINT stops accepting, finishes requests in flight, closes the store
 * and exits 0.
 */
import { ConfigError, parseConfig } from './config.js';
import { startFailure } from './start-failure.js';
import { startService } from './service.js';

let config;
try {
  config = parseConfig(process.env, process.argv.slice(2));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`client-portal: ${error.message}\n`);
  process.exit(2);
}

const service = await startService(config).catch((error: unknown) => {
  process.stderr.write(`client-portal: ${startFailure(error, config)}\n`);
  process.exit(2);
});
const stop = () => {
  service.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`client-portal: could not stop cleanly: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
