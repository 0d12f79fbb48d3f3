/** Small, safe building blocks of the HTML part: every piece of text goes through `escape`. */

export function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Only our own absolute web addresses (and mailto) become links; anything else is shown as text. */
export function isLinkable(url: string): boolean {
  return /^(https?:\/\/|mailto:)/i.test(url);
}

export function link(url: string, label: string): string {
  return isLinkable(url) ? `<a href="${escape(url)}">${escape(label)}</a>` : escape(label);
}

export function paragraph(text: string): string {
  return `<p style="margin:0 0 16px 0">${escape(text)}</p>`;
}

/** A call-to-action button in the brand colour (a link styled as a button: email clients run no script). */
export function button(url: string, label: string, colour: string): string {
  const style = `display:inline-block;padding:12px 20px;background:${colour};color:#ffffff;text-decoration:none;border-radius:4px;font-weight:bold`;
  return `<p style="margin:0 0 16px 0"><a href="${escape(url)}" style="${style}">${escape(label)}</a></p>`;
}

export function list(items: readonly string[]): string {
  return `<ul style="margin:0 0 16px 0;padding-left:20px">${items.map((i) => `<li>${escape(i)}</li>`).join('')}</ul>`;
}

export interface Frame {
  title: string;
  firmName: string;
  colour: string;
  logoUrl: string | null;
  /** Already-built HTML blocks. */
  body: string[];
  /** Already-built HTML (may hold a link). */
  footer: string;
}

/** The branded frame: a bar in the brand colour with the logo (or the firm's name), the body, the footer. */
export function frame(f: Frame): string {
  const header = f.logoUrl
    ? `<img src="${escape(f.logoUrl)}" alt="${escape(f.firmName)}" style="max-height:48px;max-width:240px;border:0">`
    : `<span style="color:#ffffff;font-size:20px;font-weight:bold">${escape(f.firmName)}</span>`;
  return [
    '<!DOCTYPE html>',
    `<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escape(f.title)}</title></head>`,
    '<body style="margin:0;padding:0;background:#f4f4f4;font-family:Arial,Helvetica,sans-serif;color:#222222">',
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px 12px">',
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff">',
    `<tr><td style="background:${f.colour};padding:16px 24px">${header}</td></tr>`,
    `<tr><td style="padding:24px;font-size:15px;line-height:1.5">${f.body.join('\n')}</td></tr>`,
    `<tr><td style="padding:16px 24px;border-top:1px solid #e0e0e0;font-size:12px;color:#666666">${f.footer}</td></tr>`,
    '</table></td></tr></table></body></html>',
  ].join('\n');
}
