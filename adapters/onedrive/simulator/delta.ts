import type { Change, Drive, Item, ItemState } from './drive.js';
import { GraphFault } from './errors.js';
import { base64url, fromBase64url, opaque } from './ids.js';

export interface DeltaSettings {
  /** Entries per page when the request gives no `$top` (Graph's own default is about 200). */
  pageSize: number;
  /** Every n-th entry of a round also appears later in the round (0: never); the earlier one may be stale. */
  duplicateEvery: number;
  /** How folder delta reports an item moved out of the folder: as deleted, or with its new (outside) parent. */
  movedOut: 'deleted' | 'parent';
}

/** One entry of a round: a state to render, possibly a stale one shown before the item's final state. */
export interface DeltaEntry {
  state: ItemState;
}

interface Round {
  driveId: string;
  scopeId: string;
  entries: DeltaEntry[];
  endSeq: number;
}

export type DeltaToken = { kind: 'start' } | { kind: 'latest' } | { kind: 'since'; seq: number } | { kind: 'page'; round: string; offset: number };

export const sinceToken = (seq: number) => base64url(`d:${seq}`);
const pageToken = (round: string, offset: number) => base64url(`p:${round}:${offset}`);

export function parseDeltaToken(raw: string | null): DeltaToken {
  if (raw === null || raw === '') return { kind: 'start' };
  if (raw === 'latest') return { kind: 'latest' };
  const [kind, a, b] = fromBase64url(raw).split(':');
  if (kind === 'd' && a !== undefined && /^\d+$/.test(a)) return { kind: 'since', seq: Number(a) };
  if (kind === 'p' && a !== undefined && b !== undefined && /^\d+$/.test(b)) return { kind: 'page', round: a, offset: Number(b) };
  throw new GraphFault(400, 'invalidRequest', 'Invalid delta token.');
}

/** The first index of the log with a sequence number above `seq` (the log is in sequence order). */
function firstAfter(log: Change[], seq: number): number {
  let low = 0;
  let high = log.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (log[mid]!.seq <= seq) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Every live item of the folder's tree, the folder first and parents before children. */
function enumerate(drive: Drive, scope: Item): ItemState[] {
  const out: ItemState[] = [];
  const queue: Item[] = [scope];
  for (let i = 0; i < queue.length; i++) {
    const item = queue[i]!;
    out.push(item);
    for (const id of item.children) queue.push(drive.items.get(id)!);
  }
  return out;
}

/**
 * The entries of the changes after `since` that concern the folder's tree: items now inside it,
 * and items that were inside it before their first change of the round (moved out since).
 * Entries are in order of each item's first change in the round, with the item's latest state.
 */
function changesSince(drive: Drive, scope: Item, since: number, settings: DeltaSettings): Array<{ first: ItemState; last: ItemState }> {
  const byItem = new Map<string, { first: Change; last: Change }>();
  for (let i = firstAfter(drive.log, since); i < drive.log.length; i++) {
    const change = drive.log[i]!;
    const seen = byItem.get(change.itemId);
    if (seen === undefined) byItem.set(change.itemId, { first: change, last: change });
    else seen.last = change;
  }
  const out: Array<{ first: ItemState; last: ItemState }> = [];
  for (const { first } of byItem.values()) {
    const item = drive.items.get(first.itemId)!;
    if (drive.isWithin(item, scope.id)) {
      out.push({ first: first.state, last: { ...item } });
      continue;
    }
    const wasInside = first.before.includes(scope.id);
    if (!wasInside) continue;
    const last: ItemState = settings.movedOut === 'deleted' ? { ...item, deleted: true, parentId: first.before[0]! } : { ...item };
    out.push({ first: first.state, last });
  }
  return out;
}

/** The delta rounds in progress, so that next links page through a fixed list. */
export class DeltaRounds {
  private readonly rounds = new Map<string, Round>();

  constructor(private readonly settings: DeltaSettings) {}

  /** Starts a round (from nothing or from a sequence number) and returns its id. */
  start(drive: Drive, scope: Item, since: number | null): string {
    if (since !== null && (since < drive.resyncBefore || since > drive.seq)) throw resyncRequired();
    const listed =
      since === null
        ? enumerate(drive, scope).map((state) => ({ first: state, last: { ...state } }))
        : changesSince(drive, scope, since, this.settings);
    const entries: DeltaEntry[] = [];
    const repeats: DeltaEntry[] = [];
    listed.forEach(({ first, last }, i) => {
      const every = this.settings.duplicateEvery;
      if (every > 0 && i % every === 0) {
        entries.push({ state: first });
        repeats.push({ state: last });
      } else {
        entries.push({ state: last });
      }
    });
    const id = opaque(9);
    this.rounds.set(id, { driveId: drive.id, scopeId: scope.id, entries: [...entries, ...repeats], endSeq: drive.seq });
    if (this.rounds.size > 500) this.rounds.delete(this.rounds.keys().next().value!);
    return id;
  }

  /** One page of a round: its entries and either the next page's token or the next round's. */
  page(roundId: string, offset: number, size: number): { entries: DeltaEntry[]; next?: string; delta?: string; scopeId: string; driveId: string } {
    const round = this.rounds.get(roundId);
    if (round === undefined) throw resyncRequired();
    const end = offset + size;
    const entries = round.entries.slice(offset, end);
    const base = { entries, scopeId: round.scopeId, driveId: round.driveId };
    if (end < round.entries.length) return { ...base, next: pageToken(roundId, end) };
    return { ...base, delta: sinceToken(round.endSeq) };
  }
}

export const resyncRequired = (location?: string) =>
  new GraphFault(
    410,
    'resyncRequired',
    'Resync required. Replace any local items with the server\'s version (including deletes) if you\'re sure that the service was up to date with your local changes when you last sync\'d. Upload any local changes that the server doesn\'t know about.',
    location === undefined ? {} : { location },
  );
