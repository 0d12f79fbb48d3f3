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

  it('is the only credential the cookie carries (a staff token there is not taken)', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const answer = await http.call('GET', '/client-list', { headers: { cookie: `portal_session=${firm.token}` } });
    expect(answer.status).toBe(401);
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

describe("a host's own sign-in", () => {
  it('is asked after the built-in credentials, and its caller is scoped like any other', async () => {
    let firmId = '';
    let userId = '';
    const http = testHttp({
      parts: {
        authenticators: [async (c) => (c.req.header('x-host-user') === 'pat' ? { tenantId: firmId, actor: { kind: 'staff', userId } } : null)],
      },
    });
    const firm = await http.givenFirm();
    firmId = firm.firmId;
    userId = firm.adminId;
    expect((await http.call('GET', '/client-list', { headers: { 'x-host-user': 'pat' } })).status).toBe(200);
    expect((await http.call('GET', '/client-list', { headers: { 'x-host-user': 'eve' } })).status).toBe(401);
    // A bearer token that fails is refused, not handed to the host.
    expect((await http.call('GET', '/client-list', { token: 'cps_forged', headers: { 'x-host-user': 'pat' } })).status).toBe(401);
  });
});

describe('sessions and forgetting', () => {
  it("die when the contact's personal data is erased", async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId, contactId, session } = await http.givenContact(firm);
    const forgot = await http.call('POST', `/clients/${clientId}/members/${contactId}/forget`, { token: firm.token });
    expect(forgot.status).toBe(200);
    expect((await http.call('GET', '/me', { token: session })).status).toBe(401);
  });
});

describe('the per-IP login limit', () => {
  it('counts failures across accounts from one address', async () => {
    const limiter = loginLimiter({ perIp: { limit: 2, windowSeconds: 600 } });
    const http = testHttp({ parts: { loginLimiter: limiter } });
    const firm = await http.givenFirm();
    const attempt = (loginEmail: string) => http.call('POST', `/firms/${firm.firmId}/login`, { body: { loginEmail, password: 'a wrong guess' } });
    expect((await attempt('one@x.example')).status).toBe(401);
    expect((await attempt('two@x.example')).status).toBe(401);
    expect((await attempt('three@x.example')).status).toBe(429);
  });
});

describe('a session and a closing of the access', () => {
  async function archivedAndBack(closeBehindHttp: boolean) {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId, contactId, email, session } = await http.givenContact(firm);
    const admin = { tenantId: firm.firmId, actor: { kind: 'staff', userId: firm.adminId } } as const;
    http.clock.advance(1000);
    if (closeBehindHttp) await http.portal.clients.archiveClient(admin, { clientId });
    else expect((await http.call('POST', `/clients/${clientId}/archive`, { token: firm.token })).status).toBe(200);
    expect((await http.call('POST', `/clients/${clientId}/restore`, { token: firm.token })).status).toBe(200);
    const reopened = await http.call('POST', `/clients/${clientId}/members/${contactId}/portal-access`, {
      token: firm.token,
      body: { loginEmail: email, sharedItems: [{ kind: 'folder', path: 'Tax' }] },
    });
    expect(reopened.status).toBe(200);
    return { http, session, contactId };
  }

  it('does not come back when the client is archived, restored and the access reopened', async () => {
    const { http, session, contactId } = await archivedAndBack(false);
    expect((await http.call('GET', `/contacts/${contactId}/portal-access`, { token: session })).status).toBe(401);
  });

  it('does not come back either when that happened through the library', async () => {
    const { http, session } = await archivedAndBack(true);
    expect((await http.call('GET', '/me', { token: session })).status).toBe(401);
  });
});

