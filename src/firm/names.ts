import { z } from 'zod';

/** A firm or company name as shown: trimmed, inner whitespace collapsed to single spaces. */
export function tidyName(raw: string): string {
  return raw.normalize('NFC').trim().replace(/\s+/g, ' ');
}

/**
 * The key under which a company name is unique across the platform: case- and whitespace-insensitive,
 * so "Acme  Ltd" and " acme ltd" are the same company name.
 */
export function companyNameKey(name: string): string {
  return tidyName(name).toLowerCase();
}

/** Command input for a firm or company name. */
export const firmNameInput = z.string().transform(tidyName).pipe(z.string().min(1).max(120));
