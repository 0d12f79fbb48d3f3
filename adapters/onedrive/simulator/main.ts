/**
 * Runs the Graph simulator on its own: `npx tsx adapters/onedrive/simulator/main.ts [--port 4010]`.
 * Prints its URL; edit its drive through the admin API (README.md beside this file). Stops on SIGINT/SIGTERM.
 */
import { startGraphSimulator } from './server.js';

const portFlag = process.argv.indexOf('--port');
const port = portFlag === -1 ? 0 : Number(process.argv[portFlag + 1]);
const sim = await startGraphSimulator({ port });
sim.personal.addFolder('/', 'Clients');
process.stdout.write(`Graph simulator on ${sim.url} (admin API: ${sim.url}/_sim/)\n`);
const stop = () => void sim.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
