/**
 * JSON writes that name content by its hash: over HTTP only content the caller holds may be named,
 * so a firm cannot publish or re-serve another firm's document by knowing its hash.
 */
import { describe, expect, it } from 'vitest';
import { bytesOf, fetchBytes, givenContact, givenDocument, send } from './content-support.js';
import { testHttp } from './support.js';

type Http = ReturnType<typeof testHttp>;

/** Two firms, the second a licensing partner (so it may brand itself); the first holds a secret document. */
async function givenTwoFirms(http: Http) {
  const owner = await http.givenFirm('Owner Accountants');
  const other = await http.givenFirm('Other Accountants');
  const enabled = await http.call('PUT', `/firms/${other.firmId}/partner-features`, { token: other.operator, body: { licensingPartner: true } });
  if (enabled.status !== 200) throw new Error(`enablePartnerFeatures: ${enabled.status}`);
  const { clientId } = await givenContact(http, owner);
  const secret = new TextEncoder().encode("Owner Accountants' client's confidential tax return");
  const documentId = await givenDocument(http, owner, clientId, secret);
  const { contentHash, size } = (await http.call('GET', `/documents/${documentId}`, { token: owner.token })).body as { contentHash: string; size: number };
  return { owner, other, clientId, secret, contentHash, size };
}

/** A firm whose client has a linked OneDrive folder, so synced changes apply to it. */
async function linkFolder(http: Http, firm: { token: string }, clientId: string) {
  await http.call('PUT', '/onedrive/connection', { token: firm.token, body: { accountId: 'od-1', displayName: 'OneDrive', driveType: 'personal' } });
  const linked = await http.call('PUT', `/clients/${clientId}/folder-link`, {
    token: firm.token,
    body: {
      folderUrl: 'https://onedrive.live.com/?id=ABCDEF1234567890%211&cid=ABCDEF1234567890',
    },
  });
  if (linked.status !== 200) throw new Error(`linkFolder: ${linked.status} ${JSON.stringify(linked.body)}`);
}

const upserted = (content: { size: number; contentHash: string; blobRef: string }) => ({
  driveItemId: 'ABCDEF1234567890!9',
  change: { kind: 'upserted', folderPath: 'Tax', name: 'Copied.pdf', cTag: 'c1', eTag: 'e1', content },
});

describe('setting the branding over JSON', () => {
  it("refuses a logo blobRef that is another firm's document, and serves no such logo", async () => {
    const http = testHttp();
    const { other, secret, contentHash } = await givenTwoFirms(http);
    const before = await http.eventCount();
    const set = await http.call('PUT', '/branding', { token: other.token, body: { logo: { blobRef: contentHash, contentType: 'image/png', size: secret.length }, primaryColour: null, supportChannel: null } });
    expect([set.status, set.body.type]).toEqual([422, 'branding.logo_not_uploaded']);
    expect(set.body.detail).toContain('PUT /branding/logo');
    expect(await http.eventCount()).toBe(before);
    const logo = await fetchBytes(http, `/firms/${other.firmId}/branding/logo`, undefined);
    expect(logo.status).toBe(404);
    expect(new TextDecoder().decode(logo.bytes)).not.toContain('confidential');
  });

  it('refuses a blobRef that is no content hash at all', async () => {
    const http = testHttp();
    const { other } = await givenTwoFirms(http);
    const set = await http.call('PUT', '/branding', { token: other.token, body: { logo: { blobRef: 'my-logo', contentType: 'image/png', size: 10 }, primaryColour: null, supportChannel: null } });
    expect([set.status, set.body.type]).toEqual([422, 'branding.logo_not_uploaded']);
  });

  it('keeps an uploaded logo when the rest of the branding changes, and takes a null logo', async () => {
    const http = testHttp();
    const { other } = await givenTwoFirms(http);
    const image = bytesOf(300, 5);
    expect((await send(http, 'PUT', '/branding/logo', image, { token: other.token, headers: { 'content-type': 'image/png' } })).status).toBe(200);
    const { logo } = (await http.call('GET', `/firms/${other.firmId}/branding`, { token: other.token })).body;
    const kept = await http.call('PUT', '/branding', { token: other.token, body: { logo, primaryColour: '#112233', supportChannel: null } });
    expect(kept.status).toBe(200);
    expect((await fetchBytes(http, `/firms/${other.firmId}/branding/logo`, undefined)).bytes).toEqual(image);
    expect((await http.call('PUT', '/branding', { token: other.token, body: { logo: null, primaryColour: null, supportChannel: null } })).status).toBe(200);
  });
});

describe('applying a synced change over JSON', () => {
  it("refuses content the firm does not hold (another firm's document), writing nothing", async () => {
    const http = testHttp();
    const { other, contentHash, size } = await givenTwoFirms(http);
    const { clientId } = await givenContact(http, other, 'bo@other.example');
    await linkFolder(http, other, clientId);
    const before = await http.eventCount();
    const applied = await http.call('POST', `/clients/${clientId}/synced-changes`, { token: other.token, body: upserted({ size, contentHash, blobRef: contentHash }) });
    expect([applied.status, applied.body.type]).toEqual([422, 'blob.not_held']);
    expect(await http.eventCount()).toBe(before);
  });

  it('takes content one of the firm’s documents has, but not with a blobRef naming other bytes', async () => {
    const http = testHttp();
    const { owner, clientId, contentHash, size, secret } = await givenTwoFirms(http);
    await linkFolder(http, owner, clientId);
    const other = await http.call('POST', `/clients/${clientId}/synced-changes`, { token: owner.token, body: upserted({ size, contentHash, blobRef: `sha256:${'0'.repeat(64)}` }) });
    expect([other.status, other.body.type]).toEqual([422, 'blob.not_held']);
    const applied = await http.call('POST', `/clients/${clientId}/synced-changes`, { token: owner.token, body: upserted({ size, contentHash, blobRef: contentHash }) });
    expect(applied.status).toBe(200);
    expect((await fetchBytes(http, `/documents/${applied.body.document.documentId}/content`, owner.token)).bytes).toEqual(secret);
  });

  it('needs no held content for a change without content (a rename or a deletion)', async () => {
    const http = testHttp();
    const { owner, clientId } = await givenTwoFirms(http);
    await linkFolder(http, owner, clientId);
    const deleted = await http.call('POST', `/clients/${clientId}/synced-changes`, { token: owner.token, body: { driveItemId: 'ABCDEF1234567890!9', change: { kind: 'deleted' } } });
    expect(deleted.status).not.toBe(422);
  });
});

describe('the content a firm holds', () => {
  it("answers 200 for a hash one of the firm's documents has, and 404 for another firm's or unknown content", async () => {
    const http = testHttp();
    const { owner, other, contentHash } = await givenTwoFirms(http);
    expect((await http.call('GET', `/held-content/${contentHash}`, { token: owner.token })).body).toEqual({ contentHash });
    const elsewhere = await http.call('GET', `/held-content/${contentHash}`, { token: other.token });
    expect([elsewhere.status, elsewhere.body.type]).toEqual([404, 'content.not_held']);
    expect((await http.call('GET', `/held-content/sha256:${'0'.repeat(64)}`, { token: owner.token })).status).toBe(404);
  });
});
