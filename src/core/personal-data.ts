import { z } from 'zod';
import { defineEvent, ERASED, type PersonalDataDeclaration } from './events.js';
import { PortalError, ValidationError } from './errors.js';
import type { FieldCipher, KeyStore, SubjectKey } from './ports.js';

/**
 * Crypto-shredding. A personal field is stored as `\u0001pii2:<length>:<subjectId>:<ciphertext>`,
 * encrypted with its subject's key; `<length>` counts the id's UTF-16 code units, so an id may hold
 * any character, ':' included. The stored form names its subject, so reading needs no schema: any
 * string with a prefix is decrypted, or read as ERASED once the key is gone — whatever version wrote it.
 *
 * The first format, `\u0001pii1:<subjectId>:<ciphertext>`, is still read. The cipher that wrote it
 * (AES-GCM) emits base64, which has no ':', so splitting at the last colon recovers the subject.
 */
const PREFIX = '\u0001pii2:';
const FIRST_PREFIX = '\u0001pii1:';

const isStored = (value: string) => value.startsWith(PREFIX) || value.startsWith(FIRST_PREFIX);

function stored(subjectId: string, ciphertext: string): string {
  return `${PREFIX}${subjectId.length}:${subjectId}:${ciphertext}`;
}

/** The subject and ciphertext of a stored value, in either format. */
function parseStored(value: string): { subjectId: string; ciphertext: string } {
  if (value.startsWith(FIRST_PREFIX)) {
    const colon = value.lastIndexOf(':');
    return { subjectId: value.slice(FIRST_PREFIX.length, colon), ciphertext: value.slice(colon + 1) };
  }
  const lengthEnd = value.indexOf(':', PREFIX.length);
  const digits = value.slice(PREFIX.length, lengthEnd);
  const start = lengthEnd + 1;
  const end = start + Number(digits);
  if (lengthEnd < 0 || !/^\d+$/.test(digits) || value[end] !== ':') throw new Error('a stored personal value is malformed');
  return { subjectId: value.slice(start, end), ciphertext: value.slice(end + 1) };
}

/** Recorded when a data subject's key is deleted; projections drop their copies on it. */
export const personalDataForgotten = defineEvent({
  type: 'PersonalDataForgotten',
  version: 1,
  schema: z.object({ subjectId: z.string().min(1), forgottenAt: z.string() }),
});

type Json = unknown;

/** Declared paths split once: read models call subjectsOf for every event they apply. */
const segmentCache = new Map<string, readonly string[]>();
function segmentsOf(path: string): readonly string[] {
  let segments = segmentCache.get(path);
  if (!segments) segmentCache.set(path, (segments = path.split('.')));
  return segments;
}

/** Every concrete location matching a declared path, with the `*` bindings met on the way. */
function* locate(node: Json, segments: readonly string[], bound: string[] = []): Generator<{ parent: any; key: string; bound: string[] }> {
  const [head, ...rest] = segments;
  if (head === undefined || node === null || typeof node !== 'object') return;
  const keys = head === '*' ? Object.keys(node) : Object.hasOwn(node, head) ? [head] : [];
  for (const key of keys) {
    const nextBound = head === '*' ? [...bound, key] : bound;
    if (rest.length === 0) yield { parent: node, key, bound: nextBound };
    else yield* locate((node as Record<string, Json>)[key], rest, nextBound);
  }
}

function subjectAt(data: Json, subjectPath: string, bound: readonly string[]): string | undefined {
  let wildcard = 0;
  let node: any = data;
  for (const segment of segmentsOf(subjectPath)) {
    const key = segment === '*' ? bound[wildcard++] : segment;
    if (key === undefined || node === null || typeof node !== 'object') return undefined;
    node = node[key];
  }
  return typeof node === 'string' ? node : undefined;
}

function assertNoMarker(node: Json): void {
  if (typeof node === 'string') {
    if (isStored(node)) {
      // Input could carry it (the application refuses control characters first): the caller's mistake, not ours.
      throw new ValidationError('A value uses a prefix reserved for encrypted personal data.', [{ path: '', message: 'uses a reserved prefix' }]);
    }
  } else if (node !== null && typeof node === 'object') {
    for (const value of Object.values(node)) assertNoMarker(value);
  }
}

export class PersonalDataCodec {
  constructor(
    private readonly keys: KeyStore,
    private readonly cipher: FieldCipher,
  ) {}

