/**
 * What the documents page lets a client send, told before anything is sent (the page's script
 * checks each file first) and checked again by the upload route before a byte is stored: a size
 * limit (the service's upload limit) and no programs or scripts (the domain's rule, which the
 * upload itself checks again, on the JSON API too).
 */
import { PROGRAM_EXTENSIONS } from '../../../src/document/name.js';
import { HttpProblem } from '../problem.js';

export const refusedExtensions = PROGRAM_EXTENSIONS;

/** e.g. 1536 → "1.5 KB", 262144000 → "250 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 ? Math.round(value) : Math.round(value * 10) / 10} ${units[unit]}`;
}

export const sizeRefusal = (name: string, size: number, max: number) => `“${name}” was not sent: it is ${formatBytes(size)}, and a file can be at most ${formatBytes(max)}.`;

/** Refuses a file over the limit (413), when its size is known. */
export function requireSize(name: string, size: number | undefined, maxBytes: number): void {
  if (size !== undefined && size > maxBytes) throw new HttpProblem('upload.too_large', sizeRefusal(name, size, maxBytes), 413);
}
