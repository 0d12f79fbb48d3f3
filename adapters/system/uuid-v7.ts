import { randomUUID } from 'node:crypto';

/**
 * RFC 9562 UUID version 7: 48 bits of Unix milliseconds, then random bits. Ids made one after another
 * sort one after another, so a unique index on them grows at its end instead of dirtying a random
 * page per insert (fewer pages per commit for the SQLite store). The random part comes from
 * `randomUUID`, which draws on Node's buffered entropy pool (a fresh `randomBytes(16)` per id costs
 * a call into OpenSSL each time); its variant bits are already the RFC's.
 */
export function uuidV7(now: number = Date.now()): string {
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx
  const time = now.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}
