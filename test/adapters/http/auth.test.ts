import { describe, expect, it } from 'vitest';
import { loginLimiter } from '../../../adapters/http/credentials/rate-limit.js';
import { PASSWORD, testHttp } from './support.js';

describe('who may call what', () => {
  it('asks for credentials with 401 and WWW-Authenticate', async () => {
    const http = testHttp();
    const answer = await http.call('GET', '/client-list');
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    expect(answer.body.type).toBe('auth.unauthenticated');
  });

  it.each(['cps_not-a-real-token', 'cpo_nope', 'cpc_nope', 'something-else'])('refuses the unknown token %s with 401', async (token) => {
    const http = testHttp();
    expect((await http.call('GET', '/client-list', { token })).status).toBe(401);
  });

  it('refuses a malformed Authorization header with 401', async () => {
    const http = testHttp();
    const answer = await http.call('GET', '/client-list', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(answer.status).toBe(401);
  });

  it('lets only the platform operator open a firm', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const body = { name: 'Another Firm', partnerAdmin: { name: 'Pam', email: 'pam@another.example' } };
    expect((await http.call('POST', '/firms', { token: firm.token, body })).status).toBe(403);
    expect((await http.call('GET', '/client-list', { token: firm.operator })).status).toBe(403);
  });

  it("refuses a contact on the firm's routes with 403", async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { session } = await http.givenContact(firm);
    const answer = await http.call('GET', '/client-list', { token: session });
    expect(answer).toMatchObject({ status: 403, body: { type: 'auth.not_for_you' } });
  });

  it("answers another firm's client with 404, exactly like one that does not exist", async () => {
    const http = testHttp();
    const a = await http.givenFirm('Firm A');
    const b = await http.givenFirm('Firm B');
    const { clientId } = await http.givenContact(a);
    const theirs = await http.call('GET', `/clients/${clientId}`, { token: b.token });
    const nobodys = await http.call('GET', `/clients/00000000-0000-0000-0000-000000000000`, { token: b.token });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(nobodys.body);
  });
});

describe('staff API tokens', () => {
  async function withStaffUser() {
    const http = testHttp();
    const firm = await http.givenFirm();
    const added = await http.call('POST', `/firms/${firm.firmId}/staff`, {
      token: firm.token,
      body: { user: { userId: 'sam', name: 'Sam Staff', email: 'sam@harbour.example' }, role: 'staff' },
    });
    expect(added.status).toBe(201);
    const issued = await http.call('POST', '/staff-tokens', { token: firm.token, body: { userId: 'sam', label: 'Sam laptop' } });
    expect(issued.status).toBe(201);
    return { http, firm, sam: issued.body as { token: string; tokenId: string } };
  }

  it('are issued by a partner admin, listed without the token, and work at once', async () => {
    const { http, firm, sam } = await withStaffUser();
    expect((await http.call('GET', '/client-list', { token: sam.token })).status).toBe(200);
    const listed = await http.call('GET', '/staff-tokens', { token: firm.token });
    expect(listed.body.items.map((t: { label: string }) => t.label)).toContain('Sam laptop');
    expect(JSON.stringify(listed.body)).not.toContain(sam.token);
  });

  it('cannot be issued by a staff user who is not a partner admin', async () => {
    const { http, sam } = await withStaffUser();
    const answer = await http.call('POST', '/staff-tokens', { token: sam.token, body: { userId: 'sam' } });
    expect(answer.status).toBe(403);
  });

  it('stop working once revoked', async () => {
    const { http, firm, sam } = await withStaffUser();
    expect((await http.call('DELETE', `/staff-tokens/${sam.tokenId}`, { token: firm.token })).status).toBe(204);
    expect((await http.call('GET', '/client-list', { token: sam.token })).status).toBe(401);
  });

  it("cannot revoke another firm's token", async () => {
    const { http, sam } = await withStaffUser();
    const other = await http.givenFirm('Other Firm');
    expect((await http.call('DELETE', `/staff-tokens/${sam.tokenId}`, { token: other.token })).status).toBe(404);
    expect((await http.call('GET', '/client-list', { token: sam.token })).status).toBe(200);
  });

  it("stop working at once when their user is removed from the firm's staff", async () => {
    const { http, firm, sam } = await withStaffUser();
    expect((await http.call('DELETE', `/firms/${firm.firmId}/staff/sam`, { token: firm.token })).status).toBe(200);
    expect((await http.call('GET', '/client-list', { token: sam.token })).status).toBe(401);
  });

  it('stop working at once when their user is removed behind the HTTP layer, after working before', async () => {
    const { http, firm, sam } = await withStaffUser();
    expect((await http.call('GET', '/client-list', { token: sam.token })).status).toBe(200);
    const admin = { tenantId: firm.firmId, actor: { kind: 'staff', userId: firm.adminId } } as const;
    await http.portal.firms.removeStaffUser(admin, { firmId: firm.firmId, userId: 'sam' });
    expect((await http.call('GET', '/client-list', { token: sam.token })).status).toBe(401);
  });
});

