/**
 * The headers that describe a file on the wire: its media type (guessed from a few well-known
 * extensions only) and Content-Disposition both ways — the name a download is saved under, and
 * the name an upload may carry.
 */

/**
 * Types we name from the extension. Kept small on purpose: the file is always sent as an
 * attachment with nosniff, and anything not listed is plain bytes.
 */
const typesByExtension: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  txt: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The media type of a file named `name`: from the table above, else application/octet-stream. */
export function contentTypeOf(name: string): string {
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  return (extension && typesByExtension[extension]) || 'application/octet-stream';
}

/** The media type of a Content-Type header, lower-case and without parameters ('' when absent). */
export const mediaTypeOf = (header: string | undefined) => (header ?? '').split(';')[0]!.trim().toLowerCase();

/**
 * `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266): the quoted name is an ASCII stand-in
 * for old clients, with accents dropped and anything that could end the quoted string or be read
 * as an escape (quotes, backslashes, percent signs, control characters) replaced; filename* carries
 * the real name, percent-encoded as RFC 5987 asks.
 */
export function attachmentDisposition(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${rfc5987(name)}`;
}

/** Percent-encodes all but RFC 5987's attr-char (encodeURIComponent leaves ' ( ) * as they are). */
const rfc5987 = (value: string) =>
  encodeURIComponent(value).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The file name a request's Content-Disposition gives: `filename*` (RFC 5987, UTF-8) first, else
 * `filename` (quoted or a bare token); undefined when it names none or cannot be decoded.
 */
export function filenameOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const extended = /;\s*filename\*\s*=\s*utf-8'[^']*'([^;\s]+)/i.exec(header)?.[1];
  if (extended !== undefined) {
    try {
      return decodeURIComponent(extended);
    } catch {
      return undefined;
    }
  }
  const quoted = /;\s*filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header)?.[1];
  if (quoted !== undefined) return quoted.replace(/\\(.)/g, '$1');
  return /;\s*filename\s*=\s*([^;\s"]+)/i.exec(header)?.[1];
}
