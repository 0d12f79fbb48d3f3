import { describe, expect, it } from 'vitest';
import { bytesOf, fetchBytes, givenContact, send, jsonOf } from './content-support.js';
import { testHttp } from './support.js';

/** A firm whose partner features are on with licensing, so its partner admin may brand it. */
async function givenLicensingPartner(http: ReturnType<typeof testHttp>) {
  const firm = await http.givenFirm();
  const enabled = await http.call('PUT', `/firms/${firm.firmId}/partner-features`, { token: firm.operator, body: { licensingPartner: true } });
  if (enabled.status !== 200) throw new Error(`enablePartnerFeatures: ${enabled.status} ${JSON.stringify(enabled.body)}`);
  return firm;
}

describe('the firm logo', () => {
  it('is uploaded as an image, keeps the rest of the branding, and is served publicly with its type and ETag', async () => {
    const http = testHttp();
    const firm = await givenLicensingPartner(http);
    const branded = await http.call('PUT', '/branding', { token: firm.token, body: { logo: null, primaryColour: '#1A2B3C', supportChannel: 'help@harbour.example' } });
    expect(branded.status).toBe(200);
    const image = bytesOf(5000);
    const uploaded = await send(http, 'PUT', '/branding/logo', image, { token: firm.token, headers: { 'content-type': 'image/png' } });
    expect(uploaded.status).toBe(200);
    expect(uploaded.headers.get('etag')).toMatch(/^"\d+"$/);

    const branding = await http.call('GET', `/firms/${firm.firmId}/branding`, { token: firm.token });
    expect(branding.body).toMatchObject({
      primaryColour: '#1a2b3c',
      supportChannel: { kind: 'email', address: 'help@harbour.example' },
      logo: { contentType: 'image/png', size: 5000 },
    });

    const logo = await fetchBytes(http, `/firms/${firm.firmId}/branding/logo`, undefined);
    expect(logo.status).toBe(200);
    expect(logo.bytes).toEqual(image);
    expect(Object.fromEntries(logo.headers)).toMatchObject({
      'content-type': 'image/png',
      'cache-control': 'public, max-age=300',
      'x-content-type-options': 'nosniff',
      etag: expect.stringMatching(/^"[0-9a-f]{64}"$/),
    });
    const again = await fetchBytes(http, `/firms/${firm.firmId}/branding/logo`, undefined, { 'if-none-match': logo.headers.get('etag')! });
    expect(again.status).toBe(304);
  });

  it('refuses a logo that is not one of the allowed image types (415) or over the domain’s limit (413)', async () => {
    const http = testHttp();
    const firm = await givenLicensingPartner(http);
    const text = await send(http, 'PUT', '/branding/logo', 'not an image', { token: firm.token, headers: { 'content-type': 'text/plain' } });
    expect([text.status, (await jsonOf(text)).type]).toEqual([415, 'request.unsupported_media_type']);
    const huge = await send(http, 'PUT', '/branding/logo', bytesOf(1024 * 1024 + 1), { token: firm.token, headers: { 'content-type': 'image/png' } });
    expect([huge.status, (await jsonOf(huge)).type]).toEqual([413, 'blob.too_large']);
  });

  it('leaves the decision to the domain: a firm without partner features is refused', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const refused = await send(http, 'PUT', '/branding/logo', bytesOf(100), { token: firm.token, headers: { 'content-type': 'image/png' } });
    expect([refused.status, (await jsonOf(refused)).type]).toEqual([422, 'firm.partner_features_disabled']);
  });

  it('is kept apart from documents: forgetting a client of another firm who uploaded the same bytes leaves it', async () => {
    const http = testHttp();
    const other = await http.givenFirm('Other Accountants');
    const firm = await givenLicensingPartner(http);
    const image = bytesOf(2000, 42);
    expect((await send(http, 'PUT', '/branding/logo', image, { token: firm.token, headers: { 'content-type': 'image/png' } })).status).toBe(200);
    const contact = await givenContact(http, other);
    const copy = await send(http, 'POST', `/clients/${contact.clientId}/documents?folderPath=Uploads&name=logo.png`, image, { token: contact.session });
    expect(copy.status).toBe(201);
    const forgotten = await http.call('POST', `/clients/${contact.clientId}/members/${contact.contactId}/forget`, { token: other.token });
    expect(forgotten.body).toMatchObject({ clientForgotten: true, blobs: { deleted: 1, complete: true } });
    const logo = await fetchBytes(http, `/firms/${firm.firmId}/branding/logo`, undefined);
    expect(logo.status).toBe(200);
    expect(logo.bytes).toEqual(image);
  });

  it('is 404 for a firm without a logo and for an unknown firm', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const none = await fetchBytes(http, `/firms/${firm.firmId}/branding/logo`, undefined);
    expect([none.status, JSON.parse(Buffer.from(none.bytes).toString()).type]).toEqual([404, 'branding.no_logo']);
    expect((await fetchBytes(http, '/firms/no-such-firm/branding/logo', undefined)).status).toBe(404);
  });
});

describe('the activation CSV', () => {
  it('streams the client list as a CSV attachment named after the day', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    await givenContact(http, firm);
    const response = await http.app.request('/exports/activation.csv?bom=true', { headers: { authorization: `Bearer ${firm.token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="clients-2026-01-15.csv"');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^Client,Client kind,Member name,/);
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^Ann Owner,individual,Ann Owner,owner,ann@client\.example,/)]);
  });

  it('names the file after asOf, and refuses bad input or a contact as problem+json before any text', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { session } = await givenContact(http, firm);
    const asOf = await http.app.request('/exports/activation.csv?asOf=2026-01-15T10:00:00%2B01:00', { headers: { authorization: `Bearer ${firm.token}` } });
    expect(asOf.headers.get('content-disposition')).toBe('attachment; filename="clients-2026-01-15.csv"');
    const bad = await http.call('GET', '/exports/activation.csv?asOf=yesterday', { token: firm.token });
    expect([bad.status, bad.headers.get('content-type'), bad.body.type]).toEqual([400, 'application/problem+json', 'validation.failed']);
    const contact = await http.call('GET', '/exports/activation.csv', { token: session });
    expect(contact.status).toBe(403);
  });
});

describe('the OpenAPI document', () => {
  it('describes every content route under its function’s name', async () => {
    const http = testHttp();
    const document = (await http.call('GET', '/openapi.json')).body;
    const operations = Object.values(document.paths as Record<string, Record<string, { operationId: string }>>).flatMap((path) => Object.values(path).map((op) => op.operationId));
    expect(operations).toEqual(
      expect.arrayContaining([
        'documents.uploadDocument',
        'documents.uploadNewVersion',
        'documents.recordDownload',
        'documents.recordView',
        'exports.activationCsv',
        'firms.uploadLogo',
        'firms.logo',
      ]),
    );
    const download = document.paths['/documents/{documentId}/content'].get;
    expect(Object.keys(download.responses)).toEqual(expect.arrayContaining(['200', '206', '304', '416', '403', '404']));
    expect(document.paths['/clients/{clientId}/documents'].post.requestBody.content['application/octet-stream'].schema).toMatchObject({ type: 'string', format: 'binary' });
    expect(document.paths['/firms/{firmId}/branding/logo'].get.security).toEqual([]);
  });
});