describe('credentials and retries', () => {
  it('a retried firm creation answers with a new token and the first one stops working', async () => {
    const http = testHttp();
    const operator = await http.operator();
    const body = { name: 'Harbour', partnerAdmin: { name: 'Pat', email: 'pat@harbour.example' } };
    const first = await http.call('POST', '/firms', { token: operator, body, headers: { 'idempotency-key': 'open-harbour' } });
    const retried = await http.call('POST', '/firms', { token: operator, body, headers: { 'idempotency-key': 'open-harbour' } });
    expect(retried.body.firmId).toBe(first.body.firmId);
    expect((await http.call('GET', '/me', { token: first.body.apiToken })).status).toBe(401);
    expect((await http.call('GET', '/me', { token: retried.body.apiToken })).status).toBe(200);
    expect((await http.call('GET', '/staff-tokens', { token: retried.body.apiToken })).body.items).toHaveLength(1);
  });

  it('refuses Idempotency-Key on issuing a staff token (a token is never handed out twice)', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const answer = await http.call('POST', '/staff-tokens', { token: firm.token, body: { userId: firm.adminId }, headers: { 'idempotency-key': 'k' } });
    expect(answer).toMatchObject({ status: 400, body: { type: 'request.idempotency_key_not_supported' } });
  });

  it('takes the login address and user agent from the request, never its body', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { email } = await http.givenContact(firm);
    const forged = await http.call('POST', `/firms/${firm.firmId}/login`, { body: { loginEmail: email, password: PASSWORD, ipAddress: '203.0.113.66' } });
    expect(forged).toMatchObject({ status: 400, body: { type: 'request.field_not_allowed' } });
  });

  it("records the address the host's clientIp finds", async () => {
    const http = testHttp({ parts: { clientIp: (c) => c.req.header('x-forwarded-for')?.split(',')[0]?.trim() } });
    const firm = await http.givenFirm();
    const { email, contactId } = await http.givenContact(firm);
    await http.call('POST', `/firms/${firm.firmId}/login`, { body: { loginEmail: email, password: PASSWORD }, headers: { 'x-forwarded-for': '198.51.100.7, 10.0.0.1' } });
    const events = await allEventsOf(http);
    const login = events.filter((e) => e.type === 'ContactLoggedIn' && (e.data as { contactId: string }).contactId === contactId).at(-1);
    expect((login!.data as { ipAddress: string }).ipAddress).toBe('198.51.100.7');
  });

  it('refuses a sign-in body over the JSON limit with 413', async () => {
    const http = testHttp({ parts: { limits: { jsonBytes: 1000 } } });
    const firm = await http.givenFirm();
    const answer = await http.call('POST', `/firms/${firm.firmId}/login`, { body: { loginEmail: 'a@b.example', password: 'x'.repeat(5000) } });
    expect(answer.status).toBe(413);
    expect((await http.call('POST', '/invitations/accept', { body: { contactId: 'c', token: 't', password: 'x'.repeat(5000) } })).status).toBe(413);
  });
});

async function allEventsOf(http: ReturnType<typeof testHttp>) {
  const out = [];
  for await (const event of http.portal.log.readAll()) out.push(event);
  return out;
}

describe('an invitation link past its 30 days', () => {
  it('is refused with 410 and changes nothing; a resent one works', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const client = await http.call('POST', '/clients', { token: firm.token, body: { kind: 'individual', owners: [{ name: 'Ann Smith', emails: ['ann@late.example'] }] } });
    const contactId = client.body.ownerIds[0];
    await http.call('POST', `/clients/${client.body.clientId}/invitations`, { token: firm.token, body: {} });
    const token = (await http.outbox.lastTo(contactId))!.token;
    http.clock.advance(30 * 24 * 3600 * 1000 + 1);
    const before = await http.eventCount();
    const late = await http.call('POST', '/invitations/accept', { body: { contactId, token, password: PASSWORD } });
    expect(late).toMatchObject({ status: 410, body: { type: 'invitation.expired', status: 410 } });
    expect(late.headers.get('content-type')).toBe('application/problem+json');
    expect(await http.eventCount()).toBe(before);
    await http.call('POST', `/contacts/${contactId}/invitation/resend`, { token: firm.token, body: {} });
    const fresh = (await http.outbox.lastTo(contactId))!.token;
    expect((await http.call('POST', '/invitations/accept', { body: { contactId, token: fresh, password: PASSWORD } })).status).toBe(200);
  });
});
