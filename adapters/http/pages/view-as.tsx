/**
 * "View as client" for staff: a staff API token (a browser sends no bearer header on its own, so
 * the form takes it and keeps it nowhere), the contact, and an optional instant. The answer is the
 * documents page read-only (documents.tsx), as the contact sees it now or saw it then.
 */
import { CsrfField, Layout, Notice, portalPath } from './layout.js';
import type { Look } from './look.js';

export function ViewAsForm({ look, csrf, contactId, at, error }: { look: Look; csrf: string; contactId?: string; at?: string; error?: string | null }) {
  return (
    <Layout look={look} title="View as client" csrf={csrf}>
      <h1>View the portal as a client sees it</h1>
      <p>For the firm's staff: the documents page of one contact, read-only, now or at a moment in the past.</p>
      <Notice kind="error" text={error} />
      <form method="post" action={portalPath(look.firmId, 'view-as')} class="card">
        <CsrfField csrf={csrf} />
        <div class="field">
          <label for="token">Your staff API token</label>
          <input id="token" name="token" type="password" autocomplete="off" required maxlength={512} />
        </div>
        <div class="field">
          <label for="contactId">Contact id</label>
          <input id="contactId" name="contactId" type="text" required maxlength={128} value={contactId ?? ''} />
        </div>
        <div class="field">
          <label for="at">As of (optional)</label>
          <p id="at-hint" class="hint">
            An instant in UTC, e.g. 2026-03-01T09:00:00Z. Leave empty for now.
          </p>
          <input id="at" name="at" type="text" maxlength={40} value={at ?? ''} aria-describedby="at-hint" />
        </div>
        <button type="submit" class="button primary">
          Show the client's page
        </button>
      </form>
    </Layout>
  );
}
