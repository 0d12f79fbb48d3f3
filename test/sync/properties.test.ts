import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/sync/decision.js';
import { applyPage, nextFetch } from '../../src/sync/round.js';
import { onFault } from '../../src/sync/faults.js';
import { finishRound } from '../../src/sync/finish-round.js';
import { initialSyncState, type FolderSyncState } from '../../src/sync/state.js';
import { parseDrivePage } from '../../src/sync/drive-item.js';
import { listMovedIn } from './builders.js';
import { Drive, mutation, pagesOf, ROOT } from './drive-model.js';

const now = '2026-01-15T09:00:00.000Z';

function runRound(state: FolderSyncState, pages: Record<string, unknown>[][]) {
  let s = state;
  pages.forEach((value, i) => {
    const last = i === pages.length - 1;
    s = applyPage(s, parseDrivePage({ value, ...(last ? { '@odata.deltaLink': `dl${i}` } : { '@odata.nextLink': `nl${i}` }) })).state;
  });
  return finishRound(listMovedIn(s, pages.flat()), now);
}

/** The portal as the decisions leave it: item id → "path/name@version" (the version read back from the cTag). */
function applyDecisions(portal: Map<string, string>, decisions: Decision[]) {
  for (const d of decisions) {
    if (d.kind === 'deleted') portal.delete(d.itemId);
    else {
      if ((d.what.includes('added') || d.what.includes('content')) !== (d.download !== null)) throw new Error('download asked for exactly new content');
      portal.set(d.itemId, `${d.folderPath ? `${d.folderPath}/` : ''}${d.name}@${d.cTag!.split('.').pop()}`);
    }
  }
}

const rounds = fc.array(fc.record({ mutations: fc.array(mutation, { maxLength: 12 }), cuts: fc.array(fc.nat(), { maxLength: 4 }) }), { minLength: 1, maxLength: 6 });

describe('sync rounds against a model drive', () => {
  it('leave the portal with exactly the folder\'s files (ids, relative paths, content), whatever the paging and duplicates', () => {
    fc.assert(
      fc.property(rounds, fc.infiniteStream(fc.integer({ min: 0, max: 999 })), (plan, randoms) => {
        const random = () => (randoms.next().value as number) / 1000;
        const drive = new Drive();
        const portal = new Map<string, string>();
        let state = initialSyncState('d', ROOT);
        plan.forEach(({ mutations, cuts }, n) => {
          for (const m of mutations) drive.apply(m);
          const result = runRound(state, pagesOf(drive.round(n === 0, random), cuts));
          applyDecisions(portal, result.decisions);
          // The state is a plain value the runner stores as JSON.
          state = JSON.parse(JSON.stringify(result.state)) as FolderSyncState;
          expect(state).toEqual(result.state);
          expect(Object.fromEntries(portal)).toEqual(drive.files());
          expect(state.itemCount).toBe(Object.keys(drive.files()).length);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('decide nothing when the same round is applied a second time', () => {
    fc.assert(
      fc.property(rounds, fc.infiniteStream(fc.integer({ min: 0, max: 999 })), (plan, randoms) => {
        const random = () => (randoms.next().value as number) / 1000;
        const drive = new Drive();
        let state = initialSyncState('d', ROOT);
        plan.forEach(({ mutations, cuts }, n) => {
          for (const m of mutations) drive.apply(m);
          const pages = pagesOf(drive.round(n === 0, random), cuts);
          state = runRound(state, pages).state;
          const again = runRound(state, pages);
          expect(again.decisions).toEqual([]);
          expect(again.state.synced).toEqual(state.synced);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('remove nothing when a re-enumeration after a 410 is interrupted, and only what a complete one proved absent', () => {
    fc.assert(
      fc.property(rounds, fc.infiniteStream(fc.integer({ min: 0, max: 999 })), fc.array(mutation, { maxLength: 10 }), fc.nat(), (plan, randoms, later, cut) => {
        const random = () => (randoms.next().value as number) / 1000;
        const drive = new Drive();
        let state = initialSyncState('d', ROOT);
        plan.forEach(({ mutations, cuts }, n) => {
          for (const m of mutations) drive.apply(m);
          state = runRound(state, pagesOf(drive.round(n === 0, random), cuts)).state;
        });
        for (const m of later) drive.apply(m);
        // 410: the drive is listed again from scratch, and the listing breaks off part-way.
        const listing = drive.round(true, random);
        let s = onFault(state, { kind: 'resync' }, 1, random, now).state;
        const pages = pagesOf(listing, [cut]);
        for (const value of pages.slice(0, -1)) s = applyPage(s, parseDrivePage({ value, '@odata.nextLink': 'nl' })).state;
        expect(nextFetch(s).kind).not.toBe('finish');
        const interrupted = onFault(s, { kind: 'resync' }, 1, random, now).state;
        expect(interrupted.synced).toEqual(state.synced);
        // Listed again, completely: the portal ends with exactly the drive's files.
        const portal = new Map(Object.entries(state.synced).map(([id, f]) => [id, `${f.folderPath ? `${f.folderPath}/` : ''}${f.name}@${f.cTag!.split('.').pop()}`]));
        const done = runRound(interrupted, [listing]);
        applyDecisions(portal, done.decisions);
        expect(Object.fromEntries(portal)).toEqual(drive.files());
      }),
      { numRuns: 200 },
    );
  });
});
