import { describe, expect, it } from 'vitest';
import { bytesOf, eventCount, fetchBytes, givenContact, givenDocument, send, streamOf, jsonOf } from './content-support.js';
import { testHttp } from './support.js';

const hexOf = async (bytes: Uint8Array) => Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');

describe('uploading a document', () => {
  it('streams the body into the blob store and answers 201 with the document, its ETag and Location', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId } = await givenContact(http, firm);
    const bytes = bytesOf(300_000);
    const response = await send(http, 'POST', `/clients/${clientId}/documents?folderPath=Shared&name=statement.pdf`, streamOf(bytes), {
      token: firm.token,
      headers: { 'content-type': 'application/pdf' },
    });
    expect(response.status).toBe(201);
    const body = await jsonOf(response);
    expect(body.document).toMatchObject({ folderPath: 'Shared', name: 'statement.pdf', size: bytes.byteLength, contentHash: `sha256:${await hexOf(bytes)}`, origin: 'firm_upload' });
    expect(response.headers.get('etag')).toBe('"0"');
    expect(response.headers.get('location')).toBe(`/documents/${body.document.documentId}`);
    expect(await http.blobs.stat(body.document.contentHash)).toEqual({ contentHash: body.document.contentHash, size: bytes.byteLength });
  });

  it("takes the name from Content-Disposition's filename* when the query has none", async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId } = await givenContact(http, firm);
    const response = await send(http, 'POST', `/clients/${clientId}/documents?folderPath=Shared`, bytesOf(10), {
      token: firm.token,
      headers: { 'content-disposition': "attachment; filename=\"Resume.pdf\"; filename*=UTF-8''R%C3%A9sum%C3%A9.pdf" },
    });
    expect(response.status).toBe(201);
    expect((await jsonOf(response)).document.name).toBe('Résumé.pdf');
  });

  it('refuses a multipart form with 415, saying to send the bytes as the body', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId } = await givenContact(http, firm);
    const response = await send(http, 'POST', `/clients/${clientId}/documents?folderPath=Shared&name=a.pdf`, 'x', {
      token: firm.token,
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
    });
    expect(response.status).toBe(415);
    expect(await jsonOf(response)).toMatchObject({ type: 'request.unsupported_media_type', detail: expect.stringContaining('not as a multipart form') });
  });

  it('refuses a request without a body (400) and a JSON body (415)', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId } = await givenContact(http, firm);
    const path = `/clients/${clientId}/documents?folderPath=Shared&name=a.pdf`;
    const none = await send(http, 'POST', path, null, { token: firm.token });
    expect(none.status).toBe(400);
    expect((await jsonOf(none)).type).toBe('request.body_missing');
    const json = await send(http, 'POST', path, '{}', { token: firm.token, headers: { 'content-type': 'application/json' } });
    expect(json.status).toBe(415);
  });

  it('refuses bad query parts before reading a byte of the body', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId } = await givenContact(http, firm);
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({ pull: (controller) => void (pulled++, controller.enqueue(new Uint8Array(1024))) });
    const response = await send(http, 'POST', `/clients/${clientId}/documents?folderPath=Shared&name=a%2Fb.pdf&size=3`, body, { token: firm.token });
    expect(response.status).toBe(400);
    const problem = await jsonOf(response);
    expect(problem.type).toBe('validation.failed');
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual(['', 'name']);
    expect(pulled).toBeLessThanOrEqual(1); // a stream may pull once on its own when created
    expect(http.blobs.count).toBe(0);
  });

  it('refuses a body over the limit with 413 as soon as the excess arrives, appending nothing to the log', async () => {
    const http = testHttp({ parts: { limits: { uploadBytes: 256 * 1024 } } });
    const firm = await http.givenFirm();
    const { clientId } = await givenContact(http, firm);
    const before = await eventCount(http);
    // An endless body: only a put that stops reading at the limit can answer at all.
    const endless = new ReadableStream<Uint8Array>({ pull: (controller) => controller.enqueue(new Uint8Array(64 * 1024)) });
    const response = await send(http, 'POST', `/clients/${clientId}/documents?folderPath=Shared&name=big.bin`, endless, { token: firm.token });
    expect(response.status).toBe(413);
    expect((await jsonOf(response)).type).toBe('blob.too_large');
    const declared = await send(http, 'POST', `/clients/${clientId}/documents?folderPath=Shared&name=big.bin`, bytesOf(10), {
      token: firm.token,
      headers: { 'content-length': String(1024 * 1024) },
    });
    expect(declared.status).toBe(413);
    expect(await eventCount(http)).toBe(before);
    expect(http.blobs.count).toBe(0);
  });

  it('lets a contact upload into Uploads only', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId, contactId, session } = await givenContact(http, firm);
    const ok = await send(http, 'POST', `/clients/${clientId}/documents?folderPath=Uploads&name=passport.png`, bytesOf(50), { token: session });
    expect(ok.status).toBe(201);
    expect((await jsonOf(ok)).document).toMatchObject({ origin: 'client_upload', uploadedByContactId: contactId });
    const elsewhere = await send(http, 'POST', `/clients/${clientId}/documents?folderPath=Shared&name=x.png`, bytesOf(50), { token: session });
    expect([elsewhere.status, (await jsonOf(elsewhere)).type]).toEqual([422, 'document.outside_upload_area']);
  });

  it('answers a retry with the same Idempotency-Key with the first document', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId } = await givenContact(http, firm);
    const path = `/clients/${clientId}/documents?folderPath=Shared&name=a.pdf`;
    const headers = { 'idempotency-key': 'upload-1' };
    const first = await jsonOf(await send(http, 'POST', path, bytesOf(10), { token: firm.token, headers }));
    const again = await jsonOf(await send(http, 'POST', path, bytesOf(10), { token: firm.token, headers }));
    expect(again.document.documentId).toBe(first.document.documentId);
  });
});

