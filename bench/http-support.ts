// The load generator's side of the HTTP benchmarks: the server process (http-server.ts, forked with
// tsx so it has its own event loop), and meters to interleave with support.ts: autocannon slices
// against it, or its own in-process baselines. Each meter also counts the server's CPU time.
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { config, type Sample } from './support.js';

/** The server's in-process meters: creates, the store's command round-trips, or one kind of search. */
export type CoreMeter = 'create-clients' | 'counter-commands' | `search:${string}`;

export type ToServer = { kind: CoreMeter; seconds: number; callers: number } | { kind: 'idle' } | { kind: 'stop' };

export interface Ready {
  kind: 'ready';
  portalPort: number;
  barePort: number;
  /** A staff API token of the firm's partner admin. */
  token: string;
  seeding: { events: number; clients: number; written: number; caughtUp: number };
  /** Per kind of search: each answer's size in bytes, and rows per answer on average. */
  answers: Record<string, { bytes: number[]; rows: number }>;
}

/**
 * `cpuMicros`: the server process's CPU time (user + system) so far, or spent in the sample; `served`:
 * the requests its servers have answered so far.
 */
export type FromServer =
  | Ready
  | ({ kind: 'sample'; cpuMicros: number } & Sample)
  | { kind: 'idle'; cpuMicros: number; served: number }
  | { kind: 'failed'; message: string };

export interface BenchServer extends Ready {
  /** Runs one of the server's in-process meters. */
  sample(kind: CoreMeter, seconds: number, callers: number): Promise<Sample & { cpuMicros: number }>;
  /**
   * Resolves once the server has answered every request it was sent and its read models are caught
   * up, with its CPU time and requests served so far.
   */
  idle(): Promise<{ cpuMicros: number; served: number }>;
  stop(): Promise<void>;
}

/**
 * Forks the server on a database at `path` and waits until it has seeded and listens. With
 * `profileDir`, the server writes a V8 CPU profile of its serving there when stopped.
 */
export async function startBenchServer(path: string, options: { profileDir?: string } = {}): Promise<BenchServer> {
  const entry = fileURLToPath(new URL('./http-server.ts', import.meta.url));
  const args = options.profileDir ? [path, options.profileDir] : [path];
  const child = fork(entry, args, { execPath: process.execPath, execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const ready = await nextMessage(child);
  if (ready.kind !== 'ready') throw new Error(`the bench server did not start: ${JSON.stringify(ready)}`);
  async function ask<K extends FromServer['kind']>(message: ToServer, kind: K): Promise<Extract<FromServer, { kind: K }>> {
    child.send(message);
    const answer = await nextMessage(child);
    if (answer.kind !== kind) throw new Error(`the bench server failed: ${answer.kind === 'failed' ? answer.message : answer.kind}`);
    return answer as Extract<FromServer, { kind: K }>;
  }
  return {
    ...ready,
    async sample(kind, seconds, callers) {
      const { done, seconds: took, cpuMicros } = await ask({ kind, seconds, callers }, 'sample');
      return { done, seconds: took, cpuMicros };
    },
    async idle() {
      const { cpuMicros, served } = await ask({ kind: 'idle' }, 'idle');
      return { cpuMicros, served };
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ kind: 'stop' } satisfies ToServer);
      await exited;
    },
  };
}

function nextMessage(child: ChildProcess): Promise<FromServer> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the bench server exited (code ${code})`));
    child.once('exit', onExit);
    child.once('message', (message: FromServer) => {
      child.off('exit', onExit);
      resolve(message);
    });
  });
}

/** One measured thing, run in slices by `interleaved`; what it gathered over all of them. */
export interface Meter {
  run(seconds: number): Promise<Sample>;
  /** Requests (or calls) completed within the slices, over every slice. */
  done: number;
  /** The server's CPU time over every slice, and the requests (or calls) it completed for it. */
  cpuMicros: number;
  served: number;
  /** The load generator's own CPU time over every slice (load meters only). */
  loadCpuMicros: number;
  /** Milliseconds per request (load meters only). */
  latencies: number[];
  /** Answers that were not 2xx, socket errors and timeouts: a figure with any is refused. */
  failures: number;
  /** Forgets what a warm-up slice gathered. */
  reset(): void;
}

function meter(run: (into: Meter, seconds: number) => Promise<Sample>): Meter {
  const m: Meter = {
    run: (seconds) => run(m, seconds),
    done: 0,
    cpuMicros: 0,
    served: 0,
    loadCpuMicros: 0,
    latencies: [],
    failures: 0,
    reset() {
      Object.assign(m, { done: 0, cpuMicros: 0, served: 0, loadCpuMicros: 0, latencies: [] });
    },
  };
  return m;
}

export interface LoadOptions {
  port: number;
  connections: number;
  requests: autocannon.Request[];
  headers?: Record<string, string>;
}

/**
 * Each slice is one autocannon run of `connections` connections cycling through `requests`, then a
 * wait until the server has answered all it was sent (else the next meter's slice would serve them,
 * and with slow requests that is seconds of work).
 * Latencies are kept per request, so percentiles cover every slice.
 */
export function loadMeter(server: BenchServer, options: LoadOptions): Meter {
  return meter(async (m, seconds) => {
    const before = await server.idle();
    const loadCpu = process.cpuUsage();
    let done = 0;
    // Each connection starts at its own place in the requests, so every one of them is asked alike.
    let connection = 0;
    const setupClient = (client: autocannon.Client) => {
      const start = connection++ % options.requests.length;
      client.setRequests([...options.requests.slice(start), ...options.requests.slice(0, start)]);
    };
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url: `http://127.0.0.1:${options.port}`,
          connections: options.connections,
          duration: seconds,
          requests: options.requests,
          headers: options.headers ?? {},
          timeout: 60,
          setupClient,
        },
        (error, result) => (error ? reject(error) : resolve(result)),
      );
      instance.on('response', (_client, status, _bytes, ms) => {
        if (status >= 200 && status < 300) {
          done++;
          m.latencies.push(ms);
        } else m.failures++;
      });
    });
    m.failures += result.errors + result.timeouts;
    const { user, system } = process.cpuUsage(loadCpu);
    m.loadCpuMicros += user + system;
    const after = await server.idle();
    m.cpuMicros += after.cpuMicros - before.cpuMicros;
    m.served += after.served - before.served;
    m.done += done;
    return { done, seconds: result.duration };
  });
}

/** Each slice is one run of the server's in-process meter. */
export function coreMeter(server: BenchServer, kind: CoreMeter, callers: number): Meter {
  return meter(async (m, seconds) => {
    const sample = await server.sample(kind, seconds, callers);
    m.cpuMicros += sample.cpuMicros;
    m.served += sample.done;
    m.done += sample.done;
    return sample;
  });
}

/** A short unmeasured slice of each meter, so none pays the JIT's first compilations in its figure. */
export async function warmUp(meters: readonly Meter[]): Promise<void> {
  for (const m of meters) {
    await m.run(Math.min(1, config.BENCH_SECONDS / config.BENCH_ROUNDS));
    m.reset();
  }
}

/** The p-th percentile (0–100) of `values`, in their unit. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

/** Server CPU microseconds per request (or call) the server completed for a meter. */
export const cpuPerRequest = (m: Meter) => m.cpuMicros / m.served;

/** The load generator's CPU microseconds per request answered within the slices. */
export const loadCpuPerRequest = (m: Meter) => m.loadCpuMicros / m.done;
