/**
 * Text as the client list searches and sorts it: compatibility-decomposed, accents (combining
 * marks) stripped, lower case. "José", "JOSÉ" and "jose" all become "jose".
 */
export function normalizeText(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Login emails are looked up case-insensitively. */
export const emailKey = (email: string) => email.toLowerCase();
