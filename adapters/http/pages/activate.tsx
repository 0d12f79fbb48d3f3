/** The page the invitation email links to: the contact sets a password and is logged in. */
import { CsrfField, Layout, Notice, portalPath } from './layout.js';
import type { Look } from './look.js';
import { NewPasswordFields } from './password-fields.js';

/** Expired, replaced, used or wrong: one message, which never says which. */
export const deadInvitationLink = (firmName: string) =>
  `This link no longer works. Ask ${firmName} to send you a new invitation, then use the link in the newest email.`;

export interface ActivateProps {
  look: Look;
  csrf: string;
  link: { contactId: string; token: string } | null;
  error?: string | null;
}

export function ActivatePage({ look, csrf, link, error }: ActivateProps) {
  return (
    <Layout look={look} title="Activate your account" csrf={csrf}>
      <h1>Welcome to {look.firmName}</h1>
      {link === null ? (
        <>
          <Notice kind="error" text={deadInvitationLink(look.firmName)} />
          <p>
            Already activated? <a href={portalPath(look.firmId, 'login')}>Log in</a>.
          </p>
        </>
      ) : (
        <>
          <p>{look.firmName} invited you to its client portal. Choose a password to activate your account.</p>
          <Notice kind="error" text={error} />
          <form method="post" action={portalPath(look.firmId, 'activate')} class="card">
            <CsrfField csrf={csrf} />
            <input type="hidden" name="contactId" value={link.contactId} />
            <input type="hidden" name="token" value={link.token} />
            <NewPasswordFields />
            <button type="submit" class="button primary">
              Activate my account
            </button>
          </form>
        </>
      )}
    </Layout>
  );
}
