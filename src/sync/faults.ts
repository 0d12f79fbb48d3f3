/**
 * What to do when a Graph request of the sync fails. The adapter classifies the failure (status,
 * Retry-After, Location, a reset connection); these functions decide, taking randomness as a
 * parameter so the jitter is testable.
 */
import type { ReconnectReason } from '../firm/events.js';
import type { FolderSyncState } from './state.js';

export type GraphFault =
  /** 429, 503, 504 (and 509, 500, 502): Retry-After in seconds when the answer had one. */
  | { kind: 'throttled'; status: number; retryAfterSeconds?: number }
  /** 410 on delta: the token is no longer valid; Location holds a link that starts a full enumeration. */
  | { kind: 'resync'; location?: string }
  /** 400 or 501 on a folder-scoped delta: this folder cannot be followed by delta. */
  | { kind: 'delta-refused'; status: number }
  | { kind: 'unauthorized' }
  /** 507: the drive is full. */
  | { kind: 'quota' }
  /** The connection was reset or timed out mid-request. */
  | { kind: 'connection' }
  /** An answer the sync cannot read (not a drive page): not retried within this poll, recorded. */
  | { kind: 'unreadable'; message: string }
  /** 404 / 403 on the linked folder, or anything else: not retried within this poll. */
  | { kind: 'other'; status: number; message: string };

export type FaultAction =
  /** Send the same request again (the same next-link) after the delay. */
  | { kind: 'retry'; delayMs: number }
  /** Refresh the access token, then send the same request again. */
  | { kind: 'refresh-token' }
  /** Record that the firm's OneDrive needs reconnecting (MarkOneDriveNeedsReconnect) and stop polling the firm. */
  | { kind: 'needs-reconnect'; reason: ReconnectReason }
  /** Give up for this poll: record the failure; the next poll resumes from the last stored state. */
  | { kind: 'stop'; code: string; message: string }
  /** The state changed to a new round (an enumeration, or the children walk): continue with nextFetch. */
  | { kind: 'restart' };

export interface RetryPolicy {
  /** Attempts of one request before giving up until the next poll. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Resync answers in a row before the folder is walked by children instead of delta. */
  maxResyncs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 6, baseDelayMs: 1_000, maxDelayMs: 120_000, maxResyncs: 3 };

/**
 * The delay before attempt `attempt + 1`: exponential backoff with jitter, capped; or Retry-After
 * when Graph gave one (never less, plus up to a base delay of jitter). Null when Retry-After asks
 * for longer than the cap: better to give the slot back and try at the next poll. `random` is in [0, 1).
 */
export function retryDelay(attempt: number, random: () => number, retryAfterSeconds: number | undefined, policy = defaultRetryPolicy): number | null {
  if (retryAfterSeconds !== undefined) {
    const asked = retryAfterSeconds * 1000;
    return asked > policy.maxDelayMs ? null : Math.min(policy.maxDelayMs, asked + Math.floor(random() * policy.baseDelayMs));
  }
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(backoff / 2 + (random() * backoff) / 2);
}

const failure = (code: string, message: string, at: string) => ({ code, message, at });

/**
 * Decides what to do about `fault`, the `attempt`-th failure in a row of the same request (1 for
 * the first), and the state to store with it.
 */
export function onFault(
  state: FolderSyncState,
  fault: GraphFault,
  attempt: number,
  random: () => number,
  now: string,
  policy = defaultRetryPolicy,
): { state: FolderSyncState; action: FaultAction } {
  switch (fault.kind) {
    case 'throttled':
    case 'connection': {
      const retryAfter = fault.kind === 'throttled' ? fault.retryAfterSeconds : undefined;
      const delayMs = attempt < policy.maxAttempts ? retryDelay(attempt, random, retryAfter, policy) : null;
      if (delayMs !== null) return { state, action: { kind: 'retry', delayMs } };
      const message = fault.kind === 'throttled' ? `OneDrive kept answering ${fault.status} (busy).` : 'The connection to OneDrive kept failing.';
      // The round in progress is kept: the next poll resumes from its last applied page.
      return stop(state, failure(fault.kind === 'throttled' ? 'onedrive_busy' : 'onedrive_unreachable', message, now));
    }
    case 'resync': {
      const resyncs = state.resyncs + 1;
      if (resyncs > policy.maxResyncs) return walkInstead(state);
      // An interrupted enumeration decided nothing, so starting over loses nothing.
      const round = { kind: 'delta' as const, enumeration: true, next: fault.location ?? null, deltaLink: null, entries: {} };
      return { state: { ...state, resyncs, deltaLink: null, round }, action: { kind: 'restart' } };
    }
    case 'delta-refused':
      return walkInstead(state);
    case 'unauthorized': {
      if (attempt <= 1) return { state, action: { kind: 'refresh-token' } };
      const next = { ...state, lastError: failure('needs_reconnect', 'OneDrive refused the connection: reconnect OneDrive.', now) };
      // The token was just refreshed and Graph still refuses it: the account itself is out of reach.
      return { state: next, action: { kind: 'needs-reconnect', reason: 'account_unavailable' } };
    }
    case 'quota':
      return stop(state, failure('quota_exceeded', 'The OneDrive account is full.', now));
    case 'other':
      return stop(state, failure(`graph_${fault.status}`, fault.message, now));
    case 'unreadable':
      return stop(state, failure('onedrive_unreadable_answer', `OneDrive sent a listing the sync cannot read: ${fault.message}`, now));
  }
}

function stop(state: FolderSyncState, error: { code: string; message: string; at: string }) {
  return { state: { ...state, lastError: error }, action: { kind: 'stop' as const, code: error.code, message: error.message } };
}

/** Folder delta refused or resyncing again and again: list the folder by children walk from now on. */
function walkInstead(state: FolderSyncState): { state: FolderSyncState; action: FaultAction } {
  const round = { kind: 'walk' as const, enumeration: true as const, current: { folderId: state.rootId, next: null }, queue: [], entries: {} };
  return { state: { ...state, mode: 'children-walk', deltaLink: null, resyncs: 0, walks: 0, round }, action: { kind: 'restart' } };
}
