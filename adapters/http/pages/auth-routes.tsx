/**
 * The pages that let a contact in: activate from the invitation link, log in and out, forgot
 * password, and the reset link. They call the same application functions, limits and session
 * helpers as the JSON routes, so the answers and refusals are the same.
 */
import { deleteCookie, getCookie } from 'hono/cookie';
import type { RouteContext } from '../app.js';
import { SESSION_COOKIE } from '../auth.js';
import { call } from '../operation.js';
import { jsonBodyLimit } from '../request-input.js';
import { logInWithLimits, requestResetWithLimits, resetPasswordAndStartSession, startSession } from '../session-routes.js';
import { ActivatePage } from './activate.js';
import { ForgotPasswordPage } from './forgot-password.js';
import { portalPath } from './layout.js';
import { LoginPage } from './login.js';
import { contactOn, FORM_BYTES, fieldsOf, formOf, notFoundPage, pageSetup, refusalOf, render } from './page-kit.js';
import { ResetPasswordPage } from './reset-password.js';
import { rotateCsrf } from './security.js';

const mismatch = 'The two passwords are not the same. Type the same password twice.';

/** The contact id and token of an emailed link, when both look like ones (anything else is a dead link). */
function linkOf(fields: Record<string, string | undefined>) {
  const { contactId, token } = fields;
  return contactId && token && contactId.length <= 128 && token.length <= 256 ? { contactId, token } : null;
}

