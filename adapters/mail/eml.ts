/** An address with an optional display name. */
export interface Mailbox {
  name?: string;
  address: string;
}

export interface PlainEmail {
  from: Mailbox;
  to: string;
  subject: string;
  /** Plain text; lines end with \n or \r\n. */
  text: string;
  date: Date;
  /** Without angle brackets, e.g. `1f0…@portal.example`. */
  messageId: string;
}

/**
 * The email as RFC 5322 text (an .eml file): headers, a blank line, the plain-text body, CRLF line
 * ends. Header values cannot break out of their line: an address with a line break or any other
 * character an address must not hold is refused, and names and subjects lose their control characters.
 */
export function emlText(email: PlainEmail): string {
  const headers = [
    `From: ${mailbox(email.from)}`,
    `To: ${address(email.to)}`,
    `Subject: ${unstructured(email.subject)}`,
    `Date: ${rfc5322Date(email.date)}`,
    `Message-ID: <${address(email.messageId)}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  const body = email.text.replace(/\r?\n/g, '\r\n');
  return `${headers.join('\r\n')}\r\n\r\n${body.endsWith('\r\n') ? body : `${body}\r\n`}`;
}

// local@domain, with none of the characters that would end the header or the address.
const safeAddress = /^[^\s<>()[\],;:"\\@\p{Cc}]+@[^\s<>()[\],;:"\\@\p{Cc}]+$/u;

function address(text: string): string {
  if (!safeAddress.test(text)) throw new Error('Cannot write an email header with this address.');
  return text;
}

function mailbox({ name, address: addr }: Mailbox): string {
  if (name === undefined || name.trim() === '') return address(addr);
  return `${displayName(name)} <${address(addr)}>`;
}

/** Control characters (CR and LF above all) become spaces, runs of spaces one. */
function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').replace(/ {2,}/g, ' ').trim();
}

function unstructured(text: string): string {
  const line = oneLine(text);
  return /^[\x20-\x7e]*$/.test(line) ? line : encodedWords(line);
}

function displayName(name: string): string {
  const line = oneLine(name);
  if (!/^[\x20-\x7e]*$/.test(line)) return encodedWords(line);
  return `"${line.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * Non-ASCII text as RFC 2047 encoded words (UTF-8, base64), each at most 75 characters and never
 * splitting a character, folded onto continuation lines.
 */
function encodedWords(text: string): string {
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    if (Buffer.byteLength(chunk + char) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk !== '') words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}

/** e.g. `Mon, 02 Mar 2026 09:00:00 +0000`. */
export function rfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}
