// Creating a client over HTTP at 64 connections, beside the core's 64-caller rates measured in
// the same run, in interleaved slices: the same createClient called in the server's process (the
// baseline of the target), and the store's command round-trip figure of `npm run bench`.
import { coreMeter, cpuPerRequest, loadCpuPerRequest, loadMeter, percentile, warmUp, type BenchServer } from './http-support.js';
import { newClient } from './http-workload.js';
import { interleaved } from './support.js';

export const CREATE_CONNECTIONS = 64;

export interface CreateFigure {
  http: number;
  httpP50: number;
  httpP99: number;
  /** portal.clients.createClient from 64 concurrent callers in the server process, same portal. */
  core: number;
  /** bench/command-round-trips.ts at 64 callers (the smallest decider), a file of its own (FULL). */
  counter: number;
  /** Server CPU microseconds per create, over HTTP and in process. */
  httpCpu: number;
  coreCpu: number;
  /** autocannon's CPU microseconds per create. */
  loadCpu: number;
}

export async function createFigure(server: BenchServer): Promise<CreateFigure> {
  const http = loadMeter(server, {
    port: server.portalPort,
    connections: CREATE_CONNECTIONS,
    requests: [{ method: 'POST', path: '/clients', body: JSON.stringify(newClient) }],
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
  });
  const core = coreMeter(server, 'create-clients', CREATE_CONNECTIONS);
  const counter = coreMeter(server, 'counter-commands', CREATE_CONNECTIONS);
  await warmUp([http, core, counter]);
  const [httpRate, coreRate, counterRate] = (await interleaved([http.run, core.run, counter.run])) as [number, number, number];
  if (http.failures > 0) throw new Error(`${http.failures} creates failed or were refused`);
  return {
    http: httpRate,
    httpP50: percentile(http.latencies, 50),
    httpP99: percentile(http.latencies, 99),
    core: coreRate,
    counter: counterRate,
    httpCpu: cpuPerRequest(http),
    coreCpu: cpuPerRequest(core),
    loadCpu: loadCpuPerRequest(http),
  };
}
