import { pino } from 'pino';
import { memoryBlobStore } from '../../../adapters/blobs/memory-blob-store.js';
import { createHttpApp, type HttpParts } from '../../../adapters/http/app.js';
import { memoryCredentials } from '../../../adapters/http/credentials/memory-credentials.js';
import { createPortal } from '../../../src/application/portal.js';
import { fastSecrets, testPortal } from '../../support/portal.js';

export const PASSWORD = 'a long passphrase';

/**
 * The HTTP app over a whole in-memory portal, asked with `app.request` (no socket). `call` sends
 * JSON with a bearer token and parses the answer.
 */
export function testHttp(options: { parts?: Partial<HttpParts> } = {}) {
  const blobs = memoryBlobStore();
  const logos = memoryBlobStore();
  const base = testPortal({ secrets: fastSecrets(), blobs });
  const portal = createPortal(base.deps);
  const credentials = memoryCredentials();
  const logLines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  const app = createHttpApp({ portal, credentials, blobs, logos, logger, clock: base.clock, ...options.parts });

  async function call(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await app.request(path, {
      method,
      headers,
      ...(options.body !== undefined ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, headers: response.headers, body: type.includes('json') && text ? JSON.parse(text) : text };
  }

  /** A firm opened by the platform operator, with its first partner admin's token. */
  let operatorToken: Promise<string> | undefined;
  const operator = () => (operatorToken ??= credentials.ensureOperatorToken().then((made) => made.token!));
  async function givenFirm(name = 'Harbour Accountants') {
    const token = await operator();
    const created = await call('POST', '/firms', { token, body: { name, partnerAdmin: { name: 'Pat Partner', email: 'pat@harbour.example' } } });
    if (created.status !== 201) throw new Error(`createFirm: ${created.status} ${JSON.stringify(created.body)}`);
    return { firmId: created.body.firmId as string, adminId: created.body.partnerAdminId as string, token: created.body.apiToken as string, operator: token };
  }

  type Firm = Awaited<ReturnType<typeof givenFirm>>;

  /** A client of the firm whose owner was invited, accepted and holds a session. */
  async function givenContact(firm: Firm, email = `ann.${Math.random().toString(36).slice(2, 8)}@smith.example`) {
    const client = await call('POST', '/clients', { token: firm.token, body: { kind: 'individual', owners: [{ name: 'Ann Smith', emails: [email] }] } });
    const clientId = client.body.clientId as string;
    const contactId = client.body.ownerIds[0] as string;
    await call('POST', `/clients/${clientId}/invitations`, { token: firm.token, body: {} });
    const accepted = await call('POST', '/invitations/accept', { body: { contactId, token: (await base.outbox.lastTo(contactId))!.token, password: PASSWORD } });
    if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${JSON.stringify(accepted.body)}`);
    return { clientId, contactId, email, session: accepted.body.session.token as string };
  }

  /** How many events the log holds (a refused request must leave it unchanged). */
  const eventCount = async () => (await base.store.lastPosition()) ?? 0;

  return { ...base, portal, credentials, blobs, logos, app, call, operator, givenFirm, givenContact, eventCount, logLines };
}
