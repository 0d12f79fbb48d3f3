/**
 * A tiny OneDrive for the properties: items by id under a root (the linked folder) and an outside
 * folder, mutated at random, and the delta entries Graph could send for a round of those mutations
 * (latest state per touched item, moved-in sub-trees in full, moves out as either a deletion or an
 * entry whose parent lies outside, stale duplicates earlier in the round).
 */
import fc from 'fast-check';

export const ROOT = 'Root!Ab';
export const OUTSIDE = 'Out!Cd';

interface Item {
  parentId: string;
  name: string;
  kind: 'file' | 'folder';
  version: number;
}

export type Mutation =
  | { op: 'create'; kind: 'file' | 'folder'; where: number; name: string }
  | { op: 'rename'; which: number; name: string }
  | { op: 'move'; which: number; where: number }
  | { op: 'edit'; which: number }
  | { op: 'delete'; which: number };

const names = fc.constantFrom('a.pdf', 'B.txt', 'Tax', 'tax', '2024', 'Notes');
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('create' as const), kind: fc.constantFrom('file' as const, 'folder' as const), where: fc.nat(), name: names }),
  fc.record({ op: fc.constant('rename' as const), which: fc.nat(), name: names }),
  fc.record({ op: fc.constant('move' as const), which: fc.nat(), where: fc.nat() }),
  fc.record({ op: fc.constant('edit' as const), which: fc.nat() }),
  fc.record({ op: fc.constant('delete' as const), which: fc.nat() }),
);

export class Drive {
  items = new Map<string, Item>();
  private touched = new Set<string>();
  private insideAtStart = new Set<string>();
  private next = 0;

  private folders(): string[] {
    return [ROOT, OUTSIDE, ...[...this.items].filter(([, i]) => i.kind === 'folder').map(([id]) => id)];
  }

  /** True when `id` lies (at any depth) below `ancestor`. */
  below(id: string, ancestor: string): boolean {
    let at = this.items.get(id)?.parentId;
    for (let hops = 0; at !== undefined && hops < 1000; hops++) {
      if (at === ancestor) return true;
      at = this.items.get(at)?.parentId;
    }
    return false;
  }

  apply(m: Mutation): void {
    const ids = [...this.items.keys()];
    const folders = this.folders();
    if (m.op === 'create') {
      // Mixed-case, new-style opaque ids.
      const id = `Item!${(this.next++).toString(36)}Xy`;
      this.items.set(id, { parentId: folders[m.where % folders.length]!, name: m.name, kind: m.kind, version: 1 });
      this.touched.add(id);
      return;
    }
    if (ids.length === 0) return;
    const id = ids[m.which % ids.length]!;
    const item = this.items.get(id)!;
    if (m.op === 'rename') item.name = m.name;
    if (m.op === 'edit' && item.kind === 'file') item.version++;
    if (m.op === 'move') {
      const target = folders[m.where % folders.length]!;
      if (target === id || this.below(target, id)) return;
      item.parentId = target;
    }
    if (m.op === 'delete') {
      for (const other of ids) if (other === id || this.below(other, id)) (this.items.delete(other), this.touched.add(other));
    }
    this.touched.add(id);
  }

  /** Files below the root: id → "path/name@version". */
  files(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [id, item] of this.items) {
      if (item.kind !== 'file' || !this.below(id, ROOT)) continue;
      const path: string[] = [item.name];
      for (let at = item.parentId; at !== ROOT; at = this.items.get(at)!.parentId) path.unshift(this.items.get(at)!.name);
      out[id] = `${path.join('/')}@${item.version}`;
    }
    return out;
  }

  private entry(id: string, deletedWhenOut: boolean): Record<string, unknown> {
    const item = this.items.get(id);
    if (item === undefined || (!this.below(id, ROOT) && deletedWhenOut)) return { id, deleted: {}, parentReference: {} };
    const facet = item.kind === 'file' ? { file: { hashes: { quickXorHash: `qx${id}${item.version}` } }, size: item.version, cTag: `c${id}.${item.version}` } : { folder: {} };
    return { id, name: item.name, parentReference: { id: item.parentId, driveId: 'd' }, eTag: `e${id}${item.version}${item.name}`, ...facet };
  }

  /**
   * The entries of the round since the last call; `enumerate`: everything below the root, as a first
   * sync lists it. `random` picks how moves out show and where stale duplicates go.
   */
  round(enumerate: boolean, random: fc.Random | (() => number)): Record<string, unknown>[] {
    const rnd = typeof random === 'function' ? random : () => random.nextDouble();
    const inside = new Set([...this.items.keys()].filter((id) => this.below(id, ROOT)));
    const ids = new Set(enumerate ? inside : [...this.touched].filter((id) => inside.has(id) || this.insideAtStart.has(id) || !this.items.has(id)));
    // A folder moved in comes with what is inside it.
    for (const id of [...ids]) if (inside.has(id) && !this.insideAtStart.has(id)) for (const d of inside) if (this.below(d, id)) ids.add(d);
    // Parents before children, as Graph lists them, then shuffled a little: the order must not matter.
    const entries = [...ids].map((id) => this.entry(id, rnd() < 0.5));
    for (let i = entries.length - 1; i > 0; i--) {
      if (rnd() < 0.3) {
        const j = Math.floor(rnd() * (i + 1));
        [entries[i], entries[j]] = [entries[j]!, entries[i]!];
      }
    }
    // Stale duplicates: an earlier occurrence of an item with other facts; the last one wins.
    const withDuplicates = [...entries];
    for (const e of entries) {
      if (rnd() < 0.2) withDuplicates.splice(Math.floor(rnd() * withDuplicates.indexOf(e)), 0, { ...e, name: 'stale.tmp', cTag: 'stale', parentReference: { id: ROOT } });
    }
    if (enumerate) {
      withDuplicates.unshift({ id: ROOT, name: 'Client', folder: {}, parentReference: { id: 'Top!1' } });
    }
    this.touched.clear();
    this.insideAtStart = inside;
    return withDuplicates;
  }
}

/** Cuts a round's entries into pages at random places (empty pages included). */
export function pagesOf(entries: Record<string, unknown>[], cuts: number[]): Record<string, unknown>[][] {
  const at = [...new Set(cuts.map((c) => c % (entries.length + 1)))].sort((a, b) => a - b);
  const pages: Record<string, unknown>[][] = [];
  let from = 0;
  for (const cut of at) (pages.push(entries.slice(from, cut)), (from = cut));
  pages.push(entries.slice(from));
  return pages;
}
