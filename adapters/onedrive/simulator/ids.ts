import { randomBytes } from 'node:crypto';

/**
 * Item ids as OneDrive Personal hands them out: the old `CID!123` form, or the new resid form
 * (`CID!s` and 32 hex digits) that arrived with the SharePoint back end, here in mixed case so that
 * code treating ids as anything but opaque strings gets caught.
 */
export type IdStyle = 'legacy' | 'new';

export function newCid(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

function mixedCase(hex: string): string {
  let out = '';
  for (let i = 0; i < hex.length; i++) out += i % 3 === 0 ? hex[i]!.toUpperCase() : hex[i]!;
  return out;
}

export function itemIds(cid: string, style: IdStyle): { root: string; next: () => string } {
  let counter = 100;
  if (style === 'legacy') return { root: `${cid}!${++counter}`, next: () => `${cid}!${++counter}` };
  return {
    root: `${cid}!sea8cc6beffdb43d7976fbc7da445c639`,
    next: () => `${cid}!s${mixedCase(randomBytes(16).toString('hex'))}`,
  };
}

/** An opaque, url-safe token: delta tokens, codes, access and refresh tokens. */
export function opaque(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

export const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
export const fromBase64url = (text: string) => Buffer.from(text, 'base64url').toString('utf8');
