/** Log in with the login email and password; a link to "forgot password". */
import { CsrfField, Layout, Notice, portalPath } from './layout.js';
import type { Look } from './look.js';
import { ShowPassword } from './password-fields.js';

export interface LoginProps {
  look: Look;
  csrf: string;
  email?: string;
  error?: string | null;
  info?: string | null;
}

export function LoginPage({ look, csrf, email, error, info }: LoginProps) {
  return (
    <Layout look={look} title="Log in" csrf={csrf}>
      <h1>Log in to {look.firmName}</h1>
      <Notice kind="info" text={info} />
      <Notice kind="error" text={error} />
      <form method="post" action={portalPath(look.firmId, 'login')} class="card">
        <CsrfField csrf={csrf} />
        <div class="field">
          <label for="email">Email address</label>
          <input id="email" name="loginEmail" type="email" autocomplete="username" required maxlength={254} value={email ?? ''} />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required maxlength={1000} />
          <ShowPassword controls="password" />
        </div>
        <button type="submit" class="button primary">
          Log in
        </button>
      </form>
      <p>
        <a href={portalPath(look.firmId, 'forgot-password')}>Forgot your password?</a>
      </p>
    </Layout>
  );
}