describe('client sessions', () => {
  it('come as an HttpOnly, SameSite=Lax cookie that authenticates the contact', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { email, contactId } = await http.givenContact(firm);
    const login = await http.call('POST', `/firms/${firm.firmId}/login`, { body: { loginEmail: email, password: PASSWORD } });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^portal_session=cpc_[\w-]+;/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toContain('Secure');
    const me = await http.call('GET', '/me', { headers: { cookie: cookie.split(';')[0]! } });
    expect(me.body.actor).toEqual({ kind: 'contact', contactId });
  });

  it('are Secure behind HTTPS', async () => {
    const http = testHttp({ parts: { secureCookies: true } });
    const firm = await http.givenFirm();
    const { email } = await http.givenContact(firm);
    const login = await http.call('POST', `/firms/${firm.firmId}/login`, { body: { loginEmail: email, password: PASSWORD } });
    expect(login.headers.get('set-cookie')).toContain('Secure');
  });

  it('die when the firm closes the access', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { contactId, session } = await http.givenContact(firm);
    expect((await http.call('GET', `/contacts/${contactId}/portal-access`, { token: session })).status).toBe(200);
    await http.call('POST', `/contacts/${contactId}/portal-access/close`, { token: firm.token, body: { via: 'toggle' } });
    expect((await http.call('GET', `/contacts/${contactId}/portal-access`, { token: session })).status).toBe(401);
  });

  it('die when the access is closed behind the HTTP layer (by the library or another process)', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { contactId, session } = await http.givenContact(firm);
    const admin = { tenantId: firm.firmId, actor: { kind: 'staff', userId: firm.adminId } } as const;
    await http.portal.access.closePortalAccess(admin, { contactId, via: 'toggle' });
    expect((await http.call('GET', '/me', { token: session })).status).toBe(401);
  });

  it('expire', async () => {
    const http = testHttp({ parts: { sessionTtlSeconds: 60 } });
    const firm = await http.givenFirm();
    const { session } = await http.givenContact(firm);
    http.clock.advance(61_000);
    expect((await http.call('GET', '/me', { token: session })).status).toBe(401);
  });

  it('end at logout', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { session } = await http.givenContact(firm);
    expect((await http.call('POST', '/logout', { token: session })).status).toBe(204);
    expect((await http.call('GET', '/me', { token: session })).status).toBe(401);
  });
});

describe('login', () => {
  it('answers a wrong password and an unknown email the same way', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { email } = await http.givenContact(firm);
    const wrong = await http.call('POST', `/firms/${firm.firmId}/login`, { body: { loginEmail: email, password: 'not the passphrase' } });
    const unknown = await http.call('POST', `/firms/${firm.firmId}/login`, { body: { loginEmail: 'nobody@nowhere.example', password: 'not the passphrase' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(wrong.status);
    expect({ ...unknown.body }).toEqual({ ...wrong.body });
  });

  it('is rate-limited per account with 429 and Retry-After', async () => {
    const limiter = loginLimiter({ perAccount: { limit: 3, windowSeconds: 600 } });
    const http = testHttp({ parts: { loginLimiter: limiter } });
    const firm = await http.givenFirm();
    const { email } = await http.givenContact(firm);
    const attempt = (password: string) => http.call('POST', `/firms/${firm.firmId}/login`, { body: { loginEmail: email, password } });
    for (let i = 0; i < 3; i++) expect((await attempt('wrong guess')).status).toBe(401);
    const limited = await attempt(PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.type).toBe('auth.too_many_attempts');
  });

  it('keeps passwords and tokens out of the log', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { email, session } = await http.givenContact(firm);
    await http.call('POST', `/firms/${firm.firmId}/login`, { body: { loginEmail: email, password: PASSWORD } });
    await http.call('GET', '/me', { token: session });
    const log = http.logLines.join('');
    expect(log).toContain('"path":"/me"');
    for (const secret of [PASSWORD, session, firm.token, firm.operator, email]) expect(log).not.toContain(secret);
  });
});
