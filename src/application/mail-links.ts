/** The absolute links emails carry, built from the portal's public address. */

const base = (publicUrl: string) => publicUrl.replace(/\/+$/, '');

/** The firm's client portal pages: `/portal/{firmId}`. */
export function portalLink(publicUrl: string, firmId: string): string {
  return `${base(publicUrl)}/portal/${encodeURIComponent(firmId)}`;
}

const contactAndToken = (contactId: string, token: string) => `contactId=${encodeURIComponent(contactId)}&token=${encodeURIComponent(token)}`;

/** The firm's page where a contact accepts the invitation and sets a password. */
export function activationLink(publicUrl: string, firmId: string, contactId: string, token: string): string {
  return `${portalLink(publicUrl, firmId)}/activate?${contactAndToken(contactId, token)}`;
}

/** The firm's page where a contact sets a new password with a reset link. */
export function passwordResetLink(publicUrl: string, firmId: string, contactId: string, token: string): string {
  return `${portalLink(publicUrl, firmId)}/reset-password?${contactAndToken(contactId, token)}`;
}

/** Where a contact logs in on the firm's portal. */
export function loginLink(publicUrl: string, firmId: string): string {
  return `${portalLink(publicUrl, firmId)}/login`;
}

/** A document, for the firm's staff. */
export function documentLink(publicUrl: string, documentId: string): string {
  return `${base(publicUrl)}/documents/${encodeURIComponent(documentId)}`;
}

/** The logo a firm shows (its own, or its partner's for a managed company): a public address. */
export function logoLink(publicUrl: string, firmId: string): string {
  return `${base(publicUrl)}/firms/${encodeURIComponent(firmId)}/branding/logo`;
}
