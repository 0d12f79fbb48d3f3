import { z } from 'zod';
import { DomainError } from '../core/errors.js';
import { isEmail } from '../core/email.js';

export const logoContentTypes = ['image/png', 'image/jpeg', 'image/svg+xml', 'image/webp'] as const;
export type LogoContentType = (typeof logoContentTypes)[number];

/** Largest logo a partner may upload: 1 MiB. */
export const maxLogoBytes = 1024 * 1024;

export interface Logo {
  /** Reference to the stored image in the blob store. */
  blobRef: string;
  contentType: LogoContentType;
  size: number;
}

export type SupportChannel = { kind: 'email'; address: string } | { kind: 'link'; url: string };

export interface Branding {
  logo: Logo | null;
  /** `#rrggbb`, lower-case. */
  primaryColour: string | null;
  supportChannel: SupportChannel | null;
}

/** What a firm without branding (or whose partner has none) shows: the platform's defaults. */
export const defaultBranding: Branding = { logo: null, primaryColour: null, supportChannel: null };

/** The platform's colour, for a firm (and partner) without one: the pages' and the emails'. */
export const DEFAULT_PRIMARY_COLOUR = '#1f4e79';

export const logoSchema = z.object({
  blobRef: z.string().min(1).max(500),
  contentType: z.enum(logoContentTypes),
  size: z.number().int().positive().max(maxLogoBytes),
});

export const supportChannelSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('email'), address: z.email() }),
  z.object({ kind: z.literal('link'), url: z.url({ protocol: /^https$/ }) }),
]);

export const brandingSchema = z.object({
  logo: logoSchema.nullable(),
  primaryColour: z.string().regex(/^#[0-9a-f]{6}$/).nullable(),
  supportChannel: supportChannelSchema.nullable(),
});

/** Checks a logo reference against the allowed image types and size. */
export function logo(input: { blobRef: string; contentType: string; size: number }): Logo {
  if (!(logoContentTypes as readonly string[]).includes(input.contentType)) {
    throw new DomainError('firm.logo_type_unsupported', 'The logo must be a PNG, JPEG, SVG or WebP image.');
  }
  if (input.size > maxLogoBytes) throw new DomainError('firm.logo_too_large', 'The logo must be 1 MiB or smaller.');
  return { blobRef: input.blobRef, contentType: input.contentType as LogoContentType, size: input.size };
}

/** A primary brand colour as `#rrggbb` in lower case. */
export function brandColour(raw: string): string {
  const colour = raw.trim().toLowerCase();
  if (!/^#[0-9a-f]{6}$/.test(colour)) {
    throw new DomainError('firm.invalid_brand_colour', 'The primary brand colour must be a hex colour like #1A2B3C.');
  }
  return colour;
}

/** A support channel from what the partner typed: an email address or an https link. */
export function supportChannel(raw: string): SupportChannel {
  const text = raw.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  if (scheme === 'mailto') return emailChannel(text.slice('mailto:'.length));
  if (scheme === undefined) return emailChannel(text);
  if (scheme !== 'https') {
    throw new DomainError('firm.support_link_not_https', 'The support link must start with https://.');
  }
  if (!URL.canParse(text)) throw new DomainError('firm.invalid_support_channel', 'The support link is not a valid web address.');
  return { kind: 'link', url: new URL(text).href };
}

function emailChannel(address: string): SupportChannel {
  if (!isEmail(address)) {
    throw new DomainError('firm.invalid_support_channel', 'The support channel must be an email address or an https link.');
  }
  return { kind: 'email', address: address.trim().toLowerCase() };
}

export function sameBranding(a: Branding | null, b: Branding | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