export function registerAuthPages(ctx: RouteContext): void {
  const { app, portal } = ctx;
  const form = jsonBodyLimit(FORM_BYTES);

  app.get('/portal/:firmId', async (c) => {
    const firmId = c.req.param('firmId');
    const signedIn = (await contactOn(ctx, c, firmId)) !== null;
    return c.redirect(portalPath(firmId, signedIn ? 'documents' : 'login'), 303);
  });

  /** A link whose invitation is open, current and unexpired, in this firm; anything else shows the one message. */
  async function liveInvitation(firmId: string, link: { contactId: string; token: string } | null) {
    if (link === null) return null;
    const checked = await call(portal, 'invitations.checkInvitationLink', null, link).catch(() => ({ usable: false, tenantId: null }));
    return checked.usable && checked.tenantId === firmId ? link : null;
  }

  app.get('/portal/:firmId/activate', async (c) => {
    const setup = await pageSetup(ctx, c);
    if (setup === null) return notFoundPage(c);
    const link = await liveInvitation(setup.look.firmId, linkOf(c.req.query()));
    return render(c, <ActivatePage {...setup} link={link} />, link === null ? 410 : 200);
  });

  app.post('/portal/:firmId/activate', form, async (c) => {
    const setup = await pageSetup(ctx, c);
    if (setup === null) return notFoundPage(c);
    const firmId = setup.look.firmId;
    let link: { contactId: string; token: string } | null = null;
    try {
      link = linkOf(await fieldsOf(c)); // kept to show the form again after a refusal
      const fields = await formOf(c);
      if ((await liveInvitation(firmId, link)) === null) return render(c, <ActivatePage {...setup} link={null} />, 410);
      if (fields.password !== fields.confirm) return render(c, <ActivatePage {...setup} link={link} error={mismatch} />, 400);
      const accepted = await call(portal, 'invitations.acceptInvitation', null, { ...link, password: fields.password });
      if (accepted.access !== 'active') {
        return render(c, <LoginPage {...setup} error={`Your password is set, but ${setup.look.firmName} has closed your access to the portal. Ask them to open it again.`} />, 403);
      }
      await startSession(ctx, c, accepted.tenantId, accepted.contactId);
      rotateCsrf(c, ctx.secureCookies);
      return c.redirect(`${portalPath(firmId, 'documents')}?welcome=1`, 303);
    } catch (error) {
      const refused = refusalOf(error);
      // A link that died meanwhile reads like any dead link; other refusals (the password) as the domain words them.
      if (refused.status === 410 || /^invitation\./.test((error as { code?: string }).code ?? '')) return render(c, <ActivatePage {...setup} link={null} />, 410);
      return render(c, <ActivatePage {...setup} link={link} error={refused.message} />, refused.status);
    }
  });

  app.get('/portal/:firmId/login', async (c) => {
    const setup = await pageSetup(ctx, c);
    if (setup === null) return notFoundPage(c);
    const info = c.req.query('bye') !== undefined ? 'You are logged out.' : c.req.query('again') !== undefined ? 'Your session has ended. Log in again.' : null;
    return render(c, <LoginPage {...setup} info={info} />);
  });

  app.post('/portal/:firmId/login', form, async (c) => {
    const setup = await pageSetup(ctx, c);
    if (setup === null) return notFoundPage(c);
    let email = '';
    try {
      const fields = await formOf(c);
      email = fields.loginEmail ?? '';
      await logInWithLimits(ctx, c, { tenantId: setup.look.firmId, loginEmail: email, password: fields.password ?? '' });
      rotateCsrf(c, ctx.secureCookies);
      return c.redirect(portalPath(setup.look.firmId, 'documents'), 303);
    } catch (error) {
      const refused = refusalOf(error);
      // A malformed email is refused like a wrong one: the same answer for every failed login.
      const message = refused.status === 400 ? 'The login details are not correct.' : refused.message;
      for (const [name, value] of Object.entries(refused.headers)) c.header(name, value);
      return render(c, <LoginPage {...setup} email={email} error={message} />, refused.status === 400 ? 401 : refused.status);
    }
  });

  app.post('/portal/:firmId/logout', form, async (c) => {
    const setup = await pageSetup(ctx, c);
    if (setup === null) return notFoundPage(c);
    try {
      await formOf(c);
    } catch (error) {
      return render(c, <LoginPage {...setup} error={refusalOf(error).message} />, 403);
    }
    const token = getCookie(c, SESSION_COOKIE);
    if (token?.startsWith('cpc_')) await ctx.credentials.revokeSession(token);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect(`${portalPath(setup.look.firmId, 'login')}?bye=1`, 303);
  });

  app.get('/portal/:firmId/forgot-password', async (c) => {
    const setup = await pageSetup(ctx, c);
    if (setup === null) return notFoundPage(c);
    return render(c, <ForgotPasswordPage {...setup} />);
  });

  app.post('/portal/:firmId/forgot-password', form, async (c) => {
    const setup = await pageSetup(ctx, c);
    if (setup === null) return notFoundPage(c);
    try {
      const fields = await formOf(c);
      await requestResetWithLimits(ctx, c, { tenantId: setup.look.firmId, loginEmail: fields.loginEmail ?? '' });
      return render(c, <ForgotPasswordPage {...setup} sent />);
    } catch (error) {
      const refused = refusalOf(error);
      for (const [name, value] of Object.entries(refused.headers)) c.header(name, value);
      return render(c, <ForgotPasswordPage {...setup} error={refused.message} />, refused.status);
    }
  });

  async function liveReset(firmId: string, link: { contactId: string; token: string } | null) {
    if (link === null) return null;
    const checked = await call(portal, 'access.checkPasswordResetLink', null, link).catch(() => ({ usable: false, tenantId: null }));
    return checked.usable && checked.tenantId === firmId ? link : null;
  }

  app.get('/portal/:firmId/reset-password', async (c) => {
    const setup = await pageSetup(ctx, c);
    if (setup === null) return notFoundPage(c);
    const link = await liveReset(setup.look.firmId, linkOf(c.req.query()));
    return render(c, <ResetPasswordPage {...setup} link={link} />, link === null ? 410 : 200);
  });

  app.post('/portal/:firmId/reset-password', form, async (c) => {
    const setup = await pageSetup(ctx, c);
    if (setup === null) return notFoundPage(c);
    let link: { contactId: string; token: string } | null = null;
    try {
      link = linkOf(await fieldsOf(c)); // kept to show the form again after a refusal
      const fields = await formOf(c);
      link = await liveReset(setup.look.firmId, link);
      if (link === null) return render(c, <ResetPasswordPage {...setup} link={null} />, 410);
      if (fields.password !== fields.confirm) return render(c, <ResetPasswordPage {...setup} link={link} error={mismatch} />, 400);
      await resetPasswordAndStartSession(ctx, c, { ...link, password: fields.password });
      rotateCsrf(c, ctx.secureCookies);
      return c.redirect(`${portalPath(setup.look.firmId, 'documents')}?password=1`, 303);
    } catch (error) {
      const refused = refusalOf(error);
      if ((error as { code?: string }).code === 'portal_access.reset_link_invalid') return render(c, <ResetPasswordPage {...setup} link={null} />, 410);
      return render(c, <ResetPasswordPage {...setup} link={link} error={refused.message} />, refused.status);
    }
  });
}
