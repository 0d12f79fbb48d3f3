/** The page the reset email links to: a new password, then the contact is logged in. */
import { CsrfField, Layout, Notice, portalPath } from './layout.js';
import type { Look } from './look.js';
import { NewPasswordFields } from './password-fields.js';

export const deadResetLink = 'This link no longer works. Ask for a new one below: a link works once, for one hour, and only the newest one works.';

export interface ResetProps {
  look: Look;
  csrf: string;
  link: { contactId: string; token: string } | null;
  error?: string | null;
}

export function ResetPasswordPage({ look, csrf, link, error }: ResetProps) {
  return (
    <Layout look={look} title="Choose a new password" csrf={csrf}>
      <h1>Choose a new password</h1>
      {link === null ? (
        <>
          <Notice kind="error" text={deadResetLink} />
          <p>
            <a href={portalPath(look.firmId, 'forgot-password')}>Ask for a new link</a>
          </p>
        </>
      ) : (
        <>
          <Notice kind="error" text={error} />
          <form method="post" action={portalPath(look.firmId, 'reset-password')} class="card">
            <CsrfField csrf={csrf} />
            <input type="hidden" name="contactId" value={link.contactId} />
            <input type="hidden" name="token" value={link.token} />
            <NewPasswordFields />
            <button type="submit" class="button primary">
              Save my new password
            </button>
          </form>
        </>
      )}
    </Layout>
  );
}
