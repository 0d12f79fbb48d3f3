/**
 * How a firm's portal looks: its name and effective branding (a managed company shows its
 * partner's logo, colour and support channel), read by the system before anyone signs in, and the
 * ink (black or white) that reads best on the brand colour.
 */
import type { Caller } from '../../../src/application/context.js';
import { NotFoundError, ValidationError } from '../../../src/core/errors.js';
import { DEFAULT_PRIMARY_COLOUR, type SupportChannel } from '../../../src/firm/branding.js';
import type { RouteContext } from '../app.js';

export interface Look {
  firmId: string;
  firmName: string;
  /** `#rrggbb` */
  colour: string;
  /** `#000000` or `#ffffff`, whichever contrasts more with `colour`. */
  ink: string;
  /** The logo's address on this service, when the branding has one. */
  logoUrl: string | null;
  support: SupportChannel | null;
}


const pagesActor = { kind: 'system', name: 'client-pages' } as const;

/** The system, reading inside a firm for its pages. */
export const pagesCaller = (firmId: string): Caller => ({ tenantId: firmId, actor: pagesActor });

/** The firm's look, or null when there is no such firm (or the id could not be one). */
export async function lookOf(ctx: RouteContext, firmId: string): Promise<Look | null> {
  try {
    const caller = pagesCaller(firmId);
    const firm = await ctx.portal.firms.getFirm(caller);
    const branding = await ctx.portal.firms.effectiveBrandingOf(caller, { firmId });
    const colour = branding.primaryColour ?? DEFAULT_PRIMARY_COLOUR;
    return {
      firmId,
      firmName: firm.name,
      colour,
      ink: inkOn(colour),
      logoUrl: branding.logo ? `/firms/${encodeURIComponent(firmId)}/branding/logo` : null,
      support: branding.supportChannel,
    };
  } catch (error) {
    // A firm id that could be none (too long, control characters) names no firm either.
    if (error instanceof NotFoundError || error instanceof ValidationError) return null;
    throw error;
  }
}

/** WCAG relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const v = parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** Black or white text, whichever has the higher contrast ratio on `hex`. */
export function inkOn(hex: string): string {
  const l = luminance(hex);
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}

/** The page's stylesheet of brand variables: only validated colours reach it. */
export function brandCss(look: Look): string {
  const safe = (c: string) => (/^#[0-9a-f]{6}$/i.test(c) ? c : DEFAULT_PRIMARY_COLOUR);
  return `:root{--brand:${safe(look.colour)};--brand-ink:${safe(look.ink)}}\n`;
}
