/**
 * The frame of every client page: the firm's brand bar (logo or name, in its colour), the page's
 * content in a landmark, and the footer with the support channel. Styles and the few lines of
 * script are files of this service (the policy allows nothing inline).
 */
import type { Child } from 'hono/jsx';
import { CSRF_FIELD } from './security.js';
import type { Look } from './look.js';

export const portalPath = (firmId: string, page = '') => `/portal/${encodeURIComponent(firmId)}${page ? `/${page}` : ''}`;

export interface LayoutProps {
  look: Look;
  title: string;
  csrf: string;
  /** Shows the "Log out" button. */
  signedIn?: boolean;
  children?: Child;
}

function Support({ look }: { look: Look }) {
  const channel = look.support;
  if (channel === null) return <p>{look.firmName}</p>;
  return (
    <p>
      {look.firmName} · Need help?{' '}
      {channel.kind === 'email' ? <a href={`mailto:${channel.address}`}>Write to {channel.address}</a> : <a href={channel.url} rel="noopener noreferrer">Get help</a>}
    </p>
  );
}

export function Layout({ look, title, csrf, signedIn, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="csrf-token" content={csrf} />
        <title>{`${title} · ${look.firmName}`}</title>
        <link rel="stylesheet" href="/portal-assets/portal.css" />
        <link rel="stylesheet" href={portalPath(look.firmId, 'brand.css')} />
        <script src="/portal-assets/portal.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to the content
        </a>
        <header class="brand-bar">
          <a class="brand" href={portalPath(look.firmId, signedIn ? 'documents' : 'login')}>
            {look.logoUrl ? <img src={look.logoUrl} alt={look.firmName} class="logo" /> : <span class="firm-name">{look.firmName}</span>}
          </a>
          {signedIn ? (
            <form method="post" action={portalPath(look.firmId, 'logout')} class="logout">
              <input type="hidden" name={CSRF_FIELD} value={csrf} />
              <button type="submit" class="button on-brand">
                Log out
              </button>
            </form>
          ) : null}
        </header>
        <main id="main" tabindex={-1}>
          {children}
        </main>
        <footer class="footer">
          <Support look={look} />
        </footer>
      </body>
    </html>
  );
}

/** A message for the person: `alert` for a refusal (read out at once), `status` for news. */
export function Notice({ kind, text }: { kind: 'error' | 'info'; text: string | null | undefined }) {
  if (!text) return null;
  return (
    <p class={`notice ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {text}
    </p>
  );
}

export const CsrfField = ({ csrf }: { csrf: string }) => <input type="hidden" name={CSRF_FIELD} value={csrf} />;
