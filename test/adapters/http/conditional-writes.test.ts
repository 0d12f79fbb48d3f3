import { describe, expect, it } from 'vitest';
import { testHttp } from './support.js';

const individual = { kind: 'individual', owners: [{ name: 'Ann Smith', emails: ['ann@smith.example'] }] };

async function withClient() {
  const http = testHttp();
  const firm = await http.givenFirm();
  const created = await http.call('POST', '/clients', { token: firm.token, body: individual });
  return { http, firm, clientId: created.body.clientId as string };
}

describe('ETag and If-Match', () => {
  it("gives a read the resource's revision as its ETag, and a write the new one", async () => {
    const { http, firm, clientId } = await withClient();
    const read = await http.call('GET', `/clients/${clientId}`, { token: firm.token });
    expect(read.headers.get('etag')).toBe('"0"');
    const renamed = await http.call('PUT', `/clients/${clientId}/name`, { token: firm.token, body: { name: 'Ann S.' } });
    expect(renamed.headers.get('etag')).toBe('"1"');
    expect((await http.call('GET', `/clients/${clientId}`, { token: firm.token })).headers.get('etag')).toBe('"1"');
  });

  it('writes when If-Match is the current ETag', async () => {
    const { http, firm, clientId } = await withClient();
    const answer = await http.call('PUT', `/clients/${clientId}/name`, { token: firm.token, body: { name: 'Ann S.' }, headers: { 'if-match': '"0"' } });
    expect(answer.status).toBe(200);
  });

  it('refuses with 412 and appends nothing when the resource changed since it was read', async () => {
    const { http, firm, clientId } = await withClient();
    await http.call('PUT', `/clients/${clientId}/name`, { token: firm.token, body: { name: 'Changed meanwhile' } });
    const before = await http.eventCount();
    const stale = await http.call('PUT', `/clients/${clientId}/name`, { token: firm.token, body: { name: 'Ann S.' }, headers: { 'if-match': '"0"' } });
    expect(stale).toMatchObject({ status: 412, body: { type: 'request.precondition_failed' } });
    expect(await http.eventCount()).toBe(before);
    expect((await http.call('GET', `/clients/${clientId}`, { token: firm.token })).body.name).toBe('Changed meanwhile');
  });

  it('lets one of two writers with the same ETag through', async () => {
    const { http, firm, clientId } = await withClient();
    const write = (name: string) => http.call('PUT', `/clients/${clientId}/name`, { token: firm.token, body: { name }, headers: { 'if-match': '"0"' } });
    const statuses = (await Promise.all([write('First'), write('Second'), write('Third')])).map((a) => a.status).sort();
    expect(statuses).toEqual([200, 412, 412]);
  });

  it.each(['0', 'W/"0"', '"a"', '"0", "1"'])('refuses the malformed If-Match %s with 400', async (header) => {
    const { http, firm, clientId } = await withClient();
    const answer = await http.call('PUT', `/clients/${clientId}/name`, { token: firm.token, body: { name: 'Ann' }, headers: { 'if-match': header } });
    expect(answer.status).toBe(400);
  });

  it('refuses If-Match on an operation without a single resource', async () => {
    const { http, firm } = await withClient();
    const answer = await http.call('POST', '/invitations/bulk', { token: firm.token, body: { clientIds: ['x'] }, headers: { 'if-match': '"0"' } });
    expect(answer).toMatchObject({ status: 400, body: { type: 'request.if_match_not_supported' } });
  });
});

describe('Idempotency-Key', () => {
  it('returns the first response to a retried create and appends nothing', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const create = () => http.call('POST', '/clients', { token: firm.token, body: individual, headers: { 'idempotency-key': 'signup-7f3a' } });
    const first = await create();
    const after = await http.eventCount();
    const retried = await create();
    expect(retried.status).toBe(201);
    expect(retried.body).toEqual(first.body);
    expect(await http.eventCount()).toBe(after);
  });

  it('refuses the same key with other input', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    await http.call('POST', '/clients', { token: firm.token, body: individual, headers: { 'idempotency-key': 'k-1' } });
    const other = await http.call('POST', '/clients', { token: firm.token, body: { ...individual, subscription: 'pro' }, headers: { 'idempotency-key': 'k-1' } });
    expect(other).toMatchObject({ status: 409, body: { type: 'idempotency.key_reused' } });
  });

  it('refuses a key on an operation that creates nothing, and a key that differs from the body', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const rename = await http.call('PUT', '/clients/x/name', { token: firm.token, body: { name: 'A' }, headers: { 'idempotency-key': 'k' } });
    expect(rename.body.type).toBe('request.idempotency_key_not_supported');
    const differs = await http.call('POST', '/clients', { token: firm.token, body: { ...individual, idempotencyKey: 'a' }, headers: { 'idempotency-key': 'b' } });
    expect(differs).toMatchObject({ status: 400, body: { type: 'request.parameter_mismatch' } });
  });
});

describe("If-Match and another firm's resources", () => {
  it("answers 404 whatever the ETag, exactly like a client that does not exist", async () => {
    const { http, clientId } = await withClient();
    const other = await http.givenFirm('Other Firm');
    const before = await http.eventCount();
    const answers = [];
    for (const [id, etag] of [[clientId, '"0"'], [clientId, '"1"'], [clientId, '"7"'], ['00000000-0000-0000-0000-000000000000', '"0"']] as const) {
      const answer = await http.call('PUT', `/clients/${id}/name`, { token: other.token, body: { name: 'Mine now' }, headers: { 'if-match': etag } });
      answers.push({ status: answer.status, type: answer.body.type, detail: answer.body.detail });
    }
    expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404]);
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(await http.eventCount()).toBe(before);
  });
});
