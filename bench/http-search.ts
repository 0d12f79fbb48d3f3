// The client-list search over HTTP at 100 connections, beside a bare Hono route answering a fixed
// JSON body of the same size (the target's baseline) and the same searches called in the server's
// process (what HTTP adds), in interleaved slices.
import { coreMeter, cpuPerRequest, loadCpuPerRequest, loadMeter, percentile, warmUp, type BenchServer, type LoadOptions } from './http-support.js';
import { searchPath, searchTexts } from './http-workload.js';
import { interleaved } from './support.js';

export const SEARCH_CONNECTIONS = 100;

export interface SearchFigure {
  kind: string;
  search: number;
  bare: number;
  /** portal.clientList.search from 100 concurrent callers in the server process. */
  core: number;
  searchP50: number;
  searchP99: number;
  bareP99: number;
  /** Server CPU microseconds per request or call. */
  searchCpu: number;
  bareCpu: number;
  coreCpu: number;
  /** autocannon's CPU microseconds per request, searching and on the bare route. */
  loadCpu: number;
  bareLoadCpu: number;
  /** The bare route's body (the search answers' median), in bytes, and rows per search answer. */
  bytes: number;
  rows: number;
}

/** Requests/s and latencies of each kind of search, of its bare route, and of the search in process. */
export async function searchFigures(server: BenchServer): Promise<SearchFigure[]> {
  const texts = searchTexts(server.seeding.clients);
  const kinds = Object.keys(texts) as Array<keyof typeof texts>;
  const searchLoad = (kind: keyof typeof texts): LoadOptions => ({
    port: server.portalPort,
    connections: SEARCH_CONNECTIONS,
    requests: texts[kind].map((text) => ({ method: 'GET', path: searchPath(text) })),
    headers: { authorization: `Bearer ${server.token}` },
  });
  const meters = kinds.flatMap((kind) => [
    loadMeter(server, searchLoad(kind)),
    loadMeter(server, { port: server.barePort, connections: SEARCH_CONNECTIONS, requests: [{ method: 'GET', path: `/bare/${kind}` }] }),
    coreMeter(server, `search:${kind}`, SEARCH_CONNECTIONS),
  ]);
  await warmUp(meters);
  const rates = await interleaved(meters.map((m) => m.run));
  const failures = meters.reduce((n, m) => n + m.failures, 0);
  if (failures > 0) throw new Error(`${failures} requests failed or were refused`);
  return kinds.map((kind, i) => {
    const [search, bare, core] = [meters[3 * i]!, meters[3 * i + 1]!, meters[3 * i + 2]!];
    const answer = server.answers[kind]!;
    return {
      kind,
      search: rates[3 * i]!,
      bare: rates[3 * i + 1]!,
      core: rates[3 * i + 2]!,
      searchP50: percentile(search.latencies, 50),
      searchP99: percentile(search.latencies, 99),
      bareP99: percentile(bare.latencies, 99),
      searchCpu: cpuPerRequest(search),
      bareCpu: cpuPerRequest(bare),
      coreCpu: cpuPerRequest(core),
      loadCpu: loadCpuPerRequest(search),
      bareLoadCpu: loadCpuPerRequest(bare),
      bytes: percentile(answer.bytes, 50),
      rows: answer.rows,
    };
  });
}
