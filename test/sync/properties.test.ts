import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/sync/decision.js';
import { applyPage } from '../../src/sync/round.js';
import { finishRound } from '../../src/sync/finish-round.js';
import { initialSyncState, type FolderSyncState } from '../../src/sync/state.js';
import { parseDrivePage } from '../../src/sync/drive-item.js';
import { Drive, mutation, pagesOf, ROOT } from './drive-model.js';

const now = '2026-01-15T09:00:00.000Z';

function runRound(state: FolderSyncState, pages: Record<string, unknown>[][]) {
  let s = state;
  pages.forEach((value, i) => {
    const last = i === pages.length - 1;
    s = applyPage(s, parseDrivePage({ value, ...(last ? { '@odata.deltaLink': `dl${i}` } : { '@odata.nextLink': `nl${i}` }) })).state;
  });
  return finishRound(s, now);
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
          state = result.state;
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
});
