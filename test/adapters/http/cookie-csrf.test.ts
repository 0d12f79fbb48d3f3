/**
 * The JSON API authenticated by the browser's session cookie: a write from another site is refused
 * (the cookie rides along on a cross-site form post), and logging out ends the session on the server.
 */
import { describe, expect, it } from 'vitest';
import { testHttp } from './support.js';

async function setUp() {
  const http = testHttp();
  const firm = await http.givenFirm();
  const contact = await http.givenContact(firm);
  const cookie = `portal_session=${contact.session}`;
  const me = async () => (await http.app.request('http://localhost/me', { headers: { cookie } })).status;
  return { http, firm, contact, cookie, me };
}

describe('the API with the session cookie', () => {
  it('refuses a cross-site logout (a form post from another site) and keeps the session', async () => {
    const { http, cookie, me } = await setUp();
    const origins: Record<string, string>[] = [{ 'sec-fetch-site': 'cross-site' }, { origin: 'https://evil.example' }, { origin: 'null' }];
    for (const headers of origins) {
      const answer = await http.app.request('http://localhost/logout', { method: 'POST', headers: { host: 'localhost', cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers } });
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(((await answer.json()) as { type: string }).type).toBe('request.cross_site');
    }
    expect(await me()).toBe(200);
  });

  it('refuses a cross-site write authenticated by the cookie, and takes the same write from the own origin or a bearer', async () => {
    const { http, contact, cookie } = await setUp();
    const upload = (headers: Record<string, string>) =>
      http.app.request(`http://localhost/clients/${contact.clientId}/documents?folderPath=Uploads&name=a.pdf`, {
        method: 'POST',
        headers: { host: 'localhost', 'content-type': 'application/octet-stream', ...headers },
        body: 'a',
      });
    expect((await upload({ cookie, origin: 'https://evil.example' })).status).toBe(403);
    expect((await upload({ cookie, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await upload({ cookie, origin: 'http://localhost', 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    expect((await upload({ authorization: `Bearer ${contact.session}`, origin: 'https://tool.example' })).status).toBe(201);
  });

  it('ends the cookie session on the server at logout', async () => {
    const { http, cookie, me } = await setUp();
    const answer = await http.app.request('http://localhost/logout', { method: 'POST', headers: { host: 'localhost', cookie, origin: 'http://localhost' } });
    expect(answer.status).toBe(204);
    expect(await me()).toBe(401);
  });
});
