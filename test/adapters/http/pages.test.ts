/**
 * The client pages over HTTP (no browser): security headers, CSRF on every form post, escaping,
 * the same answer for a wrong password and an unknown email, dead links, refusals shown with the
 * domain's words, and staff's read-only "view as client".
 */
import { describe, expect, it } from 'vitest';
import { pagePolicy } from '../../../adapters/http/pages/security.js';
import { browserOf } from './page-support.js';
import { PASSWORD, testHttp } from './support.js';

const XSS = '<img src=x onerror=alert(1)>';

async function setUp(parts: Parameters<typeof testHttp>[0] = {}) {
  const http = testHttp(parts);
  const firm = await http.givenFirm();
  const contact = await http.givenContact(firm);
  const upload = async (folderPath: string, name: string, bytes = 'hello') => {
    const query = new URLSearchParams({ folderPath, name });
    const response = await http.app.request(`/clients/${contact.clientId}/documents?${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${firm.token}`, 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { document: { documentId: string } }).document.documentId;
  };
  const share = (paths: string[]) =>
    http.call('PUT', `/contacts/${contact.contactId}/portal-access/shared-items`, { token: firm.token, body: { sharedItems: paths.map((path) => ({ kind: 'folder', path })) } });
  return { http, firm, contact, upload, share, path: (page: string) => `/portal/${firm.firmId}/${page}` };
}

/** A browser logged in as the contact through the login page. */
async function loggedIn(s: Awaited<ReturnType<typeof setUp>>) {
  const browser = browserOf(s.http);
  await browser.get(s.path('login'));
  const answer = await browser.post(s.path('login'), { loginEmail: s.contact.email, password: PASSWORD });
  expect(answer.status).toBe(303);
  return browser;
}

describe('client pages: headers and cookies', () => {
  it('answers every page with a strict policy, nosniff, no referrer and no framing', async () => {
    const { http, path } = await setUp();
    const answer = await browserOf(http).get(path('login'));
    expect(answer.status).toBe(200);
    const policy = answer.headers.get('content-security-policy')!;
    expect(policy).toBe(pagePolicy);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(answer.html).not.toMatch(/\sstyle=/);
    expect(answer.setCookies.find((c) => c.startsWith('portal_csrf='))).toMatch(/HttpOnly.*SameSite=Strict|SameSite=Strict.*HttpOnly/);
  });

  it('sets the session cookie HttpOnly and SameSite=Lax, and Secure behind HTTPS', async () => {
    for (const secure of [false, true]) {
      const s = await setUp({ parts: { secureCookies: secure } });
      const browser = browserOf(s.http);
      await browser.get(s.path('login'));
      const answer = await browser.post(s.path('login'), { loginEmail: s.contact.email, password: PASSWORD });
      const cookie = answer.setCookies.find((c) => c.startsWith('portal_session='))!;
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect(/Secure/.test(cookie)).toBe(secure);
    }
  });

  it('serves the brand colour as a stylesheet and a 404 page for an unknown firm', async () => {
    const { http, firm, path } = await setUp();
    expect((await http.call('PUT', `/firms/${firm.firmId}/partner-features`, { token: firm.operator, body: { licensingPartner: true } })).status).toBe(200);
    expect((await http.call('PUT', '/branding', { token: firm.token, body: { logo: null, primaryColour: '#f0e68c', supportChannel: 'help@harbour.example' } })).status).toBe(200);
    const css = await browserOf(http).get(path('brand.css'));
    expect(css.html).toContain('--brand:#f0e68c;--brand-ink:#000000');
    const login = await browserOf(http).get(path('login'));
    expect(login.html).toContain('mailto:help@harbour.example');
    expect((await browserOf(http).get('/portal/no-such-firm/login')).status).toBe(404);
  });
});

