import { z } from 'zod';
import { ValidationError } from '../core/errors.js';
import { MAX_FILE_NAME_LENGTH, MAX_FOLDER_PATH_LENGTH, plainText } from '../core/limits.js';

/**
 * Folder paths inside a client's space, as stored: segments joined by '/', no leading or trailing
 * slash, '' for the client's root folder. OneDrive names are case-insensitive, so comparisons are too.
 */
export const ROOT_FOLDER = '';

/** Where a client's contacts put the documents they upload. */
export const CLIENT_UPLOAD_FOLDER = 'Uploads';

function segmentsOf(raw: string): string[] | string {
  const segments = raw
    .replace(/\\/g, '/')
    .split('/')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (segments.some((s) => s === '.' || s === '..')) return 'A folder path cannot contain "." or ".." segments.';
  if (segments.some((s) => s.length > MAX_FILE_NAME_LENGTH)) return `A folder name can have at most ${MAX_FILE_NAME_LENGTH} characters.`;
  return segments;
}

/** Tidies a folder path ("/Tax\\2024/ " → "Tax/2024"); throws a ValidationError for "." or "..". */
export function normaliseFolderPath(raw: string): string {
  const segments = segmentsOf(raw);
  if (typeof segments === 'string') throw new ValidationError(segments, [{ path: 'folderPath', message: segments }]);
  return segments.join('/');
}

/** Command input for a folder path: tidied as by normaliseFolderPath, within OneDrive's path and name limits. */
export const folderPathInput = plainText(MAX_FOLDER_PATH_LENGTH).transform((raw, ctx) => {
  const segments = segmentsOf(raw);
  if (typeof segments === 'string') {
    ctx.addIssue({ code: 'custom', message: segments });
    return z.NEVER;
  }
  return segments.join('/');
});

/** True when `path` is `folder` itself or lies below it, segment by segment ("Tax" holds "Tax/2024", not "Taxes"). */
export function isWithinFolder(path: string, folder: string): boolean {
  const p = path.toLowerCase();
  const f = folder.toLowerCase();
  return f === ROOT_FOLDER || p === f || p.startsWith(`${f}/`);
}
