import { serve, type ServerType } from '@hono/node-server';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fsBlobStore } from '../../../adapters/blobs/fs-blob-store.js';
import { bytesOf, givenContact, streamOf, jsonOf } from './content-support.js';
import { testHttp } from './support.js';

/** A file big enough that neither direction could pass as one buffer by accident. */
const SIZE = 12 * 1024 * 1024 + 12_345;

describe('documents over a real socket', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function givenServer(limits?: { uploadBytes: number }) {
    const dir = await mkdtemp(join(tmpdir(), 'content-server-'));
    const http = testHttp({ parts: { blobs: fsBlobStore({ dir }), ...(limits && { limits }) } });
    const server: ServerType = await new Promise((resolve) => {
      const started = serve({ fetch: http.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started));
    });
    cleanups.push(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { http, base, dir };
  }

  const upload = (url: string, token: string, bytes: Uint8Array) =>
    fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: streamOf(bytes, 256 * 1024),
      duplex: 'half',
    } as RequestInit);

  async function download(url: string, token: string) {
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, 'user-agent': 'RoundTrip/1' } });
    // Read as a stream, chunk by chunk, as a client saving to disk would.
    const chunks: Uint8Array[] = [];
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
    return { response, bytes: new Uint8Array(Buffer.concat(chunks)), chunks: chunks.length };
  }

  it('round-trips a multi-MiB file byte for byte, uploaded and downloaded by staff and by a contact', async () => {
    const { http, base } = await givenServer();
    const firm = await http.givenFirm();
    const { clientId, contactId, session } = await givenContact(http, firm);

    const firmFile = bytesOf(SIZE, 7);
    const staffUpload = await upload(`${base}/clients/${clientId}/documents?folderPath=Shared&name=ledger.xlsx`, firm.token, firmFile);
    expect(staffUpload.status).toBe(201);
    const firmDocument = (await jsonOf(staffUpload)).document.documentId;

    const clientFile = bytesOf(SIZE, 11);
    const contactUpload = await upload(`${base}/clients/${clientId}/documents?folderPath=Uploads&name=scan.pdf`, session, clientFile);
    expect(contactUpload.status).toBe(201);
    const clientDocument = (await jsonOf(contactUpload)).document.documentId;

    for (const [documentId, token, expected] of [
      [firmDocument, firm.token, firmFile],
      [firmDocument, session, firmFile],
      [clientDocument, firm.token, clientFile],
      [clientDocument, session, clientFile],
    ] as const) {
      const { response, bytes, chunks } = await download(`${base}/documents/${documentId}/content`, token);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-length')).toBe(String(SIZE));
      expect(chunks).toBeGreaterThan(1);
      expect(Buffer.compare(bytes, expected)).toBe(0);
    }

    // The contact's download carries the socket's address and the user agent.
    const trail = await http.call('GET', `/documents/${firmDocument}/trail`, { token: firm.token });
    expect(trail.body.items).toEqual([expect.objectContaining({ kind: 'downloaded', contactId, userAgent: 'RoundTrip/1', ipAddress: expect.stringMatching(/127\.0\.0\.1$/) })]);
  });

  it('serves a range of a large file, and HEAD with its length, over the socket', async () => {
    const { http, base } = await givenServer();
    const firm = await http.givenFirm();
    const { clientId } = await givenContact(http, firm);
    const file = bytesOf(SIZE, 3);
    const uploaded = await upload(`${base}/clients/${clientId}/documents?folderPath=Shared&name=big.bin`, firm.token, file);
    const documentId = (await jsonOf(uploaded)).document.documentId;
    const response = await fetch(`${base}/documents/${documentId}/content`, { headers: { authorization: `Bearer ${firm.token}`, range: 'bytes=5000000-5999999' } });
    expect(response.status).toBe(206);
    expect(Buffer.compare(new Uint8Array(await response.arrayBuffer()), file.slice(5_000_000, 6_000_000))).toBe(0);
    const head = await fetch(`${base}/documents/${documentId}/content`, { method: 'HEAD', headers: { authorization: `Bearer ${firm.token}` } });
    expect([head.status, head.headers.get('content-length'), (await head.arrayBuffer()).byteLength]).toEqual([200, String(SIZE), 0]);
  });

  it('refuses a declared Content-Length over the limit with 413 before reading the body', async () => {
    const { http, base } = await givenServer({ uploadBytes: 1024 * 1024 });
    const firm = await http.givenFirm();
    const { clientId } = await givenContact(http, firm);
    const response = await fetch(`${base}/clients/${clientId}/documents?folderPath=Shared&name=big.bin`, {
      method: 'POST',
      headers: { authorization: `Bearer ${firm.token}`, 'content-type': 'application/octet-stream' },
      body: bytesOf(2 * 1024 * 1024),
    });
    expect(response.status).toBe(413);
    expect((await jsonOf(response)).type).toBe('blob.too_large');
  });

  it('refuses a streamed body at the first chunk over the limit with 413 and stores nothing', async () => {
    const { http, base, dir } = await givenServer({ uploadBytes: 1024 * 1024 });
    const firm = await http.givenFirm();
    const { clientId } = await givenContact(http, firm);
    let sent = 0;
    // Endless: the client only stops when the server has answered and closed.
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const response = await fetch(`${base}/clients/${clientId}/documents?folderPath=Shared&name=big.bin`, {
      method: 'POST',
      headers: { authorization: `Bearer ${firm.token}`, 'content-type': 'application/octet-stream' },
      body: endless,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect((await jsonOf(response)).type).toBe('blob.too_large');
    // The server stopped reading: the client was cut off long before it could send much.
    expect(sent).toBeLessThan(32 * 1024 * 1024);
    expect(await readdir(join(dir, 'sha256')).catch(() => [])).toEqual([]);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });
});
