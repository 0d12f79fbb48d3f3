import { MAX_FILE_NAME_LENGTH, plainText } from '../core/limits.js';

/** Command input for a document name: trimmed, not empty, no path separator, no control characters. */
export const documentNameInput = plainText(MAX_FILE_NAME_LENGTH)
  .trim()
  .min(1, 'A document needs a name.')
  .refine((name) => !/[/\\]/.test(name), 'A document name cannot contain "/" or "\\".');

const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9]|\.lock|desktop\.ini)$/i;

/** Why OneDrive would refuse this file name, or undefined when it is fine there. */
export function oneDriveNameProblem(name: string): string | undefined {
  if (/["*:<>?/\\|]/.test(name)) return 'OneDrive does not allow the characters " * : < > ? / \\ | in file names.';
  if (/^\s|[\s.]$/.test(name)) return 'OneDrive does not allow a file name to start with a space or end with a space or a dot.';
  if (RESERVED.test(name) || name.startsWith('~$') || name.includes('_vti_')) return 'OneDrive does not allow this file name (a name reserved by Windows or by OneDrive).';
  return undefined;
}
