import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRetryPolicy, onFault, retryDelay } from '../../src/sync/faults.js';
import { applyPage, nextFetch } from '../../src/sync/round.js';
import { finishRound } from '../../src/sync/finish-round.js';
import { childrenPage, deltaPage, driveId, file, folder, fresh, now, oneNote, placesOf, rootId, round } from './builders.js';

const half = () => 0.5;
const synced = () => round(fresh(), [folder('tax', 'Tax'), file('a', 'a.pdf', 'tax'), file('b', 'b.pdf')]).state;

describe('throttling and dropped connections', () => {
  it('retries the same next-link after Retry-After, never sooner', () => {
    const mid = applyPage(synced(), deltaPage([file('c', 'c.pdf')], false)).state;
    const { state, action } = onFault(mid, { kind: 'throttled', status: 429, retryAfterSeconds: 7 }, 1, half, now);
    expect(action).toEqual({ kind: 'retry', delayMs: 7_500 });
    expect(state).toBe(mid);
    expect(nextFetch(state)).toEqual({ kind: 'delta', driveId, itemId: rootId, url: 'https://graph/delta?page=1' });
  });

  it('backs off exponentially with jitter, capped, when no Retry-After came', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 0.999, noNaN: true }), (attempt, r) => {
        const delay = retryDelay(attempt, () => r, undefined)!;
        const backoff = Math.min(defaultRetryPolicy.maxDelayMs, defaultRetryPolicy.baseDelayMs * 2 ** (attempt - 1));
        expect(delay).toBeGreaterThanOrEqual(backoff / 2 - 1);
        expect(delay).toBeLessThanOrEqual(defaultRetryPolicy.maxDelayMs);
      }),
    );
    expect(retryDelay(3, () => 0, undefined)).toBe(2_000);
    expect(retryDelay(3, () => 0.999, undefined)).toBe(3_998);
  });

  it('gives up for this poll after the last attempt, or when Retry-After asks too long, keeping the round to resume', () => {
    const mid = applyPage(synced(), deltaPage([file('c', 'c.pdf')], false)).state;
    const tired = onFault(mid, { kind: 'connection' }, defaultRetryPolicy.maxAttempts, half, now);
    expect(tired.action).toMatchObject({ kind: 'stop', code: 'onedrive_unreachable' });
    expect(tired.state.round).toEqual(mid.round);
    expect(tired.state.lastError).toMatchObject({ code: 'onedrive_unreachable', at: now });
    expect(onFault(mid, { kind: 'throttled', status: 503, retryAfterSeconds: 3600 }, 1, half, now).action).toMatchObject({ kind: 'stop', code: 'onedrive_busy' });
  });
});

describe('authorisation and quota', () => {
  it('refreshes the token once, then says the firm must reconnect', () => {
    expect(onFault(synced(), { kind: 'unauthorized' }, 1, half, now).action).toEqual({ kind: 'refresh-token' });
    const second = onFault(synced(), { kind: 'unauthorized' }, 2, half, now);
    expect(second.action).toEqual({ kind: 'needs-reconnect', reason: 'account_unavailable' });
    expect(second.state.lastError?.code).toBe('needs_reconnect');
  });

  it('records a full drive and does not retry', () => {
    const { state, action } = onFault(synced(), { kind: 'quota' }, 1, half, now);
    expect(action).toMatchObject({ kind: 'stop', code: 'quota_exceeded' });
    expect(state.lastError?.code).toBe('quota_exceeded');
  });
});

