import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conflictCopyName, oneDriveNameProblem, oneDrivePathProblem, oneDriveSafeName } from '../../src/document/name.js';
import { CHUNK_UNIT, planUpload, recordUploadedItem, remainingChunks, SIMPLE_UPLOAD_LIMIT, syncTarget } from '../../src/sync/upload.js';
import { applyPage } from '../../src/sync/round.js';
import { deltaPage, file, folder, fresh, round } from './builders.js';

const request = { folderPath: 'Tax', name: 'Return.pdf', size: 1000, replaceItemId: null, ifMatch: null };
const ok = (plan: ReturnType<typeof planUpload>) => {
  if (!plan.ok) throw new Error(plan.message);
  return plan;
};

describe('the upload plan', () => {
  it('uploads up to 4 MiB in one PUT, a new file with rename on conflict', () => {
    expect(ok(planUpload({ ...request, size: SIMPLE_UPLOAD_LIMIT }))).toMatchObject({ transfer: { kind: 'simple' }, target: { kind: 'new', conflictBehavior: 'rename' }, sanitised: null });
  });

  it('replaces a document already in OneDrive by its item, guarded by its eTag', () => {
    expect(ok(planUpload({ ...request, replaceItemId: 'Item!1', ifMatch: '"etag"' })).target).toEqual({ kind: 'replace', itemId: 'Item!1', ifMatch: '"etag"' });
  });

  it('above 4 MiB, sends fragments of a multiple of 320 KiB that cover the file exactly once', () => {
    fc.assert(
      fc.property(fc.integer({ min: SIMPLE_UPLOAD_LIMIT + 1, max: 200 * 1024 * 1024 }), fc.option(fc.integer({ min: 1, max: 70 * 1024 * 1024 })), (size, asked) => {
        const plan = ok(planUpload({ ...request, size, ...(asked !== null ? { chunkSize: asked } : {}) }));
        if (plan.transfer.kind !== 'session') throw new Error('expected a session');
        const { chunkSize, chunks } = plan.transfer;
        expect(chunkSize % CHUNK_UNIT).toBe(0);
        expect(chunkSize).toBeGreaterThan(0);
        expect(chunks[0]!.start).toBe(0);
        expect(chunks.at(-1)!.end).toBe(size - 1);
        chunks.forEach((c, i) => {
          if (i > 0) expect(c.start).toBe(chunks[i - 1]!.end + 1);
          if (i < chunks.length - 1) expect(c.end - c.start + 1).toBe(chunkSize);
        });
      }),
    );
  });

  it('resumes from the ranges the session still expects', () => {
    expect(remainingChunks(1000, 300, ['600-'])).toEqual([
      { start: 600, end: 899 },
      { start: 900, end: 999 },
    ]);
    expect(remainingChunks(1000, 300, ['100-199', '900-'])).toEqual([
      { start: 100, end: 199 },
      { start: 900, end: 999 },
    ]);
  });

  it('sanitises names OneDrive refuses and says what it changed', () => {
    const plan = ok(planUpload({ ...request, folderPath: 'Q1: plans', name: 'What? <draft>. ' }));
    expect(plan.folderPath).toBe('Q1： plans');
    expect(plan.name).toBe('What？ ＜draft＞');
    expect(plan.sanitised).toEqual({ from: 'Q1: plans/What? <draft>. ', to: 'Q1： plans/What？ ＜draft＞' });
  });

  it('refuses a path of 400 characters or more, counting the linked folder’s own path', () => {
    const plan = planUpload({ ...request, folderPath: 'a'.repeat(200), name: 'b'.repeat(150), rootPath: 'Clients/' + 'c'.repeat(50) });
    expect(plan).toMatchObject({ ok: false, code: 'document.name_not_allowed_in_onedrive', message: expect.stringContaining('400') });
  });
});