  /** Returns a copy of `data` with every declared personal field encrypted under its subject's key. */
  async protect(data: Json, declarations: readonly PersonalDataDeclaration[] | undefined): Promise<Json> {
    assertNoMarker(data);
    if (!declarations || declarations.length === 0) return data;
    const copy = structuredClone(data);
    for (const { subject, fields } of declarations) {
      for (const field of fields) {
        for (const { parent, key, bound } of locate(copy, field.split('.'))) {
          const value = parent[key];
          if (value === undefined || value === null || value === ERASED) continue;
          const subjectId = subjectAt(copy, subject, bound);
          if (!subjectId) throw new PortalError('personal_data.no_subject', `No data subject at ${subject} for ${field}.`);
          const key_ = await this.keys.getOrCreate(subjectId);
          parent[key] = stored(subjectId, this.cipher.encrypt(key_, JSON.stringify(value)));
        }
      }
    }
    return copy;
  }

  /**
   * Decrypts every protected value in place; values of forgotten subjects become ERASED. A rebuild
   * calls it for every event: the walk is synchronous, allocates nothing for an event without
   * stored values, and awaits only for keys not yet in `keyCache`.
   */
  async reveal(data: Json, keyCache: Map<string, SubjectKey | undefined> = new Map()): Promise<Json> {
    if (typeof data === 'string') {
      if (!isStored(data)) return data;
      const { subjectId, ciphertext } = parseStored(data);
      if (!keyCache.has(subjectId)) keyCache.set(subjectId, await this.keys.get(subjectId));
      return this.opened(keyCache.get(subjectId), ciphertext);
    }
    const found: Found[] = [];
    collect(data, found);
    if (found.length === 0) return data;
    for (const { subjectId } of found) {
      if (!keyCache.has(subjectId)) keyCache.set(subjectId, await this.keys.get(subjectId));
    }
    for (const { parent, key, subjectId, ciphertext } of found) parent[key] = this.opened(keyCache.get(subjectId), ciphertext);
    return data;
  }

  private opened(key: SubjectKey | undefined, ciphertext: string): Json {
    return key ? JSON.parse(this.cipher.decrypt(key, ciphertext)) : ERASED;
  }
}

interface Found {
  parent: any;
  key: string | number;
  subjectId: string;
  ciphertext: string;
}

/** Every stored value under `node` (objects and arrays, any depth), with where it sits. */
function collect(node: Json, found: Found[]): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) visit(node, i, found);
  } else {
    for (const key in node) if (Object.hasOwn(node, key)) visit(node, key, found);
  }
}

function visit(parent: any, key: string | number, found: Found[]): void {
  const value = parent[key];
  if (typeof value === 'string') {
    if (isStored(value)) found.push({ parent, key, ...parseStored(value) });
  } else if (value !== null && typeof value === 'object') collect(value, found);
}

/**
 * The subjects whose declared personal fields `data` holds (a value present and not null, erased or
 * not), in first-met order: a read model keeps them to find the rows a forgetting must redact.
 */
export function subjectsOf(data: Json, declarations: readonly PersonalDataDeclaration[] | undefined): string[] {
  const found = new Set<string>();
  for (const { subject, fields } of declarations ?? []) {
    for (const field of fields) {
      for (const { parent, key, bound } of locate(data, segmentsOf(field))) {
        if (parent[key] === undefined || parent[key] === null) continue;
        const subjectId = subjectAt(data, subject, bound);
        if (subjectId) found.add(subjectId);
      }
    }
  }
  return [...found];
}

/**
 * A copy of `data` with the subject's declared personal fields set to ERASED: what reading the
 * event gives once the subject's key is deleted, for read models that keep a decrypted copy.
 */
export function redactSubject<T extends Json>(data: T, declarations: readonly PersonalDataDeclaration[] | undefined, subjectId: string): T {
  if (!declarations || declarations.length === 0) return data;
  const copy = structuredClone(data);
  for (const { subject, fields } of declarations) {
    for (const field of fields) {
      for (const { parent, key, bound } of locate(copy, segmentsOf(field))) {
        if (parent[key] === undefined || parent[key] === null) continue;
        if (subjectAt(copy, subject, bound) === subjectId) parent[key] = ERASED;
      }
    }
  }
  return copy;
}
