import { describe, expect, it } from 'vitest';
import { applyPage, nextFetch } from '../../src/sync/round.js';
import { finishRound, withhold } from '../../src/sync/finish-round.js';
import { parseDrivePage, sameDriveId } from '../../src/sync/drive-item.js';
import { failureReport, roundReport } from '../../src/sync/report.js';
import { childrenPage, deleted, deltaPage, driveId, file, folder, fresh, now, oneNote, placesOf, rootEntry, rootId, round, shortcut } from './builders.js';

const A = 'f0A1b2C3!aBc1';
const B = 'f0A1b2C3!aBc2';
const TAX = 'f0A1b2C3!dir1';
const Y24 = 'f0A1b2C3!dir2';

const first = () => round(fresh(), [rootEntry(), folder(TAX, 'Tax'), file(A, 'Return.pdf', TAX), file(B, 'Notes.txt')]);
const what = (r: ReturnType<typeof round>) => Object.fromEntries(r.decisions.map((d) => [d.itemId, d.what]));

describe('the first round', () => {
  it('adds every file of the folder, each at its relative path, asking for its content', () => {
    const r = first();
    expect(what(r)).toEqual({ [A]: ['added'], [B]: ['added'] });
    expect(placesOf(r.state)).toEqual({ [A]: 'Tax/Return.pdf', [B]: 'Notes.txt' });
    const a = r.decisions.find((d) => d.itemId === A)!;
    expect(a).toMatchObject({ kind: 'upserted', folderPath: 'Tax', name: 'Return.pdf', cTag: `"c:{${A}},c1"` });
    expect(a.kind === 'upserted' && a.download).toEqual({ itemId: A, size: 100, quickXorHash: 'qx-c1', downloadUrl: `https://dl.example/${A}` });
  });

  it('starts with a folder delta without token, and stores the deltaLink only once the last page is applied', () => {
    const s0 = fresh();
    expect(nextFetch(s0)).toEqual({ kind: 'delta', driveId, itemId: rootId, url: null });
    const p1 = applyPage(s0, deltaPage([folder(TAX, 'Tax')], false, 1));
    expect(p1.next).toEqual({ kind: 'delta', driveId, itemId: rootId, url: 'https://graph/delta?page=1' });
    expect(p1.state.deltaLink).toBeNull();
    const p2 = applyPage(p1.state, deltaPage([file(A, 'Return.pdf', TAX)], true, 2));
    expect(p2.next).toEqual({ kind: 'finish' });
    expect(p2.state.deltaLink).toBeNull();
    const done = finishRound(p2.state, now);
    expect(done.state.deltaLink).toBe('https://graph/delta?token=t2');
    expect(done.state).toMatchObject({ round: null, itemCount: 1, lastSuccessAt: now, lastError: null });
    expect(nextFetch(done.state)).toEqual({ kind: 'delta', driveId, itemId: rootId, url: 'https://graph/delta?token=t2' });
  });

  it('refuses to finish a round whose last page has not come', () => {
    const s = applyPage(fresh(), deltaPage([file(A, 'a.pdf')], false)).state;
    expect(() => finishRound(s, now)).toThrow(/not complete/);
  });

  it('never makes the linked folder itself a document, and skips OneNote notebooks, what lies in them, and shortcuts', () => {
    const r = round(fresh(), [rootEntry(), oneNote('nb', 'Meetings'), file('sec', 'Section.one', 'nb'), shortcut('sc', 'Shared'), file(A, 'a.pdf')]);
    expect(Object.keys(r.state.synced)).toEqual([A]);
    expect(r.decisions.map((d) => d.itemId)).toEqual([A]);
  });

  it('takes a parent on another drive as outside the folder, whatever the letter case of ours', () => {
    const other = { ...file('x', 'x.pdf'), parentReference: { driveId: 'someone-else', id: rootId } };
    const ours = { ...file('y', 'y.pdf'), parentReference: { driveId: driveId.toUpperCase(), id: rootId } };
    expect(Object.keys(round(fresh(), [other, ours]).state.synced)).toEqual(['y']);
  });

  it('ignores fields Graph adds and compares drive ids without regard to case', () => {
    expect(() => parseDrivePage({ value: [{ ...file(A, 'a.pdf'), shared: { scope: 'users' } }], '@odata.deltaLink': 'x' })).not.toThrow();
    expect(sameDriveId('b8f3A1', 'B8F3a1')).toBe(true);
    expect(() => parseDrivePage({ value: [{ name: 'no id' }], '@odata.deltaLink': 'x' })).toThrow();
  });
});

