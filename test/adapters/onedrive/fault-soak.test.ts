/**
 * Fault soak: 1,000 faults injected (429/503/504/500 with and without Retry-After, resets before
 * the answer and mid-body, 410 on delta) across the sync of 3,000 files and then a round of changes:
 * the portal ends with exactly the folder's files, none twice, none missing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { filesUnder, oneDriveWorld, type World } from './sync-support.js';

let world: World | undefined;
afterAll(() => world?.close());

function seeded(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('fault soak', () => {
  it('ends with exactly the folder’s files after 1,000 injected faults', { timeout: 60_000 }, async () => {
    const w = (world = await oneDriveWorld({ sim: { delta: { pageSize: 200, duplicateEvery: 7 } }, sync: { concurrency: 1 } }));
    await w.connect();
    const d = w.sim.personal;
    d.addFolder('/', 'Big');
    for (const sub of ['a', 'b', 'c']) d.addFolder('/Big', sub);
    for (const [i, sub] of ['a', 'b', 'c'].entries()) d.seedFiles(`/Big/${sub}`, 1000, (n) => `f${i}-${n}.txt`, (n) => `content ${i} ${n}`);
    const clientId = await w.client();
    expect((await w.http('PUT', `/clients/${clientId}/folder-link`, { folderUrl: w.sim.share(d, '/Big') })).status).toBe(200);

    const random = seeded(42);
    type Rule = Parameters<typeof w.sim.faults.add>[0];
    // 1,000 faults: 150 on listings (delta, or the children walk repeated 410s switch to), 850 on downloads.
    const kinds = (path: RegExp, i: number): Rule => {
      const r = random();
      if (r < 0.3) return { path, status: 429, retryAfter: 0, times: 1 };
      if (r < 0.5) return { path, status: [500, 503, 504][i % 3]!, times: 1 };
      if (r < 0.7) return { path, reset: 'before-response', times: 1 };
      if (r < 0.95 || path.source.includes('download')) return { path, reset: 'mid-body', times: 1 };
      return { path, status: 410, times: 1 };
    };
    const listing = Array.from({ length: 150 }, (_, i) => kinds(/delta|children/, i));
    const downloads = Array.from({ length: 850 }, (_, i) => kinds(/_download/, i));
    const armed: ReturnType<typeof w.sim.faults.add>[] = [];
    // Armed a few at a time: a request meets at most 5 faults in a row (its retries go on), as in a storm, not an outage.
    const arm = () => {
      for (const rule of listing.splice(0, 5)) armed.push(w.sim.faults.add(rule));
      for (const rule of downloads.splice(0, 30)) armed.push(w.sim.faults.add(rule));
    };
    let edits = 0;
    const converge = async () => {
      for (let round = 0; round < 80; round++) {
        arm();
        await w.poll();
        const left = listing.length + downloads.length + armed.filter((r) => r.remaining > 0).length;
        if (left === 0 && JSON.stringify(await w.documents(clientId)) === JSON.stringify(filesUnder(w.sim, '/Big'))) return round;
        // Faults still to meet: more changes to sync through them.
        if (left > 0) for (let i = 0; i < 40; i++) d.modify(`/Big/a/f0-${Math.floor(random() * 1000)}.txt`, `edit ${++edits}`);
      }
      return -1;
    };
    expect(await converge()).toBeGreaterThanOrEqual(0);
    // Changes after the storm, and their faults too.
    d.remove('/Big/c');
    d.seedFiles('/Big/a', 50, (n) => `late-${n}.txt`, (n) => `late ${n}`);
    d.rename('/Big/b', 'b2');
    expect(await converge()).toBeGreaterThanOrEqual(0);
    const documents = await w.documents(clientId);
    expect(new Set(documents).size).toBe(documents.length);
    expect(documents).toEqual(filesUnder(w.sim, '/Big'));
    expect(documents).toHaveLength(2050);
    expect(armed).toHaveLength(1000);
    expect(armed.reduce((n, r) => n + r.hits, 0)).toBe(1000);
  });
});
