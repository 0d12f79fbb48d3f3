import { z } from 'zod';
import { plainText } from '../core/limits.js';

/** The longest cursor a page takes back (cursors are opaque, made by the read models). */
export const MAX_CURSOR_LENGTH = 1000;

/** A page request's fields: an opaque cursor from the previous page, and 1..200 rows (50 unless told). */
export const pageFields = {
  cursor: plainText(MAX_CURSOR_LENGTH).min(1, 'cannot be empty').optional(),
  limit: z.number().int().min(1).max(200).default(50),
};

/** An instant with any offset, as the read models compare them: UTC, toISOString's form. */
export const instant = z.iso.datetime({ offset: true }).transform((text) => new Date(text).toISOString());
