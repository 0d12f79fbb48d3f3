/**
 * What the documents page lets a client send, told before anything is sent (the page's script
 * checks each file first) and checked again by the upload route: a size limit (the service's
 * upload limit) and no programs or scripts, which an accountant's portal has no use for and which
 * a staff user might open.
 */
export const refusedExtensions = ['exe', 'msi', 'bat', 'cmd', 'com', 'scr', 'pif', 'cpl', 'dll', 'js', 'jse', 'vbs', 'vbe', 'wsf', 'ps1', 'jar', 'sh', 'app', 'lnk', 'hta', 'reg'] as const;

export const extensionOf = (name: string) => /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';

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

export const typeRefusal = (name: string) =>
  `“${name}” was not sent: programs and scripts (.${extensionOf(name)}) cannot be uploaded. Send documents such as PDFs, images or office files.`;

export const sizeRefusal = (name: string, size: number, max: number) => `“${name}” was not sent: it is ${formatBytes(size)}, and a file can be at most ${formatBytes(max)}.`;

/** Why this file may not be sent, or null. */
export function uploadRefusal(name: string, size: number | undefined, maxBytes: number): string | null {
  if ((refusedExtensions as readonly string[]).includes(extensionOf(name))) return typeRefusal(name);
  if (size !== undefined && size > maxBytes) return sizeRefusal(name, size, maxBytes);
  return null;
}
