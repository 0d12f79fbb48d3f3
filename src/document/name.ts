import { DomainError } from '../core/errors.js';
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

/** OneDrive's limit on a whole path, from the drive's root. */
export const MAX_ONEDRIVE_PATH_LENGTH = 400;

/** Why OneDrive would refuse this place (`folderPath` in the client's folder, itself at `rootPath` in the drive), or undefined. */
export function oneDrivePathProblem(folderPath: string, name: string, rootPath = ''): string | undefined {
  for (const segment of folderPath.split('/').filter((s) => s.length > 0)) {
    const problem = oneDriveNameProblem(segment);
    if (problem) return `The folder "${segment}": ${problem}`;
  }
  const whole = [rootPath, folderPath, name].filter((s) => s.length > 0).join('/');
  if (whole.length >= MAX_ONEDRIVE_PATH_LENGTH) {
    return `OneDrive does not allow paths of ${MAX_ONEDRIVE_PATH_LENGTH} characters or more; this one has ${whole.length}.`;
  }
  return undefined;
}

/** Full-width look-alikes of the characters OneDrive refuses (as rclone maps them). */
const LOOK_ALIKES: Record<string, string> = { '"': '＂', '*': '＊', ':': '：', '<': '＜', '>': '＞', '?': '？', '/': '／', '\\': '＼', '|': '｜' };

/**
 * A name OneDrive accepts, as close to `name` as possible: refused characters become their
 * full-width look-alikes, leading spaces and trailing spaces or dots go, reserved names get a "_".
 */
export function oneDriveSafeName(name: string): string {
  let safe = name.replace(/["*:<>?/\\|]/g, (c) => LOOK_ALIKES[c]!).replace(/^\s+/, '').replace(/[\s.]+$/, '');
  if (safe.startsWith('~$')) safe = `_${safe.slice(1)}`;
  safe = safe.replace(/_vti_/gi, '_vti-');
  if (RESERVED.test(safe) || safe.length === 0) safe = `${safe}_`;
  return safe;
}

/**
 * The name the portal's version gets beside OneDrive's when both changed since the last sync:
 * "Return 2024 (portal copy 2026-01-15).pdf".
 */
export function conflictCopyName(name: string, at: Date): string {
  const dot = name.lastIndexOf('.');
  const [base, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  const suffix = ` (portal copy ${at.toISOString().slice(0, 10)})`;
  return oneDriveSafeName(`${base.slice(0, MAX_FILE_NAME_LENGTH - suffix.length - extension.length)}${suffix}${extension}`);
}

/**
 * Extensions of programs and scripts, which a client may not send to the firm: an accountant's
 * portal has no use for them, and a staff user might open one.
 */
export const PROGRAM_EXTENSIONS = ['exe', 'msi', 'bat', 'cmd', 'com', 'scr', 'pif', 'cpl', 'dll', 'js', 'jse', 'vbs', 'vbe', 'wsf', 'ps1', 'jar', 'sh', 'app', 'lnk', 'hta', 'reg'] as const;

/** The last extension of a name, lower case, as Windows would read it: look-alike dots folded, trailing dots and spaces dropped. */
function extensionOf(name: string): string {
  const tidy = name.normalize('NFKC').replace(/[\s.]+$/, '');
  return /\.([^.]+)$/.exec(tidy)?.[1]?.toLowerCase() ?? '';
}

/** The program or script extension a name ends with (before an NTFS stream suffix too: `a.exe:x`), or null. */
export function programExtensionOf(name: string): string | null {
  for (const candidate of [name, name.split(':')[0]!]) {
    const extension = extensionOf(candidate);
    if ((PROGRAM_EXTENSIONS as readonly string[]).includes(extension)) return extension;
  }
  return null;
}

/** The rule as a person reads it. */
export const programRefusal = (extension: string) =>
  `Programs and scripts (.${extension}) cannot be sent. Send documents such as PDFs, images or office files.`;

/** Throws 'document.program_refused' for a client's document named like a program or script. */
export function requireNotProgram(name: string): void {
  const extension = programExtensionOf(name);
  if (extension !== null) throw new DomainError('document.program_refused', programRefusal(extension));
}
