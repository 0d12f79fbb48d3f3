import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { EventMetadata } from '../src/core/envelope.js';

/** Bench sizes, parsed once from the environment (scale down for a quick run). */
export const config = z
  .object({
    BENCH_EVENTS: z.coerce.number().int().positive().default(1_000_000),
    BENCH_STREAMS: z.coerce.number().int().positive().default(10_000),
    BENCH_SECONDS: z.coerce.number().positive().default(3),
    BENCH_CALLERS: z.coerce.number().int().positive().default(64),
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

export const streamName = (i: number) => `counter-${i.toString().padStart(6, '0')}`;

/** Calls `step` until `seconds` have passed; returns the rate of completed steps per second. */
export async function ratePerSecond(seconds: number, callers: number, step: () => Promise<void> | void): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < deadline) {
        await step();
        done++;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

export const rssMb = () => Math.round(process.memoryUsage().rss / 2 ** 20);
