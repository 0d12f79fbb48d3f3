import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { TOKEN_KEY_BYTES } from './secrets.js';

/**
 * The server's token key, from configuration: base64 or base64url text of at least 32 bytes
 * (e.g. `openssl rand -base64 32`).
 */
export function parseTokenKey(text: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.byteLength < TOKEN_KEY_BYTES) throw new Error(`The token key must be base64 text of at least ${TOKEN_KEY_BYTES} bytes.`);
  return key;
}

/**
 * The server's token key kept in a file (only the owner may read it), made on first use. With
 * `create` false a missing file gives null (a read-only command must not invent a key the service
 * does not have).
 */
export function tokenKeyFile(path: string, create = true): Buffer | null {
  try {
    return parseTokenKey(readFileSync(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !create) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }
  // Written whole to a file of its own, then linked into place: of two processes starting at once,
  // one links its key and the other reads that key, never half of it.
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const file = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(file, `${randomBytes(TOKEN_KEY_BYTES).toString('base64')}\n`);
    fsyncSync(file);
  } finally {
    closeSync(file);
  }
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
  return parseTokenKey(readFileSync(path, 'utf8'));
}