describe('uploading a new version', () => {
  it('honours If-Match and answers with the new revision as ETag', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId } = await givenContact(http, firm);
    const documentId = await givenDocument(http, firm, clientId, bytesOf(100, 1));
    const stale = await send(http, 'PUT', `/documents/${documentId}/content`, bytesOf(100, 2), { token: firm.token, headers: { 'if-match': '"7"' } });
    expect(stale.status).toBe(412);
    expect(http.blobs.count).toBe(1); // refused before the body was stored
    const fresh = await send(http, 'PUT', `/documents/${documentId}/content`, bytesOf(100, 2), { token: firm.token, headers: { 'if-match': '"0"' } });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('etag')).toBe('"1"');
    expect((await jsonOf(fresh)).document.version).toBe(2);
    expect((await fetchBytes(http, `/documents/${documentId}/content`, firm.token)).bytes).toEqual(bytesOf(100, 2));
  });
});

describe('downloading a document', () => {
  it('serves the bytes with their type, strong ETag, length and safe headers', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId } = await givenContact(http, firm);
    const bytes = bytesOf(200_000);
    const documentId = await givenDocument(http, firm, clientId, bytes, 'statement.pdf');
    const { status, headers, bytes: got } = await fetchBytes(http, `/documents/${documentId}/content`, firm.token);
    expect(status).toBe(200);
    expect(got).toEqual(bytes);
    expect(headers.get('x-request-id')).toBeTruthy();
    expect(Object.fromEntries(headers)).toMatchObject({
      'content-type': 'application/pdf',
      'content-length': String(bytes.byteLength),
      etag: `"${await hexOf(bytes)}"`,
      'accept-ranges': 'bytes',
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
      'content-disposition': `attachment; filename="statement.pdf"; filename*=UTF-8''statement.pdf`,
    });
  });

  it('encodes an awkward file name safely in Content-Disposition', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId } = await givenContact(http, firm);
    const documentId = await givenDocument(http, firm, clientId, bytesOf(10), 'Résumé "final" 100%.pdf');
    const { headers } = await fetchBytes(http, `/documents/${documentId}/content`, firm.token);
    expect(headers.get('content-disposition')).toBe(`attachment; filename="Resume _final_ 100_.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22%20100%25.pdf`);
  });

  it('serves single ranges as 206, several as the whole, and refuses one outside the file with 416', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId } = await givenContact(http, firm);
    const bytes = bytesOf(1000);
    const documentId = await givenDocument(http, firm, clientId, bytes);
    const path = `/documents/${documentId}/content`;
    const part = await fetchBytes(http, path, firm.token, { range: 'bytes=100-199' });
    expect([part.status, part.headers.get('content-range'), part.headers.get('content-length')]).toEqual([206, 'bytes 100-199/1000', '100']);
    expect(part.bytes).toEqual(bytes.slice(100, 200));
    const suffix = await fetchBytes(http, path, firm.token, { range: 'bytes=-10' });
    expect([suffix.status, suffix.headers.get('content-range')]).toEqual([206, 'bytes 990-999/1000']);
    expect(suffix.bytes).toEqual(bytes.slice(990));
    const open = await fetchBytes(http, path, firm.token, { range: 'bytes=900-5000' });
    expect([open.status, open.headers.get('content-range'), open.bytes.byteLength]).toEqual([206, 'bytes 900-999/1000', 100]);
    const several = await fetchBytes(http, path, firm.token, { range: 'bytes=0-1, 5-6' });
    expect([several.status, several.bytes.byteLength]).toEqual([200, 1000]);
    const outside = await fetchBytes(http, path, firm.token, { range: 'bytes=1000-' });
    expect([outside.status, outside.headers.get('content-range')]).toEqual([416, 'bytes */1000']);
  });

  it('ignores a Range header that is no valid range and serves the whole file', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId } = await givenContact(http, firm);
    const bytes = bytesOf(1000);
    const documentId = await givenDocument(http, firm, clientId, bytes);
    for (const range of ['bytes=abc', 'bytes=-', 'bytes=5-1']) {
      const answer = await fetchBytes(http, `/documents/${documentId}/content`, firm.token, { range });
      expect([range, answer.status, answer.headers.get('content-range')]).toEqual([range, 200, null]);
      expect(answer.bytes).toEqual(bytes);
    }
  });

  it('answers If-None-Match with 304, and a stale If-Range with the whole file', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId } = await givenContact(http, firm);
    const documentId = await givenDocument(http, firm, clientId, bytesOf(1000));
    const path = `/documents/${documentId}/content`;
    const etag = (await fetchBytes(http, path, firm.token)).headers.get('etag')!;
    const cached = await fetchBytes(http, path, firm.token, { 'if-none-match': `"other", W/${etag}` });
    expect([cached.status, cached.bytes.byteLength, cached.headers.get('etag')]).toEqual([304, 0, etag]);
    const stale = await fetchBytes(http, path, firm.token, { range: 'bytes=0-9', 'if-range': '"not-it"' });
    expect([stale.status, stale.bytes.byteLength]).toEqual([200, 1000]);
    const current = await fetchBytes(http, path, firm.token, { range: 'bytes=0-9', 'if-range': etag });
    expect([current.status, current.bytes.byteLength]).toEqual([206, 10]);
  });

  it('records a contact’s download from byte 0 in the trail with the user agent; HEAD and later ranges are not recorded', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId, contactId, session } = await givenContact(http, firm);
    const documentId = await givenDocument(http, firm, clientId, bytesOf(1000));
    const path = `/documents/${documentId}/content`;
    const head = await fetchBytes(http, path, session, {}, 'HEAD');
    expect([head.status, head.headers.get('content-length'), head.bytes.byteLength]).toEqual([200, '1000', 0]);
    expect((await fetchBytes(http, path, session, { range: 'bytes=500-' })).status).toBe(206);
    const full = await fetchBytes(http, path, session, { 'user-agent': 'Browser/1.0' });
    expect(full.bytes).toEqual(bytesOf(1000));
    const trail = await http.call('GET', `/documents/${documentId}/trail`, { token: firm.token });
    expect(trail.body.items).toEqual([expect.objectContaining({ kind: 'downloaded', contactId, userAgent: 'Browser/1.0' })]);
  });

  it("refuses a contact a document not shared with them (403) and another firm's (404)", async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId, session } = await givenContact(http, firm);
    const unshared = await givenDocument(http, firm, clientId, bytesOf(10), 'private.pdf', 'Internal');
    const refused = await fetchBytes(http, `/documents/${unshared}/content`, session);
    expect(refused.status).toBe(403);
    expect(JSON.parse(Buffer.from(refused.bytes).toString()).type).toBe('document.not_shared');

    const other = await http.givenFirm('Other Accountants');
    const { clientId: theirClient } = await givenContact(http, other, 'zed@client.example');
    const theirs = await givenDocument(http, other, theirClient, bytesOf(10));
    expect((await fetchBytes(http, `/documents/${theirs}/content`, session)).status).toBe(404);
    expect((await fetchBytes(http, `/documents/${theirs}/content`, firm.token)).status).toBe(404);
  });

  it("refuses a contact deleting the firm's document (403)", async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId, session } = await givenContact(http, firm);
    const documentId = await givenDocument(http, firm, clientId, bytesOf(10));
    const removed = await http.call('DELETE', `/documents/${documentId}`, { token: session });
    expect(removed.status).toBe(403);
  });

  it('answers 404 blob.missing, logged as an error, when the store lost the bytes', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId } = await givenContact(http, firm);
    const bytes = bytesOf(10);
    const documentId = await givenDocument(http, firm, clientId, bytes);
    await http.blobs.delete(`sha256:${await hexOf(bytes)}`);
    const response = await fetchBytes(http, `/documents/${documentId}/content`, firm.token);
    expect(response.status).toBe(404);
    expect(JSON.parse(Buffer.from(response.bytes).toString()).type).toBe('blob.missing');
    expect(http.logLines.map((line) => JSON.parse(line)).some((line) => line.level === 50 && line.msg === 'blob missing from the store')).toBe(true);
  });
});

describe('recording a view', () => {
  it('takes the user agent from the request and refuses IP or user agent in the body', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId, contactId, session } = await givenContact(http, firm);
    const documentId = await givenDocument(http, firm, clientId, bytesOf(10));
    const viewed = await http.call('POST', `/documents/${documentId}/views`, { token: session, headers: { 'user-agent': 'Viewer/2' } });
    expect(viewed.status).toBe(200);
    const forged = await http.call('POST', `/documents/${documentId}/views`, { token: session, body: { ipAddress: '198.51.100.1' } });
    expect([forged.status, forged.body.type]).toEqual([400, 'request.field_not_allowed']);
    const trail = await http.call('GET', `/documents/${documentId}/trail`, { token: firm.token });
    expect(trail.body.items).toEqual([expect.objectContaining({ kind: 'viewed', contactId, userAgent: 'Viewer/2', ipAddress: null })]);
  });
});
