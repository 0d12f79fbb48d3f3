/**
 * Input limits: every bound on what a caller may send, in one place, each with why. The domain's
 * command schemas and the application's input schemas both build on these, so a value refused at
 * the API is refused the same way by the decider. (README "Input limits" lists them.)
 */
import { z } from 'zod';

/** UUIDs are 36 characters; ids a host chooses (company ids, guest keys) get room to spare. */
export const MAX_ID_LENGTH = 128;
/** Graph drive item ids are opaque: 20–60 characters today, longer in the new SharePoint-backed form. */
export const MAX_DRIVE_ITEM_ID_LENGTH = 256;
/** A synced document's id embeds the client id and the drive item id, each percent-encoded (×3 at worst). */
export const MAX_DOCUMENT_ID_LENGTH = 'onedrive:'.length + 3 * MAX_ID_LENGTH + ':'.length + 3 * MAX_DRIVE_ITEM_ID_LENGTH;
/** A person's name as a form would take it. */
export const MAX_PERSON_NAME_LENGTH = 200;
/** A firm or company name on a letterhead. */
export const MAX_FIRM_NAME_LENGTH = 120;
/** RFC 5321's limit on an address in a mail path. */
export const MAX_EMAIL_LENGTH = 254;
/** Owners of one client: a family or a partnership, not a register. */
export const MAX_OWNERS_PER_CLIENT = 20;
/** Admins of one managed company. */
export const MAX_COMPANY_ADMINS = 100;
/** OneDrive's limit on a file or folder name. */
export const MAX_FILE_NAME_LENGTH = 255;
/** OneDrive's limit on a whole path (the client's folder path must fit inside it). */
export const MAX_FOLDER_PATH_LENGTH = 400;
/** OneDrive's largest file (250 GB). */
export const MAX_FILE_BYTES = 250 * 1024 ** 3;
/** Content hashes are SHA-256 of the stored bytes, written `sha256:` + 64 lower-case hex digits. */
export const CONTENT_HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;
/** A blob store key or URI. */
export const MAX_BLOB_REF_LENGTH = 500;
/** Real browsers send 100–300 characters; anything longer is padding. */
export const MAX_USER_AGENT_LENGTH = 512;
/** Folders and documents shared with one contact in one selection. */
export const MAX_SHARED_ITEMS = 200;
/** Clients (or folder rows) in one bulk call: a client list's "select all" page. */
export const MAX_BULK_ITEMS = 500;
/** Invitation tokens are 43 characters (256 bits, base64url). */
export const MAX_TOKEN_LENGTH = 256;
/** Graph cTag / eTag values are about 50 characters. */
export const MAX_TAG_LENGTH = 256;
/** The longest web address browsers handle everywhere. */
export const MAX_URL_LENGTH = 2048;
/** A free-text reason (e.g. a Graph error message) or a support channel. */
export const MAX_TEXT_LENGTH = 2000;
/** A short technical label (a content type, a Graph drive type, a colour). */
export const MAX_LABEL_LENGTH = 100;

/**
 * C0 controls, DEL and C1 controls, the line and paragraph separators, the bidirectional embedding,
 * override and isolate controls (they make a name or path display as something else), and UTF-16
 * halves without their other half.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** The same, but tabs and line breaks are fine (multi-line free text). */
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A single-line string of at most `max` characters, without control characters: names, paths, ids. */
export function plainText(max: number) {
  return z
    .string()
    .max(max, `at most ${max} characters`)
    .refine((text) => !CONTROL.test(text), 'cannot contain control characters');
}

/** Free text of at most `max` characters: line breaks and tabs allowed, other control characters not. */
export function multilineText(max: number) {
  return z
    .string()
    .max(max, `at most ${max} characters`)
    .refine((text) => !CONTROL_BUT_LINES.test(text), 'cannot contain control characters');
}

/** An id: not empty, at most `max` characters, no control characters. */
export function idOf(max: number = MAX_ID_LENGTH) {
  return plainText(max).min(1, 'cannot be empty');
}

/** A list of at most `max` items; a wrong type says what the list holds ("expected a list of email addresses"). */
export function listOf<T extends z.ZodType>(item: T, max: number, what: string) {
  return z
    .array(item, { error: (issue) => (issue.input === undefined ? 'is required' : `expected a list of ${what}, got ${kindOf(issue.input)}`) })
    .max(max, `at most ${max} ${what}`);
}

/** An IP address as a login or download recorded it. */
export const ipAddress = z.union([z.ipv4(), z.ipv6()], { error: 'expected an IPv4 or IPv6 address' });

/** A browser's user agent. */
export const userAgent = plainText(MAX_USER_AGENT_LENGTH).min(1, 'cannot be empty');

/** A content hash in its one format. */
export const contentHash = z.string().regex(CONTENT_HASH_PATTERN, 'expected "sha256:" and 64 lower-case hex digits');

/** How a value reads in a message: "a string", "a list", "nothing". */
export function kindOf(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'an object';
  if (typeof input === 'number') return Number.isNaN(input) ? 'not a number' : 'a number';
  if (typeof input === 'boolean') return 'true or false';
  return `a ${typeof input}`;
}
