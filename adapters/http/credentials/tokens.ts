import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Who a raw token belongs to: the platform operator, a staff user (API token) or a client (session). */
export type TokenKind = 'operator' | 'staff' | 'session';

/** A short prefix per kind, so a token found in a log, a repository or a paste is recognisable as ours. */
export const TOKEN_PREFIXES = { operator: 'cpo_', staff: 'cps_', session: 'cpc_' } as const satisfies Record<TokenKind, string>;

// 32 random bytes in base64url, without padding.
const BODY = /^[A-Za-z0-9_-]{43}$/;

/** A fresh raw token of this kind: 256 random bits. Shown once to its owner; never stored or logged. */
export function newRawToken(kind: TokenKind): string {
  return TOKEN_PREFIXES[kind] + randomBytes(32).toString('base64url');
}

/** The kind a raw token has by its shape, or null when it is none of ours (cheap: no hash, no lookup). */
export function tokenKind(raw: string): TokenKind | null {
  for (const kind of ['operator', 'staff', 'session'] as const) {
    const prefix = TOKEN_PREFIXES[kind];
    if (raw.startsWith(prefix) && BODY.test(raw.slice(prefix.length))) return kind;
  }
  return null;
}

/**
 * What is stored and looked up instead of the token. A fast hash is enough: a token carries 256
 * random bits, so unlike a password there is nothing to guess from its SHA-256.
 */
export function tokenHash(raw: string): Buffer {
  return createHash('sha256').update(raw, 'utf8').digest();
}

/** Two hashes compared in constant time (for the comparisons made in JS rather than by an index). */
export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