describe('client pages: branding', () => {
  it("shows a managed company's pages in its partner's branding", async () => {
    const http = testHttp();
    const partner = await http.givenFirm('Harbour Partners');
    expect((await http.call('PUT', `/firms/${partner.firmId}/partner-features`, { token: partner.operator, body: { licensingPartner: true } })).status).toBe(200);
    expect((await http.call('PUT', '/branding', { token: partner.token, body: { logo: null, primaryColour: '#0a5c36', supportChannel: 'https://help.harbour.example/' } })).status).toBe(200);
    const company = await http.call('POST', '/managed-companies', { token: partner.token, body: { name: 'Acme Bakery' } });
    expect(company.status).toBe(201);
    const companyId = company.body.companyId as string;
    const browser = browserOf(http);
    const login = await browser.get(`/portal/${companyId}/login`);
    expect(login.html).toContain('Log in to Acme Bakery');
    expect(login.html).toContain('href="https://help.harbour.example/"');
    expect((await browser.get(`/portal/${companyId}/brand.css`)).html).toContain('--brand:#0a5c36;--brand-ink:#ffffff');
  });
});

describe('client pages: CSRF', () => {
  it('refuses a form post without the token, with another token, or from another site', async () => {
    const { http, contact, path } = await setUp();
    const browser = browserOf(http);
    await browser.get(path('login'));
    const fields = { loginEmail: contact.email, password: PASSWORD };
    const missing = await browser.post(path('login'), fields, { csrf: null });
    expect(missing.status).toBe(403);
    expect(missing.html).toContain('This form has expired or did not come from this site');
    expect((await browser.post(path('login'), fields, { csrf: 'A'.repeat(43) })).status).toBe(403);
    expect((await browser.post(path('login'), fields, { headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await browser.post(path('login'), fields, { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect(browser.jar.has('portal_session')).toBe(false);
    expect((await browser.post(path('login'), fields)).status).toBe(303);
  });

  it('refuses an upload, a delete and a logout without the token', async () => {
    const s = await setUp();
    const browser = await loggedIn(s);
    const upload = await browser.send('POST', `${s.path('documents/upload')}?name=a.txt`, { body: 'x', headers: { 'content-type': 'application/octet-stream' } });
    expect(upload.status).toBe(403);
    const documentId = await s.upload('Uploads', 'mine.txt');
    expect((await browser.post(s.path(`documents/${documentId}/delete`), {}, { csrf: null })).status).toBe(403);
    expect((await browser.post(s.path('logout'), {}, { csrf: null })).status).toBe(403);
    expect(browser.jar.has('portal_session')).toBe(true);
  });
});

describe('client pages: what they show', () => {
  it('shows a document named like markup as text', async () => {
    const s = await setUp();
    await s.upload('Tax', XSS);
    await s.share(['Tax', 'Uploads']);
    const page = await (await loggedIn(s)).get(s.path('documents'));
    expect(page.status).toBe(200);
    expect(page.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page.html).not.toContain(XSS);
    expect(page.html).toContain('Pat Partner, Harbour Accountants');
  });

  it('says what to expect when nothing is shared yet', async () => {
    const s = await setUp();
    const page = await (await loggedIn(s)).get(s.path('documents'));
    expect(page.html).toContain('Your firm has not shared any documents yet');
  });

  it('gives the same answer for a wrong password and an unknown email', async () => {
    const s = await setUp();
    const browser = browserOf(s.http);
    await browser.get(s.path('login'));
    const wrong = await browser.post(s.path('login'), { loginEmail: s.contact.email, password: 'not the password' });
    const unknown = await browser.post(s.path('login'), { loginEmail: 'nobody@nowhere.example', password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const message = (html: string) => /role="alert">([^<]*)</.exec(html)?.[1];
    expect(message(wrong.html)).toBe('The login details are not correct.');
    expect(message(unknown.html)).toBe(message(wrong.html));
  });

  it("shows the domain's refusal when the client tries to delete a firm file, and deletes their own upload", async () => {
    const s = await setUp();
    const firmFile = await s.upload('Tax', 'Return 2025.pdf');
    await s.share(['Tax', 'Uploads']);
    const browser = await loggedIn(s);
    const refused = await browser.post(s.path(`documents/${firmFile}/delete`), {});
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('Documents shared by your firm cannot be changed or deleted.');
    expect(refused.html).toContain('Return 2025.pdf');

    const upload = await browser.send('POST', `${s.path('documents/upload')}?name=${encodeURIComponent('scan.pdf')}`, {
      body: 'scanned',
      headers: { 'content-type': 'application/octet-stream', 'x-csrf-token': browser.jar.get('portal_csrf')! },
    });
    expect(upload.status).toBe(201);
    const own = JSON.parse(upload.html).documentId as string;
    const renamed = await browser.post(s.path(`documents/${own}/rename`), { name: 'scan 2025.pdf' });
    expect(renamed.status).toBe(303);
    expect((await browser.get(s.path('documents'))).html).toContain('scan 2025.pdf');
    expect((await browser.post(s.path(`documents/${own}/delete`), {})).status).toBe(303);
    expect((await browser.get(s.path('documents'))).html).not.toContain('scan 2025.pdf');
  });

  it('refuses a program and a file over the limit before storing anything', async () => {
    const s = await setUp({ parts: { limits: { uploadBytes: 10 } } });
    const browser = await loggedIn(s);
    const headers = { 'content-type': 'application/octet-stream', 'x-csrf-token': browser.jar.get('portal_csrf')! };
    const program = await browser.send('POST', `${s.path('documents/upload')}?name=setup.exe`, { body: 'MZ', headers });
    expect(program.status).toBe(422);
    expect(JSON.parse(program.html).detail).toContain('Programs and scripts (.exe) cannot be sent');
    const big = await browser.send('POST', `${s.path('documents/upload')}?name=big.pdf`, { body: 'x'.repeat(11), headers: { ...headers, 'content-length': '11' } });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.html).detail).toContain('a file can be at most 10 bytes');
  });

  it('takes the upload form without script (multipart), with the form token', async () => {
    const s = await setUp();
    const browser = await loggedIn(s);
    const multipart = async (csrf: string) => {
      const form = new FormData();
      form.append('_csrf', csrf);
      form.append('files', new File(['one'], 'one.txt', { type: 'text/plain' }));
      form.append('files', new File(['two'], 'two.txt', { type: 'text/plain' }));
      const request = new Request('http://localhost/x', { method: 'POST', body: form });
      const body = new Uint8Array(await request.arrayBuffer());
      return { body, headers: { 'content-type': request.headers.get('content-type')!, 'content-length': String(body.length) } };
    };
    const forged = await browser.send('POST', s.path('documents/upload'), await multipart('B'.repeat(43)));
    expect(forged.status).toBe(403);
    const sent = await browser.send('POST', s.path('documents/upload'), await multipart(browser.jar.get('portal_csrf')!));
    expect(sent.status).toBe(303);
    const page = await browser.get(s.path('documents?uploaded=1'));
    expect(page.html).toContain('one.txt');
    expect(page.html).toContain('two.txt');
    expect(page.html).toContain('Your documents were sent.');
  });

  it('sends a signed-out visitor to the login page, and logs out', async () => {
    const s = await setUp();
    const anonymous = await browserOf(s.http).get(s.path('documents'));
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe(`${s.path('login')}?again=1`);
    const browser = await loggedIn(s);
    const out = await browser.post(s.path('logout'), {});
    expect(out.headers.get('location')).toBe(`${s.path('login')}?bye=1`);
    expect((await browser.get(s.path('documents'))).status).toBe(303);
  });
});

describe('client pages: links from emails', () => {
  it('shows one message for a wrong and for a used activation link', async () => {
    const s = await setUp();
    const browser = browserOf(s.http);
    const wrong = await browser.get(`${s.path('activate')}?contactId=${s.contact.contactId}&token=guessed`);
    expect(wrong.status).toBe(410);
    expect(wrong.html).toContain('This link no longer works. Ask Harbour Accountants to send you a new invitation');
    const used = await browser.get(`${s.path('activate')}?contactId=${s.contact.contactId}&token=${(await s.http.outbox.lastTo(s.contact.contactId))!.token}`);
    expect(used.status).toBe(410);
    expect(used.html).toContain('This link no longer works.');
    expect(used.html).not.toContain('<form method="post" action="/portal');
  });

  it('activates from a live link: the password rule is shown, a mismatch is refused, then the client is in', async () => {
    const s = await setUp();
    const client = await s.http.call('POST', '/clients', { token: s.firm.token, body: { kind: 'individual', owners: [{ name: 'Bea Brown', emails: ['bea@brown.example'] }] } });
    const contactId = client.body.ownerIds[0] as string;
    await s.http.call('POST', `/clients/${client.body.clientId}/invitations`, { token: s.firm.token, body: {} });
    const { token } = (await s.http.outbox.lastTo(contactId))!;
    const browser = browserOf(s.http);
    const page = await browser.get(`${s.path('activate')}?contactId=${contactId}&token=${token}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Welcome to Harbour Accountants');
    expect(page.html).toContain('At least 10 characters');
    const mismatch = await browser.post(s.path('activate'), { contactId, token, password: 'a long passphrase', confirm: 'another passphrase' });
    expect(mismatch.status).toBe(400);
    const short = await browser.post(s.path('activate'), { contactId, token, password: 'short', confirm: 'short' });
    expect(short.html).toContain('A password needs at least 10 characters.');
    const done = await browser.post(s.path('activate'), { contactId, token, password: 'a long passphrase', confirm: 'a long passphrase' });
    expect(done.status).toBe(303);
    expect((await browser.get(s.path('documents?welcome=1'))).html).toContain('Your account is active.');
  });
});

describe('view as client', () => {
  it("shows staff a contact's documents read-only, now and as of an instant", async () => {
    const s = await setUp();
    const before = s.http.clock.now().toISOString();
    s.http.clock.advance(60_000);
    await s.upload('Tax', 'Return 2025.pdf');
    await s.share(['Tax', 'Uploads']);
    const browser = browserOf(s.http);
    const bearer = { authorization: `Bearer ${s.firm.token}` };
    const now = await browser.get(`${s.path('view-as')}?contactId=${s.contact.contactId}`, bearer);
    expect(now.status).toBe(200);
    expect(now.html).toContain('Read-only: the portal as Ann Smith sees it now.');
    expect(now.html).toContain('Return 2025.pdf');
    expect(now.html).not.toContain('id="upload-form"');
    expect(now.html).not.toContain('/delete"');
    const then = await browser.get(`${s.path('view-as')}?contactId=${s.contact.contactId}&at=${encodeURIComponent(before)}`, bearer);
    expect(then.html).not.toContain('Return 2025.pdf');
    expect(then.html).toContain('saw it on');

    await browser.get(s.path('view-as'));
    const posted = await browser.post(s.path('view-as'), { token: s.firm.token, contactId: s.contact.contactId, at: '' });
    expect(posted.html).toContain('Return 2025.pdf');
    const badToken = await browser.post(s.path('view-as'), { token: 'cps_nope', contactId: s.contact.contactId, at: '' });
    expect(badToken.status).toBe(401);
  });

  it('refuses a contact and another firm', async () => {
    const s = await setUp();
    const contactView = await browserOf(s.http).get(`${s.path('view-as')}?contactId=${s.contact.contactId}`, { authorization: `Bearer ${s.contact.session}` });
    expect(contactView.status).toBe(403);
    const other = await s.http.givenFirm('Other Firm');
    const otherView = await browserOf(s.http).get(`${s.path('view-as')}?contactId=${s.contact.contactId}`, { authorization: `Bearer ${other.token}` });
    expect(otherView.status).toBe(403);
  });
});

describe('client pages: malformed bodies', () => {
  it('answers a malformed multipart body on every form route with a 400 page, never a 500', async () => {
    const s = await setUp();
    const browser = await loggedIn(s);
    const documentId = await s.upload('Uploads', 'mine.txt');
    const routes = ['login', 'activate', 'logout', 'forgot-password', 'reset-password', 'view-as', `documents/${documentId}/rename`, `documents/${documentId}/delete`, 'documents/upload'];
    const bodies = [
      { 'content-type': 'multipart/form-data; boundary=x', body: '--x\r\nbad' },
      { 'content-type': 'multipart/form-data', body: 'no boundary at all' },
    ];
    for (const route of routes) {
      for (const { body, ...headers } of bodies) {
        const answer = await browser.send('POST', s.path(route), { body, headers: { ...headers, 'content-length': String(body.length) } });
        expect(answer.status, `${route} ${headers['content-type']}`).toBe(400);
        expect(answer.headers.get('content-type'), route).toMatch(/^text\/html/);
        expect(answer.html, route).toContain('The form could not be read');
      }
    }
    const script = await browser.send('POST', `${s.path('documents/upload')}?name=a.txt`, {
      body: '--x\r\nbad',
      headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': '8', 'x-csrf-token': browser.jar.get('portal_csrf')! },
    });
    expect(script.status).toBe(400);
  });
});

describe('client pages: programs and scripts', () => {
  const programRule = 'Programs and scripts (.exe) cannot be sent';

  it('refuses renaming an upload to a program, with the rule on the page', async () => {
    const s = await setUp();
    const browser = await loggedIn(s);
    const headers = { 'content-type': 'application/octet-stream', 'x-csrf-token': browser.jar.get('portal_csrf')! };
    const own = JSON.parse((await browser.send('POST', `${s.path('documents/upload')}?name=notes.txt`, { body: 'n', headers })).html).documentId as string;
    const renamed = await browser.post(s.path(`documents/${own}/rename`), { name: 'notes.exe' });
    expect(renamed.status).toBe(422);
    expect(renamed.html).toContain(programRule);
  });

  it('refuses a program name the domain would trim into one (a.bat%20, run.exe.)', async () => {
    const s = await setUp();
    const browser = await loggedIn(s);
    const headers = { 'content-type': 'application/octet-stream', 'x-csrf-token': browser.jar.get('portal_csrf')! };
    for (const name of ['a.bat%20', 'run.exe.']) {
      const answer = await browser.send('POST', `${s.path('documents/upload')}?name=${name}`, { body: 'MZ', headers });
      expect(answer.status, name).toBe(422);
      expect(JSON.parse(answer.html).detail).toMatch(/Programs and scripts \(\.(bat|exe)\) cannot be sent/);
    }
  });

  it('refuses a program from a contact over the JSON API as problem+json 422, and takes the firm’s own', async () => {
    const s = await setUp();
    const before = await s.http.eventCount();
    const response = await s.http.app.request(`/clients/${s.contact.clientId}/documents?folderPath=Uploads&name=setup.exe`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.contact.session}`, 'content-type': 'application/octet-stream' },
      body: 'MZ',
    });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(((await response.json()) as { detail: string }).detail).toContain(programRule);
    expect(await s.http.eventCount()).toBe(before);
    await s.upload('Tools', 'setup.exe');
  });
});

/** A multipart upload form as the browser sends it without script. */
async function uploadForm(csrf: string, files: File[]) {
  const form = new FormData();
  form.append('_csrf', csrf);
  for (const file of files) form.append('files', file);
  const request = new Request('http://localhost/x', { method: 'POST', body: form });
  const body = new Uint8Array(await request.arrayBuffer());
  return { body, headers: { 'content-type': request.headers.get('content-type')!, 'content-length': String(body.length) } };
}

describe('client pages: the upload form without script', () => {
  it('sends a visitor whose session ended to the login page', async () => {
    const s = await setUp();
    const browser = await loggedIn(s);
    await s.http.credentials.revokeSessionsOf(s.firm.firmId, s.contact.contactId);
    const answer = await browser.send('POST', s.path('documents/upload'), await uploadForm(browser.jar.get('portal_csrf')!, [new File(['a'], 'a.pdf')]));
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe(`${s.path('login')}?again=1`);
  });

  it('says nothing was chosen when the form holds no file', async () => {
    const s = await setUp();
    const browser = await loggedIn(s);
    const answer = await browser.send('POST', s.path('documents/upload'), await uploadForm(browser.jar.get('portal_csrf')!, []));
    expect(answer.status).toBe(400);
    expect(answer.html).toContain('Choose at least one file first.');
    expect(answer.html).not.toContain('Your documents were sent.');
  });

  it('refuses a file over the limit with 413, like the script does', async () => {
    const s = await setUp({ parts: { limits: { uploadBytes: 10 } } });
    const browser = await loggedIn(s);
    const answer = await browser.send('POST', s.path('documents/upload'), await uploadForm(browser.jar.get('portal_csrf')!, [new File(['x'.repeat(11)], 'big.pdf')]));
    expect(answer.status).toBe(413);
    expect(answer.html).toContain('a file can be at most 10 bytes');
  });
});

describe('view as client: the past', () => {
  it("shows a contact's own upload, deleted since, as theirs and with its date, at an instant it stood", async () => {
    const s = await setUp();
    await s.share(['Uploads']);
    const browser = await loggedIn(s);
    const headers = { 'content-type': 'application/octet-stream', 'x-csrf-token': browser.jar.get('portal_csrf')! };
    const sent = await browser.send('POST', `${s.path('documents/upload')}?name=payslip.pdf`, { body: 'p', headers });
    const own = JSON.parse(sent.html).documentId as string;
    s.http.clock.advance(60_000);
    const then = s.http.clock.now().toISOString();
    s.http.clock.advance(60_000);
    expect((await browser.post(s.path(`documents/${own}/delete`), {})).status).toBe(303);
    const view = await browserOf(s.http).get(`${s.path('view-as')}?contactId=${s.contact.contactId}&at=${encodeURIComponent(then)}`, { authorization: `Bearer ${s.firm.token}` });
    const row = /<tr>\s*<th scope="row"[^>]*>[\s\S]*?payslip\.pdf[\s\S]*?<\/tr>/.exec(view.html)?.[0] ?? '';
    expect(row).toContain('<td data-label="Shared by">You</td>');
    expect(row).toMatch(/<time datetime="[^"]+">/);
  });
});

describe('client pages: shared folders', () => {
  it('shows a shared folder that holds nothing yet, with a note', async () => {
    const s = await setUp();
    await s.upload('Payroll', 'March.pdf');
    await s.share(['Tax', 'Payroll']);
    const page = await (await loggedIn(s)).get(s.path('documents'));
    expect(page.html).toMatch(/<h2 id="folder-\d+">Tax<\/h2>/);
    expect(page.html).toContain('Nothing in this folder yet.');
    expect(page.html).toContain('March.pdf');
  });
});

describe('client pages: never the JSON API’s answers', () => {
  it('answers an unknown page, a GET of a post-only page, a bad firm id and an over-large form with a page', async () => {
    const s = await setUp();
    const browser = browserOf(s.http);
    const page = (answer: { headers: Headers; html: string }) => {
      expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
      expect(answer.html).not.toContain('caller.tenantId');
      expect(answer.html).toContain('<h1>');
    };
    for (const path of [s.path('nope'), s.path('logout'), `/portal/${'x'.repeat(300)}/login`, '/portal/bad%07firm/login']) {
      const answer = await browser.get(path);
      expect(answer.status, path).toBe(404);
      page(answer);
    }
    expect((await browser.get(s.path('nope'))).html).toContain('Harbour Accountants');
    await browser.get(s.path('login'));
    const big = await browser.post(s.path('login'), { loginEmail: 'a@b.example', password: 'x'.repeat(17 * 1024) });
    expect(big.status).toBe(413);
    page(big);
    expect(big.html).toContain('Harbour Accountants');
  });
});

describe('client pages: forgot password', () => {
  it('answers too many reset requests with 429 and Retry-After, and leaves the login open', async () => {
    const s = await setUp();
    const browser = browserOf(s.http);
    await browser.get(s.path('forgot-password'));
    let answer = await browser.post(s.path('forgot-password'), { loginEmail: s.contact.email });
    for (let i = 0; i < 30 && answer.status !== 429; i++) answer = await browser.post(s.path('forgot-password'), { loginEmail: s.contact.email });
    expect(answer.status).toBe(429);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    await browser.get(s.path('login'));
    const login = await browser.post(s.path('login'), { loginEmail: s.contact.email, password: PASSWORD });
    expect(login.status).toBe(303);
  });
});

describe('client pages: the CSRF token across signing in', () => {
  it('gives a new form token at login, so a token known before is worthless after', async () => {
    const s = await setUp();
    const browser = browserOf(s.http);
    await browser.get(s.path('login'));
    const before = browser.jar.get('portal_csrf');
    await browser.post(s.path('login'), { loginEmail: s.contact.email, password: PASSWORD });
    expect(browser.jar.get('portal_csrf')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(browser.jar.get('portal_csrf')).not.toBe(before);
    expect((await browser.post(s.path('logout'), {}, { csrf: before! })).status).toBe(403);
  });
});

describe('view as client: instants', () => {
  it('refuses an instant in the future with a message', async () => {
    const s = await setUp();
    const future = new Date(s.http.clock.now().getTime() + 86_400_000).toISOString();
    const answer = await browserOf(s.http).get(`${s.path('view-as')}?contactId=${s.contact.contactId}&at=${encodeURIComponent(future)}`, { authorization: `Bearer ${s.firm.token}` });
    expect(answer.status).toBe(400);
    expect(answer.html).toContain('That instant is in the future');
  });
});

describe('client pages: other firms and other clients', () => {
  it("treats a session of firm A as signed out on firm B's pages and upload", async () => {
    const s = await setUp();
    const browser = await loggedIn(s);
    const other = await s.http.givenFirm('Other Firm');
    const otherPath = (page: string) => `/portal/${other.firmId}/${page}`;
    const documents = await browser.get(otherPath('documents'));
    expect(documents.status).toBe(303);
    expect(documents.headers.get('location')).toBe(`${otherPath('login')}?again=1`);
    const before = await s.http.eventCount();
    const script = await browser.send('POST', `${otherPath('documents/upload')}?name=a.pdf`, {
      body: 'a',
      headers: { 'content-type': 'application/octet-stream', 'x-csrf-token': browser.jar.get('portal_csrf')! },
    });
    expect(script.status).toBe(401);
    const form = await browser.send('POST', otherPath('documents/upload'), await uploadForm(browser.jar.get('portal_csrf')!, [new File(['a'], 'a.pdf')]));
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toBe(`${otherPath('login')}?again=1`);
    expect(await s.http.eventCount()).toBe(before);
  });

  it("refuses a contact deleting another client's document", async () => {
    const s = await setUp();
    const otherClient = await s.http.givenContact(s.firm);
    const response = await s.http.app.request(`/clients/${otherClient.clientId}/documents?folderPath=Uploads&name=theirs.pdf`, {
      method: 'POST',
      headers: { authorization: `Bearer ${otherClient.session}`, 'content-type': 'application/octet-stream' },
      body: 'theirs',
    });
    const theirs = ((await response.json()) as { document: { documentId: string } }).document.documentId;
    const browser = await loggedIn(s);
    const refused = await browser.post(s.path(`documents/${theirs}/delete`), {});
    expect([403, 404]).toContain(refused.status);
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    const stillThere = await s.http.call('GET', `/documents/${theirs}`, { token: s.firm.token });
    expect(stillThere.status).toBe(200);
    expect(stillThere.body.status).toBe('present');
  });
});

describe('client pages: reset links', () => {
  it('shows a replaced and an expired reset link as dead, and takes the newest live one', async () => {
    const s = await setUp();
    const browser = browserOf(s.http);
    await browser.get(s.path('forgot-password'));
    await browser.post(s.path('forgot-password'), { loginEmail: s.contact.email });
    const [first] = await s.http.mail.resets.sent();
    await browser.post(s.path('forgot-password'), { loginEmail: s.contact.email });
    const second = (await s.http.mail.resets.sent())[1];
    const link = (token: string) => `${s.path('reset-password')}?contactId=${s.contact.contactId}&token=${token}`;
    const replaced = await browser.get(link(first!.token));
    expect(replaced.status).toBe(410);
    expect(replaced.html).not.toContain('name="password"');
    const posted = await browser.post(s.path('reset-password'), { contactId: s.contact.contactId, token: first!.token, password: 'a new passphrase', confirm: 'a new passphrase' });
    expect(posted.status).toBe(410);
    expect((await browser.get(link(second!.token))).status).toBe(200);
    s.http.clock.advance(2 * 3600_000);
    expect((await browser.get(link(second!.token))).status).toBe(410);
  });
});
