import { describe, expect, it } from 'vitest';
import { testHttp } from './support.js';

const individual = { kind: 'individual', owners: [{ name: 'Ann Smith', emails: ['ann@smith.example'] }] };

describe('errors are problem+json, and a refused request changes nothing', () => {
  it('answers an unknown route with a 404 problem', async () => {
    const http = testHttp();
    const answer = await http.call('GET', '/no/such/route');
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ type: 'request.no_route', status: 404 });
  });

  it.each([
    ['malformed JSON', '{"kind":', 'application/json', 400, 'request.malformed_json'],
    ['a JSON array', '[1]', 'application/json', 400, 'request.body_not_object'],
    ['a form body', 'kind=individual', 'application/x-www-form-urlencoded', 415, 'request.unsupported_media_type'],
  ])('refuses %s', async (_, body, type, status, code) => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const before = await http.eventCount();
    const answer = await http.call('POST', '/clients', { token: firm.token, body, headers: { 'content-type': type } });
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ type: code, status });
    expect(await http.eventCount()).toBe(before);
  });

  it('refuses a body over the JSON limit with 413', async () => {
    const http = testHttp({ parts: { limits: { jsonBytes: 1000 } } });
    const firm = await http.givenFirm();
    const answer = await http.call('POST', '/clients', { token: firm.token, body: { ...individual, name: 'x'.repeat(2000) } });
    expect(answer.status).toBe(413);
    expect(answer.body.type).toBe('request.too_large');
  });

  it('refuses a declared Content-Length over the JSON limit with 413, nothing appended', async () => {
    const http = testHttp({ parts: { limits: { jsonBytes: 1000 } } });
    const firm = await http.givenFirm();
    const before = await http.eventCount();
    const body = JSON.stringify({ ...individual, name: 'x'.repeat(2000) });
    const answer = await http.call('POST', '/clients', { token: firm.token, body, headers: { 'content-length': String(Buffer.byteLength(body)) } });
    expect(answer.status).toBe(413);
    expect(answer.body.type).toBe('request.too_large');
    expect(await http.eventCount()).toBe(before);
  });

  it('lists each invalid field with its path', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const before = await http.eventCount();
    const answer = await http.call('POST', '/clients', { token: firm.token, body: { kind: 'individual', owners: 'Ann', nmae: 'x' } });
    expect(answer.status).toBe(400);
    expect(answer.body.type).toBe('validation.failed');
    expect(answer.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['owners']));
    expect(await http.eventCount()).toBe(before);
  });

  it('refuses a path parameter given differently in the body', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId } = (await http.call('POST', '/clients', { token: firm.token, body: individual })).body;
    const answer = await http.call('PUT', `/clients/${clientId}/name`, { token: firm.token, body: { clientId: 'another', name: 'Ann' } });
    expect(answer.status).toBe(400);
    expect(answer.body.type).toBe('request.parameter_mismatch');
  });

  it('answers a domain rule with 422 and a uniqueness rule with 409', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId } = (await http.call('POST', '/clients', { token: firm.token, body: individual })).body;
    await http.call('POST', `/clients/${clientId}/archive`, { token: firm.token });
    const archived = await http.call('PUT', `/clients/${clientId}/name`, { token: firm.token, body: { name: 'Ann' } });
    expect(archived).toMatchObject({ status: 422, body: { type: 'client.archived' } });
    const company = { companyId: 'c-1', name: 'Acme Books', premiumApps: [], admins: [{ userId: 'u-9', name: 'Ada Admin', email: 'ada@acme.example' }] };
    await http.call('PUT', `/firms/${firm.firmId}/partner-features`, { token: firm.operator, body: { licensingPartner: false } });
    expect((await http.call('POST', '/managed-companies', { token: firm.token, body: company })).status).toBe(201);
    const again = await http.call('POST', '/managed-companies', { token: firm.token, body: { ...company, companyId: 'c-2', admins: [{ ...company.admins[0], userId: 'u-10', email: 'ad2@acme.example' }] } });
    expect(again).toMatchObject({ status: 409, body: { type: 'firm.company_name_taken' } });
  });
});

describe('query strings', () => {
  it('turns numbers, booleans and repeated keys into what the schema asks for', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    await http.call('POST', '/clients', { token: firm.token, body: individual });
    const page = await http.call('GET', '/client-list?limit=1&archived=false&sort=name', { token: firm.token });
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(1);
    const feed = await http.call('GET', '/activity?kinds=client&kinds=firm&limit=5', { token: firm.token });
    expect(feed.status).toBe(200);
    expect(feed.body.items.length).toBeGreaterThan(0);
  });

  it('refuses a bad number, a bad boolean and a repeated single value', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    for (const query of ['limit=ten', 'archived=yes', 'sort=name&sort=last_login']) {
      const answer = await http.call('GET', `/client-list?${query}`, { token: firm.token });
      expect(answer.status, query).toBe(400);
    }
  });
});
