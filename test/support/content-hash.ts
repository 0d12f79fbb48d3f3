import { createHash } from 'node:crypto';

/** A content hash in the one accepted format (`sha256:` + 64 hex digits), made from a short seed. */
export function hashOf(seed: string | number): string {
  return `sha256:${createHash('sha256').update(String(seed)).digest('hex')}`;
}
