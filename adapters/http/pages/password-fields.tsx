/** A new password and its confirmation, with the length rule shown up front and a show-password toggle. */
import { MIN_PASSWORD_LENGTH } from '../../../src/application/accept-invitation.js';

export const passwordRule = `At least ${MIN_PASSWORD_LENGTH} characters (at most 200).`;

/** The toggle works with the page's script; without it the button stays hidden. */
export function ShowPassword({ controls }: { controls: string }) {
  return (
    <button type="button" class="button secondary toggle" data-toggle-password={controls} aria-controls={controls} aria-pressed="false" hidden>
      Show password
    </button>
  );
}

export function NewPasswordFields() {
  return (
    <>
      <div class="field">
        <label for="password">New password</label>
        <p id="password-rule" class="hint">
          {passwordRule}
        </p>
        <input id="password" name="password" type="password" autocomplete="new-password" required minlength={MIN_PASSWORD_LENGTH} maxlength={200} aria-describedby="password-rule" />
        <ShowPassword controls="password confirm" />
      </div>
      <div class="field">
        <label for="confirm">Type the password again</label>
        <input id="confirm" name="confirm" type="password" autocomplete="new-password" required minlength={MIN_PASSWORD_LENGTH} maxlength={200} />
      </div>
    </>
  );
}
