/**
 * HTTP range requests and validators for bytes we serve (RFC 9110 §13–14). One byte range is served
 * as a part (206); several are served as the whole (200), which RFC 9110 allows and which spares us
 * multipart/byteranges; a valid range outside the content is 416. A header that is no valid range
 * (`bytes=abc`, `bytes=-`, `bytes=5-1`) is ignored and the whole served (RFC 9110 §14.2).
 */
import type { ByteRange } from '../../src/core/blob-store.js';

export type RangeAnswer = { kind: 'whole' } | { kind: 'part'; range: ByteRange } | { kind: 'unsatisfiable' };

const whole: RangeAnswer = { kind: 'whole' };
const unsatisfiable: RangeAnswer = { kind: 'unsatisfiable' };

/** What a Range header asks of content of `size` bytes. */
export function rangeOf(header: string | undefined, size: number): RangeAnswer {
  if (header === undefined) return whole;
  const match = /^\s*([!#$%&'*+.^_`|~0-9a-z-]+)=(.*)$/i.exec(header);
  // Not a ranges-specifier, or another unit than bytes: a server ignores what it does not understand.
  if (!match || match[1]!.toLowerCase() !== 'bytes') return whole;
  const specs = match[2]!.split(',').filter((spec) => spec.trim() !== '');
  if (specs.length > 1) return whole;
  const spec = /^\s*(\d*)\s*-\s*(\d*)\s*$/.exec(specs[0] ?? '');
  // Not a range at all, or one that ends before it starts: invalid, so ignored rather than refused.
  if (!spec || (spec[1] === '' && spec[2] === '')) return whole;
  const [first, last] = [spec[1]!, spec[2]!];
  if (first !== '' && last !== '' && Number(last) < Number(first)) return whole;
  if (first === '') {
    // A suffix: the last n bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return unsatisfiable;
    return { kind: 'part', range: { start: Math.max(0, size - length), end: size - 1 } };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size) return unsatisfiable;
  return { kind: 'part', range: { start, end } };
}

/** `"<hex>"`: the strong ETag of content addressed by its hash (the bytes never change under it). */
export const contentEtagOf = (contentHash: string) => `"${contentHash.replace(/^sha256:/, '')}"`;

const tagsOf = (header: string) =>
  header
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');

/** If-None-Match: `*`, or a list naming this ETag (compared weakly, as RFC 9110 §13.1.2 asks). */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return tagsOf(header).some((tag) => tag === '*' || tag.replace(/^W\//, '') === etag);
}

/**
 * If-Range: the range stands only if the header is this strong ETag. A date never matches: we send
 * no Last-Modified, so a client holding a date holds something we cannot vouch for.
 */
export const rangeStillApplies = (header: string | undefined, etag: string) => header === undefined || header.trim() === etag;
