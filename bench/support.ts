import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { EventMetadata } from '../src/core/envelope.js';

/** Bench sizes, parsed once from the environment (scale down for a quick run). */
export const config = z
  .object({
    BENCH_EVENTS: z.coerce.number().int().positive().default(1_000_000),
    BENCH_STREAMS: z.coerce.number().int().positive().default(10_000),
    /** Seconds spent on each throughput figure, split into BENCH_ROUNDS interleaved slices. */
    BENCH_SECONDS: z.coerce.number().positive().default(5),
    BENCH_ROUNDS: z.coerce.number().int().positive().default(5),
    BENCH_CALLERS: z.coerce.number().int().positive().default(64),
    /** Clients of the firm the client-list search and CSV figures run over (a tenth of it for as-of access). */
    BENCH_CLIENTS: z.coerce.number().int().positive().default(100_000),
  })
  .parse(process.env);

// Same filesystem as the project, so fsync costs what it costs in production-like use.
const tmp = fileURLToPath(new URL('./.tmp/', import.meta.url));

/** A fresh database path under bench/.tmp (any previous file and its WAL removed). */
export function freshPath(name: string): string {
  mkdirSync(tmp, { recursive: true });
  const path = join(tmp, `${name}.db`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  return path;
}

/** Removes bench/.tmp: the read-all log alone is over half a gigabyte. */
export function removeTmp(): void {
  rmSync(tmp, { recursive: true, force: true });
}

export const metadata: EventMetadata = {
  occurredAt: '2026-01-15T09:00:00.000Z',
  tenantId: 'firm-00000000-0000-0000-0000-000000000001',
  actor: { kind: 'staff', userId: 'user-00000000-0000-0000-0000-000000000001' },
  correlationId: '00000000-0000-0000-0000-000000000001',
  causationId: '00000000-0000-0000-0000-000000000001',
  schemaVersion: 1,
};
export const metadataJson = JSON.stringify(metadata);

/** A typical small event body (~100 bytes of JSON). */
export const eventData = (n: number) => ({ n, note: 'Quarterly statements uploaded to the shared folder', by: 'staff' });

/**
 * The i-th stream of one meter. Each meter (the raw loop, each store figure) has its own streams, as
 * one process owns the streams it writes: a state cache then sees every write to its streams.
 */
export const streamName = (meter: string, i: number) => `${meter}-${i.toString().padStart(6, '0')}`;

/** Calls `step` from `callers` concurrent loops until `seconds` have passed. */
export async function measure(seconds: number, callers: number, step: () => Promise<void> | void): Promise<Sample> {
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < deadline) {
        await step();
        done++;
      }
    }),
  );
  return { done, seconds: (performance.now() - start) / 1000 };
}

export interface Sample {
  done: number;
  seconds: number;
}

/**
 * Rates of several measurements taken in turns (a slice of each, round after round), so that drift
 * in fsync latency, which is large on virtual disks, hits every figure alike.
 */
export async function interleaved(meters: ReadonlyArray<(seconds: number) => Promise<Sample>>): Promise<number[]> {
  const rounds = config.BENCH_ROUNDS;
  const totals = meters.map(() => ({ done: 0, seconds: 0 }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, meter] of meters.entries()) {
      const sample = await meter(config.BENCH_SECONDS / rounds);
      totals[i]!.done += sample.done;
      totals[i]!.seconds += sample.seconds;
    }
  }
  return totals.map((t) => t.done / t.seconds);
}

export const rssMb = () => Math.round(process.memoryUsage().rss / 2 ** 20);

/**
 * What this disk's fsync allows: rewrites of one 4 KiB page, each followed by an fsync, for
 * `seconds`. The ceiling of one caller under FULL durability, printed beside the figures.
 */
export function fsyncsPerSecond(seconds = 1): number {
  mkdirSync(tmp, { recursive: true });
  const path = join(tmp, 'fsync-probe');
  const fd = openSync(path, 'w');
  const page = Buffer.alloc(4096, 1);
  const start = performance.now();
  let count = 0;
  try {
    while (performance.now() - start < seconds * 1000) {
      writeSync(fd, page, 0, page.length, 0);
      fsyncSync(fd);
      count++;
    }
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
  return count / ((performance.now() - start) / 1000);
}
