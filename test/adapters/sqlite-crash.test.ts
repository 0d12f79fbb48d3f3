import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { sqliteEventStore } from '../../adapters/event-store/sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'sqlite-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const child = fileURLToPath(new URL('./fixtures/append-forever.ts', import.meta.url));

/** Runs the appender until it has acknowledged `count` events, then SIGKILLs it mid-stride. */
function appendThenKill(path: string, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, path], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acks: string[] = [];
    let partial = '';
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.stdout.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      acks.push(...lines);
      if (acks.length >= count) proc.kill('SIGKILL');
    });
    proc.on('error', reject);
    proc.on('exit', (_code, signal) =>
      signal === 'SIGKILL' ? resolve(acks) : reject(new Error(`appender exited on its own: ${stderr}`)),
    );
  });
}

it('keeps every acknowledged append when the writing process is killed', async () => {
  const path = join(dir, 'crash.db');
  const acks = await appendThenKill(path, 600);
  expect(acks.length).toBeGreaterThanOrEqual(600);

  const check = new Database(path);
  expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
  check.close();

  const store = sqliteEventStore({ path });
  const stored = new Map<string, string>();
  for await (const event of store.readAll()) stored.set(event.id, `${event.streamId} ${event.revision} ${event.id}`);
  await store.close();
  for (const ack of acks) expect(stored.get(ack.split(' ')[2]!)).toBe(ack);
}, 20_000);
