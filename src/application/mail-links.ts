/** The absolute links emails carry, built from the portal's public address. */

const base = (publicUrl: string) => publicUrl.replace(/\/+$/, '');

/** The page where a contact accepts the invitation and sets a password. */
export function activationLink(publicUrl: string, contactId: string, token: string): string {
  return `${base(publicUrl)}/activate?contactId=${encodeURIComponent(contactId)}&token=${encodeURIComponent(token)}`;
}

/** Where a contact logs in. */
export function loginLink(publicUrl: string): string {
  return `${base(publicUrl)}/login`;
}

/** A document, for the firm's staff. */
export function documentLink(publicUrl: string, documentId: string): string {
  return `${base(publicUrl)}/documents/${encodeURIComponent(documentId)}`;
}

/** The logo a firm shows (its own, or its partner's for a managed company): a public address. */
export function logoLink(publicUrl: string, firmId: string): string {
  return `${base(publicUrl)}/firms/${encodeURIComponent(firmId)}/branding/logo`;
}
