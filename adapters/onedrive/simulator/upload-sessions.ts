import type { Drive, Item } from './drive.js';
import { GraphFault, invalidRequest, nameExists } from './errors.js';
import { opaque } from './ids.js';

export type ConflictBehavior = 'fail' | 'replace' | 'rename';

export function conflictBehavior(value: unknown, fallback: ConflictBehavior): ConflictBehavior {
  if (value === undefined || value === null) return fallback;
  if (value === 'fail' || value === 'replace' || value === 'rename') return value;
  throw invalidRequest(`Invalid @microsoft.graph.conflictBehavior "${String(value)}".`);
}

/** "report.pdf" → "report 1.pdf", "report 2.pdf", … until the name is free, as OneDrive renames. */
function freeName(drive: Drive, parent: Item, name: string): string {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 1; ; n++) {
    const candidate = `${stem} ${n}${ext}`;
    if (drive.childNamed(parent, candidate) === undefined) return candidate;
  }
}

/**
 * Puts uploaded bytes in place: a new file, or the existing one replaced, renamed beside it, or
 * refused (409 nameAlreadyExists), by the conflict behaviour. `created` tells 201 from 200.
 */
export function placeFile(drive: Drive, parent: Item, name: string, content: Buffer, conflict: ConflictBehavior): { item: Item; created: boolean } {
  const existing = drive.childNamed(parent, name);
  if (existing === undefined) return { item: drive.addFile(parent.id, name, content), created: true };
  if (conflict === 'fail' || existing.kind !== 'file') throw nameExists();
  if (conflict === 'rename') return { item: drive.addFile(parent.id, freeName(drive, parent, name), content), created: true };
  return { item: drive.modify(existing.id, content), created: false };
}

export interface UploadSession {
  id: string;
  driveId: string;
  /** Where a new file goes, or the file being replaced. */
  target: { parentId: string; name: string } | { itemId: string };
  conflict: ConflictBehavior;
  /** Declared by the createUploadSession body (item.fileSize) or by the first fragment's Content-Range. */
  size?: number;
  chunks: Buffer[];
  received: number;
  expiresAt: number;
}

/** Upload sessions in progress; each fragment extends the session's life. */
export class UploadSessions {
  private readonly sessions = new Map<string, UploadSession>();

  constructor(private readonly lifetimeMs = 15 * 60_000) {}

  create(session: Omit<UploadSession, 'id' | 'chunks' | 'received' | 'expiresAt'>): UploadSession {
    const made = { ...session, id: opaque(30), chunks: [], received: 0, expiresAt: Date.now() + this.lifetimeMs };
    this.sessions.set(made.id, made);
    return made;
  }

  get(id: string): UploadSession {
    const session = this.sessions.get(id);
    if (session === undefined || session.expiresAt < Date.now()) {
      this.sessions.delete(id);
      throw new GraphFault(404, 'itemNotFound', 'The upload session was not found.');
    }
    return session;
  }

  touch(session: UploadSession): void {
    session.expiresAt = Date.now() + this.lifetimeMs;
  }

  delete(id: string): void {
    this.sessions.delete(id);
  }

  /** Expires a session at once, as if the client had waited too long. */
  expire(id: string): void {
    const session = this.sessions.get(id);
    if (session !== undefined) session.expiresAt = 0;
  }

  ids(): string[] {
    return [...this.sessions.keys()];
  }
}

export const sessionStatus = (session: UploadSession) => ({
  expirationDateTime: new Date(session.expiresAt).toISOString(),
  nextExpectedRanges: [`${session.received}-${session.size === undefined ? '' : session.size - 1}`],
});