describe('OneDrive names', () => {
  it.each([['CON'], ['desktop.ini'], ['~$draft.docx'], ['a_vti_b'], ['x:y'], ['trailing.'], [' leading'], ['a|b'], ['']])('makes %j acceptable', (name) => {
    const safe = oneDriveSafeName(name);
    expect(oneDriveNameProblem(safe)).toBeUndefined();
    expect(safe.length).toBeGreaterThan(0);
  });

  it('leaves acceptable names as they are', () => {
    fc.assert(fc.property(fc.string({ minLength: 1 }), (name) => {
      fc.pre(oneDriveNameProblem(name) === undefined);
      expect(oneDriveSafeName(name)).toBe(name);
    }));
  });

  it('names the portal copy in a conflict beside the original, keeping the extension', () => {
    expect(conflictCopyName('Return 2024.pdf', new Date('2026-01-15T09:00:00Z'))).toBe('Return 2024 (portal copy 2026-01-15).pdf');
    expect(conflictCopyName('x'.repeat(255) + '.pdf', new Date('2026-01-15T09:00:00Z')).length).toBeLessThanOrEqual(255);
  });

  it('finds folder names OneDrive refuses in a path', () => {
    expect(oneDrivePathProblem('Tax/2024 <old>', 'a.pdf')).toContain('2024 <old>');
    expect(oneDrivePathProblem('Tax/2024', 'a.pdf')).toBeUndefined();
  });
});

describe('echo suppression', () => {
  const uploaded = { id: 'Up!1', name: 'Plan.pdf', parentReference: { id: 'tax' }, file: { hashes: { quickXorHash: 'qx' } }, size: 5, cTag: 'c-up', eTag: 'e-up' };
  const synced = () => round(fresh(), [folder('tax', 'Tax')]).state;

  it('recognises its own upload coming back in the next delta round: nothing is imported', () => {
    const state = recordUploadedItem(synced(), uploaded, { folderPath: 'Tax', name: 'Plan.pdf' });
    expect(round(state, [uploaded]).decisions).toEqual([]);
  });

  it('decides the rename when OneDrive renamed the upload on a name conflict', () => {
    const state = recordUploadedItem(synced(), { ...uploaded, name: 'Plan 1.pdf' }, { folderPath: 'Tax', name: 'Plan.pdf' });
    const r = round(state, [{ ...uploaded, name: 'Plan 1.pdf' }]);
    expect(r.decisions).toEqual([expect.objectContaining({ itemId: 'Up!1', what: ['renamed'], name: 'Plan 1.pdf', download: null })]);
  });

  it('records nothing while a round is in progress, nor under a folder the sync has not seen', () => {
    const mid = applyPage(synced(), deltaPage([file('x', 'x.pdf')], false)).state;
    expect(recordUploadedItem(mid, uploaded, { folderPath: 'Tax', name: 'Plan.pdf' })).toBe(mid);
    const s = synced();
    expect(recordUploadedItem(s, { ...uploaded, parentReference: { id: 'new-folder' } }, { folderPath: 'New', name: 'Plan.pdf' })).toBe(s);
  });
});

describe('where a document marked for sync goes', () => {
  const synced = () => round(fresh(), [folder('tax', 'Tax'), file('F!1', 'Return.pdf', 'tax')]).state;

  it('a new file when the document has no drive item', () => {
    expect(syncTarget({ driveItemId: null }, synced())).toEqual({ kind: 'new' });
  });

  it('a replacement of its item, guarded by the eTag the sync last saw', () => {
    expect(syncTarget({ driveItemId: 'F!1' }, synced())).toEqual({ kind: 'replace', itemId: 'F!1', ifMatch: '"{F!1},c1-Return.pdf"' });
  });

  it('follows the eTag of a later round (a rename in OneDrive moves it)', () => {
    const after = round(synced(), [{ ...file('F!1', 'Return (signed).pdf', 'tax') }]).state;
    expect(syncTarget({ driveItemId: 'F!1' }, after)).toMatchObject({ kind: 'replace', ifMatch: '"{F!1},c1-Return (signed).pdf"' });
  });

  it('waits for the next round when the sync does not know the item yet', () => {
    expect(syncTarget({ driveItemId: 'Unknown!9' }, synced())).toMatchObject({ kind: 'wait' });
  });
});
