import { z } from 'zod';
import { ValidationError } from './errors.js';
import { MAX_EMAIL_LENGTH, plainText } from './limits.js';

const address = z.email();

/** An email address as we store it: trimmed and lower-cased. Throws a ValidationError when malformed. */
export function normaliseEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (!address.safeParse(email).success) {
    throw new ValidationError('This is not a valid email address.', [{ path: '', message: 'Invalid email address' }]);
  }
  return email;
}

/** True when `raw` is a valid email address once normalised. */
export function isEmail(raw: string): boolean {
  return address.safeParse(raw.trim().toLowerCase()).success;
}

/** Command input for an email address: normalised, then validated. */
export const emailInput = plainText(MAX_EMAIL_LENGTH).trim().toLowerCase().pipe(z.email());
