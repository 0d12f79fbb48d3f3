import { quickXorHash } from '../../../src/sync/quick-xor-hash.js';
import { invalidRequest, nameExists, notFound, quotaReached } from './errors.js';
import { itemIds, newCid, type IdStyle } from './ids.js';

export type DriveType = 'personal' | 'business';
export type ItemKind = 'folder' | 'file' | 'notebook' | 'shortcut';

/** One drive item; deleted items stay as tombstones so that delta can report them. */
export interface Item {
  id: string;
  name: string;
  parentId: string | null;
  kind: ItemKind;
  content: Buffer;
  mimeType: string;
  hash: string;
  remote?: { driveId: string; itemId: string };
  children: Set<string>;
  etag: number;
  ctag: number;
  created: string;
  modified: string;
  deleted: boolean;
}

/** What an item looked like right after a change: the delta rounds replay these for duplicates. */
export type ItemState = Omit<Item, 'children'>;

/** One entry of the change log; one mutation shares its sequence number across every item it touched. */
export interface Change {
  seq: number;
  itemId: string;
  /** The item's ancestors (parent first) just before the change: tells a move out of a folder. */
  before: string[];
  state: ItemState;
}

export interface DriveOptions {
  driveType?: DriveType;
  ownerName?: string;
  ownerId?: string;
  idStyle?: IdStyle;
  quotaBytes?: number;
  now?: () => Date;
}

