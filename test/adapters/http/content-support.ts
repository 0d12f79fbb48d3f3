import type { testHttp } from './support.js';

type Http = ReturnType<typeof testHttp>;

/** Deterministic bytes that are not a repeating pattern, so a shifted or dropped chunk shows. */
export function bytesOf(size: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** A web stream of `bytes` in chunks, for a request body without a Content-Length. */
export function streamOf(bytes: Uint8Array, chunk = 64 * 1024): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}

/** How many events the portal's log holds. */
export async function eventCount(http: Http): Promise<number> {
  let count = 0;
  for await (const _event of http.portal.log.readAll()) count++;
  return count;
}

/**
 * A client whose owner has active portal access with 'Shared' shared: the firm opens access (which
 * sends the invitation), the owner accepts it and gets a session.
 */
export async function givenContact(http: Http, firm: { token: string }, email = 'ann@client.example') {
  const created = await http.call('POST', '/clients', { token: firm.token, body: { kind: 'individual', owners: [{ name: 'Ann Owner', emails: [email] }] } });
  const clientId = created.body.clientId as string;
  const contactId = created.body.ownerIds[0] as string;
  const opened = await http.call('POST', `/clients/${clientId}/members/${contactId}/portal-access`, {
    token: firm.token,
    body: { sharedItems: [{ kind: 'folder', path: 'Shared' }] },
  });
  if (opened.status !== 200) throw new Error(`openPortalAccess: ${opened.status} ${JSON.stringify(opened.body)}`);
  const token = (await http.outbox.lastTo(contactId))!.token;
  const accepted = await http.call('POST', '/invitations/accept', { body: { contactId, token, password: 'ann-secret-pw' } });
  if (accepted.status !== 200) throw new Error(`acceptInvitation: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  return { clientId, contactId, session: accepted.body.session.token as string };
}

/** Sends bytes (or a stream) as a request body with a bearer token. */
export async function send(
  http: Http,
  method: string,
  path: string,
  body: Uint8Array | ReadableStream<Uint8Array> | string | null,
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  return http.app.request(path, { method, headers, ...(body !== null && { body, duplex: 'half' }) } as RequestInit);
}

/** A staff upload into the client's 'Shared' folder; its document id. */
export async function givenDocument(http: Http, firm: { token: string }, clientId: string, bytes: Uint8Array, name = 'statement.pdf', folderPath = 'Shared') {
  const response = await send(http, 'POST', `/clients/${clientId}/documents?folderPath=${encodeURIComponent(folderPath)}&name=${encodeURIComponent(name)}`, bytes, {
    token: firm.token,
  });
  const body = await jsonOf(response);
  if (response.status !== 201) throw new Error(`upload: ${response.status} ${JSON.stringify(body)}`);
  return body.document.documentId as string;
}

/** GET with a bearer token and extra headers; the body as bytes. */
export async function fetchBytes(
  http: Http,
  path: string,
  token: string | undefined,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: Headers; bytes: Uint8Array }> {
  const response = await http.app.request(path, { method, headers: { ...headers, ...(token && { authorization: `Bearer ${token}` }) } });
  return { status: response.status, headers: response.headers, bytes: new Uint8Array(await response.arrayBuffer()) };
}

/** A response's JSON body, for assertions. */
export const jsonOf = (response: Response): Promise<any> => response.json();
