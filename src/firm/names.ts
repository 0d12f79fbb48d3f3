import { z } from 'zod';
import { MAX_FIRM_NAME_LENGTH, plainText } from '../core/limits.js';

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
export const firmNameInput = plainText(MAX_FIRM_NAME_LENGTH).transform(tidyName).pipe(z.string().min(1, 'cannot be empty'));