describe('resync (410)', () => {
  it('restarts a full enumeration from the Location link, dropping the stored deltaLink', () => {
    const { state, action } = onFault(synced(), { kind: 'resync', location: 'https://graph/delta?resync=1' }, 1, half, now);
    expect(action).toEqual({ kind: 'restart' });
    expect(state.deltaLink).toBeNull();
    expect(nextFetch(state)).toEqual({ kind: 'delta', driveId, itemId: rootId, url: 'https://graph/delta?resync=1' });
  });

  it('without Location, restarts with a delta without token', () => {
    expect(nextFetch(onFault(synced(), { kind: 'resync' }, 1, half, now).state)).toMatchObject({ kind: 'delta', url: null });
  });

  it('reconciles by id after a complete listing: changes applied, only what the listing proved absent removed', () => {
    const resync = onFault(synced(), { kind: 'resync' }, 1, half, now).state;
    const listed = applyPage(resync, deltaPage([folder('tax', 'Tax'), file('a', 'renamed.pdf', 'tax')])).state;
    const r = finishRound(listed, now);
    expect(r.decisions.map((d) => [d.itemId, d.what])).toEqual([
      ['b', ['removed']],
      ['a', ['renamed']],
    ]);
  });

  it('removes nothing when the enumeration is interrupted, even by another 410', () => {
    const before = synced();
    const resync = onFault(before, { kind: 'resync' }, 1, half, now).state;
    const partial = applyPage(resync, deltaPage([folder('tax', 'Tax')], false)).state;
    const again = onFault(partial, { kind: 'resync' }, 1, half, now).state;
    expect(again.round).toMatchObject({ entries: {} });
    expect(again.synced).toEqual(before.synced);
    const done = finishRound(applyPage(again, deltaPage([folder('tax', 'Tax'), file('a', 'a.pdf', 'tax'), file('b', 'b.pdf')])).state, now);
    expect(done.decisions).toEqual([]);
  });

  it('switches the folder to the children walk when delta keeps asking for resync', () => {
    let state = synced();
    for (let i = 0; i < defaultRetryPolicy.maxResyncs; i++) {
      state = onFault(state, { kind: 'resync' }, 1, half, now).state;
      expect(state.mode).toBe('delta');
      state = round(state, [folder('tax', 'Tax'), file('a', 'a.pdf', 'tax'), file('b', 'b.pdf')]).state;
    }
    state = onFault(state, { kind: 'resync' }, 1, half, now).state;
    expect(state.mode).toBe('children-walk');
    expect(nextFetch(state)).toEqual({ kind: 'children', driveId, folderId: rootId, url: null });
  });
});

describe('children walk', () => {
  const walking = () => onFault(synced(), { kind: 'delta-refused', status: 501 }, 1, half, now).state;

  it('is what a refused folder delta falls back to', () => {
    expect(walking().mode).toBe('children-walk');
    expect(nextFetch(walking())).toEqual({ kind: 'children', driveId, folderId: rootId, url: null });
  });

  it('lists each folder page by page, sub-folders in turn but not OneNote notebooks, then decides like an enumeration', () => {
    let s = walking();
    s = applyPage(s, childrenPage([folder('tax', 'Tax'), oneNote('nb', 'Notebook')], 'https://graph/children?p=2')).state;
    expect(nextFetch(s)).toEqual({ kind: 'children', driveId, folderId: rootId, url: 'https://graph/children?p=2' });
    s = applyPage(s, childrenPage([folder('new', 'New'), file('c', 'c.pdf')])).state;
    expect(nextFetch(s)).toEqual({ kind: 'children', driveId, folderId: 'tax', url: null });
    // A children listing's items may come without parent ids: they belong to the folder listed.
    const { parentReference: _p, ...bare } = file('a', 'a.pdf', 'tax', 'c2');
    s = applyPage(s, childrenPage([bare])).state;
    expect(nextFetch(s)).toEqual({ kind: 'children', driveId, folderId: 'new', url: null });
    const last = applyPage(s, childrenPage([file('d', 'd.pdf', 'new')]));
    expect(last.next).toEqual({ kind: 'finish' });
    const r = finishRound(last.state, now);
    expect(Object.fromEntries(r.decisions.map((d) => [d.itemId, d.what]))).toEqual({ a: ['content'], b: ['removed'], c: ['added'], d: ['added'] });
    expect(placesOf(r.state)).toEqual({ a: 'Tax/a.pdf', c: 'c.pdf', d: 'New/d.pdf' });
    expect(r.state.deltaLink).toBeNull();
  });
});
