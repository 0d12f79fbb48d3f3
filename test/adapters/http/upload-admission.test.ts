/**
 * Who may upload where is asked before a byte of the body is read: a refused upload stores nothing,
 * so nobody can fill the blob store with bytes no document will ever refer to.
 */
import { describe, expect, it } from 'vitest';
import { memoryBlobStore } from '../../../adapters/blobs/memory-blob-store.js';
import type { BlobStore } from '../../../src/core/blob-store.js';
import { bytesOf, givenContact, givenDocument, jsonOf, send } from './content-support.js';
import { testHttp } from './support.js';

/** A body that counts how often it was read from. */
function countedBody() {
  const body = { pulled: 0, stream: undefined as unknown as ReadableStream<Uint8Array> };
  body.stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      body.pulled++;
      if (body.pulled > 4) return controller.close();
      controller.enqueue(bytesOf(1024, body.pulled));
    },
  });
  return body;
}

/** Sends a counted body; the answer, and whether the body was read beyond a stream's own first pull. */
async function upload(http: ReturnType<typeof testHttp>, method: string, path: string, token: string) {
  const body = countedBody();
  const response = await send(http, method, path, body.stream, { token });
  return { status: response.status, type: (await jsonOf(response)).type as string, read: body.pulled > 1 };
}

describe('a new document is refused before its body is read', () => {
  it("for staff of another firm (404), storing nothing", async () => {
    const http = testHttp();
    const owner = await http.givenFirm('Owner Accountants');
    const other = await http.givenFirm('Other Accountants');
    const { clientId } = await givenContact(http, owner);
    const refused = await upload(http, 'POST', `/clients/${clientId}/documents?folderPath=Shared&name=a.pdf`, other.token);
    expect(refused).toEqual({ status: 404, type: 'client.not_found', read: false });
    expect(http.blobs.count).toBe(0);
  });

  it('for an archived client (422), storing nothing', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId } = await givenContact(http, firm);
    expect((await http.call('POST', `/clients/${clientId}/archive`, { token: firm.token })).status).toBe(200);
    const refused = await upload(http, 'POST', `/clients/${clientId}/documents?folderPath=Shared&name=a.pdf`, firm.token);
    expect(refused).toEqual({ status: 422, type: 'client.archived', read: false });
    expect(http.blobs.count).toBe(0);
  });

  it("for a contact uploading into another client's space (403), storing nothing", async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const ann = await givenContact(http, firm, 'ann@client.example');
    const bob = await givenContact(http, firm, 'bob@client.example');
    const refused = await upload(http, 'POST', `/clients/${bob.clientId}/documents?folderPath=Uploads&name=a.pdf`, ann.session);
    expect(refused).toEqual({ status: 403, type: 'portal_access.not_open', read: false });
    expect(http.blobs.count).toBe(0);
  });

  it('for a contact uploading outside their upload area (422), storing nothing', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId, session } = await givenContact(http, firm);
    for (const folderPath of ['Shared', 'Uploadsx', '', 'Tax/Uploads']) {
      const refused = await upload(http, 'POST', `/clients/${clientId}/documents?folderPath=${encodeURIComponent(folderPath)}&name=a.pdf`, session);
      expect(refused, folderPath).toEqual({ status: 422, type: 'document.outside_upload_area', read: false });
    }
    expect(http.blobs.count).toBe(0);
    // The area's own rule: below it, and in any case, is inside.
    const inside = await upload(http, 'POST', `/clients/${clientId}/documents?folderPath=${encodeURIComponent('/uploads/2024')}&name=a.pdf`, session);
    expect(inside.status).toBe(201);
  });
});

describe('a new version is refused before its body is read', () => {
  it("for a contact and the firm's own file (403), storing nothing more", async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId, session } = await givenContact(http, firm);
    const documentId = await givenDocument(http, firm, clientId, bytesOf(10));
    const refused = await upload(http, 'PUT', `/documents/${documentId}/content`, session);
    expect(refused).toEqual({ status: 403, type: 'document.firm_file_protected', read: false });
    expect(http.blobs.count).toBe(1);
  });

  it('for a removed document (422), storing nothing more', async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId } = await givenContact(http, firm);
    const documentId = await givenDocument(http, firm, clientId, bytesOf(10));
    expect((await http.call('DELETE', `/documents/${documentId}`, { token: firm.token })).status).toBe(200);
    const refused = await upload(http, 'PUT', `/documents/${documentId}/content`, firm.token);
    expect(refused).toEqual({ status: 422, type: 'document.removed', read: false });
    expect(http.blobs.count).toBe(1);
  });

  it("for an archived client's document (422), storing nothing more", async () => {
    const http = testHttp();
    const firm = await http.givenFirm();
    const { clientId } = await givenContact(http, firm);
    const documentId = await givenDocument(http, firm, clientId, bytesOf(10));
    expect((await http.call('POST', `/clients/${clientId}/archive`, { token: firm.token })).status).toBe(200);
    const refused = await upload(http, 'PUT', `/documents/${documentId}/content`, firm.token);
    expect(refused).toEqual({ status: 422, type: 'client.archived', read: false });
    expect(http.blobs.count).toBe(1);
  });

  it("for another firm's document (404), storing nothing more", async () => {
    const http = testHttp();
    const owner = await http.givenFirm('Owner Accountants');
    const other = await http.givenFirm('Other Accountants');
    const { clientId } = await givenContact(http, owner);
    const documentId = await givenDocument(http, owner, clientId, bytesOf(10));
    const refused = await upload(http, 'PUT', `/documents/${documentId}/content`, other.token);
    expect(refused).toEqual({ status: 404, type: 'document.not_found', read: false });
    expect(http.blobs.count).toBe(1);
  });
});

describe('an admitted upload', () => {
  it('holds its content in the store until the document is recorded: a delete meanwhile is refused, one after goes ahead', async () => {
    const store = memoryBlobStore();
    const whileRecording: string[] = [];
    let hold: Promise<unknown> | undefined;
    const blobs: BlobStore = {
      ...store,
      put: async (body, options) => {
        const info = await store.put(body, options);
        hold = options.holdUntil;
        whileRecording.push(await store.delete(info.contentHash).then(String, (error: { code: string }) => error.code));
        return info;
      },
    };
    const http = testHttp({ parts: { blobs } });
    const firm = await http.givenFirm();
    const { clientId } = await givenContact(http, firm);
    const documentId = await givenDocument(http, firm, clientId, bytesOf(10));
    expect(whileRecording).toEqual(['blob.in_use']);
    await hold;
    const { contentHash } = (await http.call('GET', `/documents/${documentId}`, { token: firm.token })).body;
    expect(await store.delete(contentHash)).toBe(true);
  });
});
