// The client-list search over HTTP, beside a bare Hono route answering a fixed JSON body of the
// same size, both under autocannon at 100 connections in interleaved slices.
import { cpuPerRequest, loadMeter, percentile, warmUp, type BenchServer } from './http-support.js';
import { searchPath, searchTexts } from './http-workload.js';
import { interleaved } from './support.js';

export const SEARCH_CONNECTIONS = 100;

export interface SearchFigure {
  kind: string;
  search: number;
  bare: number;
  searchP50: number;
  searchP99: number;
  bareP99: number;
  /** Server CPU microseconds per request. */
  searchCpu: number;
  bareCpu: number;
  /** The bare route's body (the search answers' median), in bytes, and rows per search answer. */
  bytes: number;
  rows: number;
}

/** Requests/s and latencies of each kind of search and of its bare route. */
export async function searchFigures(server: BenchServer): Promise<SearchFigure[]> {
  const texts = searchTexts(server.seeding.clients);
  const kinds = Object.keys(texts) as Array<keyof typeof texts>;
  const meters = kinds.flatMap((kind) => [
    loadMeter(server, {
      port: server.portalPort,
      connections: SEARCH_CONNECTIONS,
      requests: texts[kind].map((text) => ({ method: 'GET', path: searchPath(text) })),
      headers: { authorization: `Bearer ${server.token}` },
    }),
    loadMeter(server, { port: server.barePort, connections: SEARCH_CONNECTIONS, requests: [{ method: 'GET', path: `/bare/${kind}` }] }),
  ]);
  await warmUp(meters);
  const rates = await interleaved(meters.map((m) => m.run));
  const failures = meters.reduce((n, m) => n + m.failures, 0);
  if (failures > 0) throw new Error(`${failures} requests failed or were refused`);
  return kinds.map((kind, i) => {
    const [search, bare] = [meters[2 * i]!, meters[2 * i + 1]!];
    const answer = server.answers[kind]!;
    return {
      kind,
      search: rates[2 * i]!,
      bare: rates[2 * i + 1]!,
      searchP50: percentile(search.latencies, 50),
      searchP99: percentile(search.latencies, 99),
      bareP99: percentile(bare.latencies, 99),
      searchCpu: cpuPerRequest(search),
      bareCpu: cpuPerRequest(bare),
      bytes: percentile(answer.bytes, 50),
      rows: answer.rows,
    };
  });
}