describe('later rounds', () => {
  it('decides nothing for an unchanged folder (an empty delta page)', () => {
    const r = round(first().state, []);
    expect(r.decisions).toEqual([]);
  });

  it('gives a new version when the cTag changed, with the expected size and hash to verify', () => {
    const r = round(first().state, [file(B, 'Notes.txt', rootId, 'c2', 120)]);
    expect(r.decisions).toEqual([
      expect.objectContaining({ itemId: B, what: ['content'], download: expect.objectContaining({ size: 120, quickXorHash: 'qx-c2' }) }),
    ]);
  });

  it('renames without a download, not remove and add', () => {
    const r = round(first().state, [file(B, 'Notes 2024.txt')]);
    expect(r.decisions).toEqual([expect.objectContaining({ itemId: B, what: ['renamed'], kind: 'upserted', name: 'Notes 2024.txt', download: null })]);
  });

  it('moves a file between sub-folders of the linked folder', () => {
    const r = round(first().state, [file(B, 'Notes.txt', TAX)]);
    expect(r.decisions).toEqual([expect.objectContaining({ itemId: B, what: ['moved'], folderPath: 'Tax', download: null })]);
  });

  it('moves everything below a renamed folder, which is the only entry Graph sends', () => {
    const s = round(first().state, [folder(Y24, '2024', TAX), file('c', 'P60.pdf', Y24)]).state;
    const r = round(s, [folder(TAX, 'Taxes')]);
    expect(what(r)).toEqual({ [A]: ['moved'], c: ['moved'] });
    expect(placesOf(r.state)).toMatchObject({ [A]: 'Taxes/Return.pdf', c: 'Taxes/2024/P60.pdf' });
  });

  it('removes a file with a deleted facet, whatever its junk hash says', () => {
    const r = round(first().state, [deleted(B)]);
    expect(r.decisions).toEqual([{ itemId: B, what: ['removed'], kind: 'deleted' }]);
  });

  it('removes a file moved out of the linked folder, and adds it again when it comes back', () => {
    const out = round(first().state, [file(B, 'Notes.txt', 'elsewhere!1')]);
    expect(out.decisions).toEqual([{ itemId: B, what: ['removed'], kind: 'deleted' }]);
    expect(out.state.tree[B]).toBeUndefined();
    const back = round(out.state, [file(B, 'Notes.txt')]);
    expect(what(back)).toEqual({ [B]: ['added'] });
  });

  it('removes everything below a folder moved out or deleted', () => {
    expect(what(round(first().state, [folder(TAX, 'Tax', 'elsewhere!1')]))).toEqual({ [A]: ['removed'] });
    expect(what(round(first().state, [deleted(TAX)]))).toEqual({ [A]: ['removed'] });
  });

  it('adds a folder moved in, with the files inside it', () => {
    const r = round(first().state, [folder('in', 'Moved in'), file('x', 'x.pdf', 'in')]);
    expect(what(r)).toEqual({ x: ['added'] });
    expect(placesOf(r.state).x).toBe('Moved in/x.pdf');
  });

  it('lists by children a folder moved in alone (delta does not send what it holds), then its new sub-folders, before the round ends', () => {
    let s = applyPage(first().state, deltaPage([folder('in', 'Moved in'), folder(TAX, 'Tax renamed')])).state;
    expect(nextFetch(s)).toEqual({ kind: 'children', driveId, folderId: 'in', url: null });
    s = applyPage(s, childrenPage([folder('sub', 'Sub', 'in')], 'https://graph/children?page=2')).state;
    expect(nextFetch(s)).toEqual({ kind: 'children', driveId, folderId: 'in', url: 'https://graph/children?page=2' });
    s = applyPage(s, childrenPage([file('x', 'x.pdf', 'in')])).state;
    expect(nextFetch(s)).toEqual({ kind: 'children', driveId, folderId: 'sub', url: null });
    s = applyPage(s, childrenPage([file('y', 'y.pdf', 'sub')])).state;
    expect(nextFetch(s)).toEqual({ kind: 'finish' });
    expect(placesOf(finishRound(s, now).state)).toMatchObject({ x: 'Moved in/x.pdf', y: 'Moved in/Sub/y.pdf' });
  });

  it('takes the last occurrence of an item in a round, across pages', () => {
    const r = round(first().state, [file(B, 'First.txt', rootId, 'c2')], [deleted(B)], [file(B, 'Last.txt', TAX, 'c3')]);
    expect(r.decisions).toEqual([expect.objectContaining({ itemId: B, what: ['content', 'renamed', 'moved'], folderPath: 'Tax', name: 'Last.txt', cTag: `"c:{${B}},c3"` })]);
  });

  it('decides nothing when the same round is applied again', () => {
    const pages = [[file(B, 'Renamed.txt', TAX, 'c2')], [folder('n', 'New'), file('z', 'z.pdf', 'n')]];
    const once = round(first().state, ...pages);
    expect(once.decisions.length).toBe(2);
    expect(round(once.state, ...pages).decisions).toEqual([]);
  });

  it('lets an item recreated under a new id replace the old one at that path', () => {
    const r = round(first().state, [deleted(B), file('B-new', 'Notes.txt')]);
    expect(what(r)).toEqual({ [B]: ['removed'], 'B-new': ['added'] });
  });

  it('falls back to the hash and size when a cTag is missing, and then always asks for the content', () => {
    const noCTag = (id: string, name: string, content: string) => {
      const { cTag: _c, ...rest } = file(id, name, rootId, content);
      return rest;
    };
    const s = round(fresh(), [noCTag(B, 'n.txt', 'c1')]).state;
    const renamed = round(s, [noCTag(B, 'm.txt', 'c1')]);
    expect(renamed.decisions).toEqual([expect.objectContaining({ what: ['renamed'], download: expect.objectContaining({ itemId: B }) })]);
    expect(round(s, [noCTag(B, 'n.txt', 'c2')]).decisions).toEqual([expect.objectContaining({ what: ['content'] })]);
  });

  it('skips a file whose name the portal cannot hold, saying why, and decides the rest', () => {
    const r = round(fresh(), [file('bad', 'x'.repeat(300)), file(A, 'a.pdf')]);
    expect(r.decisions.map((d) => d.itemId)).toEqual([A]);
    expect(r.skipped).toEqual([{ itemId: 'bad', name: 'x'.repeat(300), reason: expect.stringContaining('255') }]);
  });

  it('removes nothing when the linked folder itself is deleted, and says the folder is gone', () => {
    const r = round(first().state, [deleted(rootId), deleted(A), deleted(B)]);
    expect(r.decisions).toEqual([]);
    expect(r.state.folderGone).toBe(true);
    expect(r.state.synced).toEqual(first().state.synced);
  });

  it('decides a withheld item again in the next round, even when Graph does not list it again', () => {
    const before = first().state;
    const r = round(before, [file(B, 'Notes.txt', rootId, 'c2'), file('n', 'new.pdf')]);
    const state = withhold(before, r.state, [B, 'n']);
    expect(state.itemCount).toBe(2);
    const next = round(state, []);
    expect(Object.fromEntries(next.decisions.map((d) => [d.itemId, d.what]))).toEqual({ [B]: ['content'], n: ['added'] });
    expect(next.decisions.every((d) => d.kind === 'upserted' && d.download !== null)).toBe(true);
  });
});

describe('reports to the folder link', () => {
  it('counts what a round added, changed and removed, with the folder it is about', () => {
    const before = first().state;
    const r = round(before, [deleted(B), file(A, 'Renamed.pdf', TAX, 'c2'), file('n', 'n.pdf')]);
    expect(roundReport('client-1', before, r)).toEqual({ clientId: 'client-1', driveId, itemId: rootId, itemCount: 2, added: 1, changed: 1, removed: 1, mode: 'delta' });
  });

  it('reports a stopped sync and a folder gone, nothing for a healthy one', () => {
    expect(failureReport('c', first().state)).toBeNull();
    const gone = round(first().state, [deleted(rootId)]).state;
    expect(failureReport('c', gone)).toMatchObject({ code: 'folder_gone', itemId: rootId });
  });
});
