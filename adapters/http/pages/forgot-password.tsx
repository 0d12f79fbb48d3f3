/** "Forgot password": the contact gives their login email; a reset link is mailed if it is theirs. */
import { CsrfField, Layout, Notice, portalPath } from './layout.js';
import type { Look } from './look.js';

/** The same answer whoever the email belongs to. */
export const resetMailedIfKnown =
  'If this email address belongs to an account with access to the portal, we have sent it a link to set a new password. The link works once, for one hour.';

export function ForgotPasswordPage({ look, csrf, error, sent }: { look: Look; csrf: string; error?: string | null; sent?: boolean }) {
  return (
    <Layout look={look} title="Forgot your password" csrf={csrf}>
      <h1>Forgot your password?</h1>
      <Notice kind="info" text={sent ? resetMailedIfKnown : null} />
      <Notice kind="error" text={error} />
      <p>Give the email address you log in with. We will send you a link to choose a new password.</p>
      <form method="post" action={portalPath(look.firmId, 'forgot-password')} class="card">
        <CsrfField csrf={csrf} />
        <div class="field">
          <label for="email">Email address</label>
          <input id="email" name="loginEmail" type="email" autocomplete="username" required maxlength={254} />
        </div>
        <button type="submit" class="button primary">
          Send me a link
        </button>
      </form>
      <p>
        <a href={portalPath(look.firmId, 'login')}>Back to log in</a>
      </p>
    </Layout>
  );
}