const FORBIDDEN = /["*:<>?/\\|]/;
const RESERVED = /^(\.lock|desktop\.ini|con|prn|aux|nul|com\d|lpt\d)$/i;

function checkName(name: string): void {
  if (name.length === 0 || FORBIDDEN.test(name) || /[ .]$/.test(name) || /^\s/.test(name) || RESERVED.test(name)) {
    throw invalidRequest(`The name "${name}" contains invalid characters or is reserved.`);
  }
}

const MIME: Record<string, string> = {
  pdf: 'application/pdf', txt: 'text/plain', png: 'image/png', jpg: 'image/jpeg',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
const mimeOf = (name: string) => MIME[name.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';

/** An in-memory OneDrive drive: items by opaque id, a child index per folder, and a change log. */
export class Drive {
  readonly id: string;
  readonly cid: string;
  /** The drive id as items' parentReference gives it: lower case with new-style ids, as Graph now does. */
  readonly referenceId: string;
  readonly driveType: DriveType;
  readonly owner: { id: string; displayName: string };
  readonly rootId: string;
  readonly items = new Map<string, Item>();
  readonly log: Change[] = [];
  seq = 0;
  /** Delta tokens older than this answer 410 resyncRequired. */
  resyncBefore = 0;
  /** How delta on a folder other than the root answers: as Personal does, or refused as Business once did. */
  folderDelta: 'supported' | 'notSupported' | 'badRequest' = 'supported';
  quotaBytes: number;
  usedBytes = 0;
  private readonly nextId: () => string;
  private readonly now: () => Date;

  constructor(options: DriveOptions = {}) {
    this.cid = newCid();
    this.id = this.cid;
    this.driveType = options.driveType ?? 'personal';
    this.owner = { id: options.ownerId ?? this.cid.toLowerCase(), displayName: options.ownerName ?? 'Drive Owner' };
    this.quotaBytes = options.quotaBytes ?? 5 * 1024 ** 3;
    this.now = options.now ?? (() => new Date());
    this.referenceId = options.idStyle === 'new' ? this.cid.toLowerCase() : this.cid;
    const ids = itemIds(this.cid, options.idStyle ?? 'legacy');
    this.nextId = ids.next;
    this.rootId = ids.root;
    const at = this.now().toISOString();
    this.items.set(this.rootId, {
      id: this.rootId, name: 'root', parentId: null, kind: 'folder', content: Buffer.alloc(0), mimeType: '', hash: '',
      children: new Set(), etag: 1, ctag: 1, created: at, modified: at, deleted: false,
    });
  }

  get root(): Item {
    return this.items.get(this.rootId)!;
  }

  /** A live item by id, or by a path from the root when the reference starts with '/'. */
  resolve(ref: string): Item {
    if (ref.startsWith('/')) return this.byPath(ref);
    const item = this.items.get(ref);
    if (item === undefined || item.deleted) throw notFound();
    return item;
  }

  /** A live item by a path relative to a folder (segments already decoded). */
  byPath(path: string, from: Item = this.root): Item {
    let item = from;
    for (const name of path.split('/').filter((s) => s.length > 0)) {
      const child = this.childNamed(item, name);
      if (child === undefined) throw notFound();
      item = child;
    }
    return item;
  }

  childNamed(folder: Item, name: string): Item | undefined {
    const wanted = name.toLowerCase();
    for (const id of folder.children) {
      const child = this.items.get(id)!;
      if (child.name.toLowerCase() === wanted) return child;
    }
    return undefined;
  }

  /** Ancestor ids, parent first, up to the root; tombstones keep their parent so this works for them too. */
  ancestors(item: Item): string[] {
    const out: string[] = [];
    for (let id = item.parentId; id !== null; id = this.items.get(id)?.parentId ?? null) out.push(id);
    return out;
  }

  isWithin(item: Item, folderId: string): boolean {
    return item.id === folderId || this.ancestors(item).includes(folderId);
  }

  /** The `/drive/root:/a/b` path of a folder, as parentReference.path gives it. */
  pathOf(item: Item): string {
    const names: string[] = [];
    for (let at: Item | undefined = item; at !== undefined && at.parentId !== null; at = this.items.get(at.parentId)) {
      names.unshift(at.name);
    }
    return names.length === 0 ? '/drive/root:' : `/drive/root:/${names.join('/')}`;
  }

  folderSize(item: Item): number {
    if (item.kind === 'file') return item.content.length;
    let total = 0;
    for (const id of item.children) total += this.folderSize(this.items.get(id)!);
    return total;
  }

  addFolder(parentRef: string, name: string): Item {
    return this.create(parentRef, name, 'folder');
  }

  addNotebook(parentRef: string, name: string): Item {
    return this.create(parentRef, name, 'notebook');
  }

  addFile(parentRef: string, name: string, content: Buffer | string, mimeType?: string): Item {
    return this.create(parentRef, name, 'file', Buffer.from(content), mimeType);
  }

  /** A shortcut ("Add to my OneDrive") to a folder of another drive. */
  addShortcut(parentRef: string, name: string, target: { driveId: string; itemId: string }): Item {
    const item = this.create(parentRef, name, 'shortcut');
    item.remote = target;
    return item;
  }

  /** Creates many items under one change, for benchmarks: `count` files named by `name(i)`. */
  seedFiles(parentRef: string, count: number, name: (i: number) => string, content: (i: number) => Buffer | string): Item[] {
    const parent = this.folder(parentRef);
    const made: Item[] = [];
    const seq = ++this.seq;
    for (let i = 0; i < count; i++) {
      const item = this.newItem(parent, name(i), 'file', Buffer.from(content(i)));
      this.record(seq, item, []);
      made.push(item);
    }
    this.bumpAncestors(seq, parent, [parent.id, ...this.ancestors(parent)]);
    return made;
  }

  rename(ref: string, name: string): Item {
    const item = this.resolve(ref);
    return this.move(item.id, item.parentId!, name);
  }

  move(ref: string, parentRef: string, name?: string): Item {
    const item = this.resolve(ref);
    if (item.parentId === null) throw invalidRequest('The root cannot be moved.');
    const parent = this.folder(parentRef);
    if (this.isWithin(parent, item.id)) throw invalidRequest('A folder cannot move into itself.');
    const newName = name ?? item.name;
    checkName(newName);
    const clash = this.childNamed(parent, newName);
    if (clash !== undefined && clash.id !== item.id) throw nameExists();
    const before = this.ancestors(item);
    this.items.get(item.parentId)!.children.delete(item.id);
    parent.children.add(item.id);
    item.parentId = parent.id;
    item.name = newName;
    this.change(item, before, false);
    return item;
  }

  modify(ref: string, content: Buffer | string): Item {
    const item = this.resolve(ref);
    if (item.kind !== 'file') throw invalidRequest('Only files have content.');
    const bytes = Buffer.from(content);
    this.reserve(bytes.length - item.content.length);
    this.usedBytes += bytes.length - item.content.length;
    item.content = bytes;
    item.hash = quickXorHash(bytes);
    this.change(item, this.ancestors(item), true);
    return item;
  }

  /** Deletes an item and, for a folder, everything below it, as one change. */
  remove(ref: string): void {
    const item = this.resolve(ref);
    if (item.parentId === null) throw invalidRequest('The root cannot be deleted.');
    const seq = ++this.seq;
    const before = this.ancestors(item);
    this.items.get(item.parentId)!.children.delete(item.id);
    const bury = (at: Item, ancestors: string[]) => {
      for (const id of at.children) bury(this.items.get(id)!, [at.id, ...ancestors]);
      at.children.clear();
      at.deleted = true;
      at.etag++;
      if (at.kind === 'file') this.usedBytes -= at.content.length;
      this.record(seq, at, ancestors);
    };
    bury(item, before);
    this.bumpAncestors(seq, this.items.get(item.parentId)!, before);
  }

  /** Creates a folder, file, notebook or shortcut as one change. */
  create(parentRef: string, name: string, kind: ItemKind, content = Buffer.alloc(0), mimeType?: string): Item {
    const parent = this.folder(parentRef);
    if (this.childNamed(parent, name) !== undefined) throw nameExists();
    const item = this.newItem(parent, name, kind, content, mimeType);
    const seq = ++this.seq;
    this.record(seq, item, []);
    this.bumpAncestors(seq, parent, []);
    return item;
  }

  /** Throws 507 when `bytes` more would not fit. */
  reserve(bytes: number): void {
    if (this.usedBytes + bytes > this.quotaBytes) throw quotaReached();
  }

  private folder(ref: string): Item {
    const item = this.resolve(ref);
    if (item.kind !== 'folder') throw invalidRequest('The parent is not a folder.');
    return item;
  }

  private newItem(parent: Item, name: string, kind: ItemKind, content: Buffer, mimeType?: string): Item {
    checkName(name);
    if (kind === 'file') this.reserve(content.length);
    const at = this.now().toISOString();
    const item: Item = {
      id: this.nextId(), name, parentId: parent.id, kind, content,
      mimeType: kind === 'file' ? (mimeType ?? mimeOf(name)) : '', hash: kind === 'file' ? quickXorHash(content) : '',
      children: new Set(), etag: 1, ctag: 1, created: at, modified: at, deleted: false,
    };
    if (kind === 'file') this.usedBytes += content.length;
    this.items.set(item.id, item);
    parent.children.add(item.id);
    return item;
  }

  /** One mutation of one item: eTag always moves, cTag only with content; ancestors' cTags move too. */
  private change(item: Item, before: string[], contentChanged: boolean): void {
    const seq = ++this.seq;
    item.etag++;
    if (contentChanged) item.ctag++;
    item.modified = this.now().toISOString();
    this.record(seq, item, before);
    this.bumpAncestors(seq, this.items.get(item.parentId!)!, before);
  }

  private record(seq: number, item: Item, before: string[]): void {
    const { children: _children, ...state } = item;
    this.log.push({ seq, itemId: item.id, before, state: { ...state } });
  }

  /** A folder's cTag changes when anything below it changes (its eTag does not), old and new places alike. */
  private bumpAncestors(seq: number, parent: Item, oldAncestors: string[]): void {
    const touched = new Set([parent.id, ...this.ancestors(parent), ...oldAncestors]);
    for (const id of touched) {
      const folder = this.items.get(id);
      if (folder === undefined || folder.deleted) continue;
      folder.ctag++;
      this.record(seq, folder, this.ancestors(folder));
    }
  }
}
