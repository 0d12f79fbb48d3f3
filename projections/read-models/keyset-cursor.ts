import { ValidationError } from '../../src/core/errors.js';

/**
 * Opaque keyset cursors: the sort key of the last row of a page, as base64url JSON. A page after
 * it starts strictly after that key, so rows added or removed meanwhile never shift it.
 */
export function encodeCursor(key: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key inside a cursor, checked against the kinds of its parts; a ValidationError when it is not one of ours. */
export function decodeCursor<K extends ReadonlyArray<'string' | 'number'>>(
  cursor: string | undefined,
  kinds: K,
): { [I in keyof K]: K[I] extends 'string' ? string : number } | undefined {
  if (cursor === undefined) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (!Array.isArray(key) || key.length !== kinds.length || key.some((part, i) => typeof part !== kinds[i])) {
    throw new ValidationError('This cursor is not from a previous page of this list.', [{ path: 'cursor', message: 'not a cursor of this list' }]);
  }
  return key as any;
}
