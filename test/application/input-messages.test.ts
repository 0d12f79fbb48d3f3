import { beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../src/application/context.js';
import { createPortal, type Portal } from '../../src/application/portal.js';
import { ValidationError } from '../../src/core/errors.js';
import { eventCount, platformCaller, testPortal, type TestPortal } from '../support/portal.js';

let test: TestPortal;
let portal: Portal;
let pat: Caller;
let clientId: string;
let contactId: string;

beforeAll(async () => {
  test = testPortal();
  portal = createPortal(test.deps);
  const firm = await portal.firms.createFirm(platformCaller, { name: 'Harbour', partnerAdmin: { name: 'Pat Partner', email: 'pat@harbour.example' } });
  pat = { tenantId: firm.firmId, actor: { kind: 'staff', userId: firm.partnerAdminId } };
  const created = await portal.clients.createClient(pat, { kind: 'individual', owners: [{ name: 'Ann Smith', emails: ['ann@smith.example'] }] });
  clientId = created.clientId;
  contactId = created.ownerIds[0]!;
});

/** The ValidationError a call is refused with; the log must not have changed. */
async function validationError(call: () => Promise<unknown>): Promise<ValidationError> {
  const before = await eventCount(test.ctx);
  const error = await call().then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  expect(await eventCount(test.ctx)).toBe(before);
  return error as ValidationError;
}

const individual = (owner: Record<string, unknown>) => ({ kind: 'individual' as const, owners: [owner] }) as never;

describe('validation messages name the real problem', () => {
  it('says a list was expected when a single email address is given', async () => {
    const error = await validationError(() => portal.clients.createClient(pat, individual({ name: 'Ann', emails: 'a@x.example' })));
    expect(error.issues).toEqual([{ path: 'owners.0.emails', message: 'expected a list of email addresses, got a string' }]);
    expect(error.message).toBe('Invalid input: owners.0.emails: expected a list of email addresses, got a string');
  });

  it('names an unknown key instead of dropping it', async () => {
    const error = await validationError(() => portal.clients.renameClient(pat, { clientId, name: 'Ann', nmae: 'x' } as never));
    expect(error.issues).toEqual([{ path: 'nmae', message: 'is not a field this call takes' }]);
    expect(error.message).toContain('nmae');
  });

  it('names an unknown key deep inside the input, and in the caller', async () => {
    const nested = await validationError(() => portal.clients.createClient(pat, individual({ name: 'Ann', emails: ['a@x.example'], phone: '1' })));
    expect(nested.issues.map((i) => i.path)).toEqual(['owners.0.phone']);
    const caller = { ...pat, actor: { ...pat.actor, role: 'admin' } } as unknown as Caller;
    const inCaller = await validationError(() => portal.clients.renameClient(caller, { clientId, name: 'Ann' }));
    expect(inCaller.issues.map((i) => i.path)).toEqual(['caller.actor.role']);
  });

  it('says what is missing, too long or of the wrong kind', async () => {
    const error = await validationError(() => portal.clients.renameContact(pat, { clientId, name: 'x'.repeat(201), contactId: 7 } as never));
    expect(error.issues).toEqual([
      { path: 'contactId', message: 'expected a string, got a number' },
      { path: 'name', message: 'at most 200 characters' },
    ]);
    const missing = await validationError(() => portal.clients.renameContact(pat, { clientId, name: 'Ann' } as never));
    expect(missing.issues).toEqual([{ path: 'contactId', message: 'is required' }]);
  });

  it('refuses control characters and lone surrogates in names and paths', async () => {
    const spoofing = ['Ann\u202eTXT.exe', 'Ann\u2066Smith', 'Ann\u2028Smith'];
    for (const name of ['Ann\u0000Smith', 'Ann\u001bSmith', 'Ann\u007f', 'Ann\u0085', 'Ann\ud800', 'Ann\nSmith', ...spoofing]) {
      const error = await validationError(() => portal.clients.renameContact(pat, { clientId, contactId, name }));
      expect(error.issues, JSON.stringify(name)).toEqual([{ path: 'name', message: 'cannot contain control characters' }]);
    }
    const path = await validationError(() => portal.access.openPortalAccess(pat, { clientId, contactId, sharedItems: [{ kind: 'folder', path: 'Tax\u0000' }] }));
    expect(path.issues.map((i) => i.path)).toEqual(['sharedItems.0.path']);
    // Letters outside the Basic Multilingual Plane are whole surrogate pairs: fine; so are right-to-left
    // names and their marks, and joiners inside emoji.
    await portal.clients.renameContact(pat, { clientId, contactId, name: 'Ann 😀 Smith' });
    await portal.clients.renameContact(pat, { clientId, contactId, name: 'דנה\u200f כהן 👩\u200d💻' });
  });

  it('refuses what the review stored: 2,000 long paths, a 1 MB user agent, an IP that is not one', async () => {
    const paths = Array.from({ length: 2000 }, (_, i) => ({ kind: 'folder' as const, path: `${i}`.padEnd(10_000, 'x') }));
    const tooMany = await validationError(() => portal.access.openPortalAccess(pat, { clientId, contactId, sharedItems: paths }));
    expect(tooMany.issues[0]).toEqual({ path: 'sharedItems', message: 'at most 200 folders or documents to share' });
    const login = { tenantId: pat.tenantId, contactId, password: 'a long passphrase' };
    const agent = await validationError(() => portal.access.logIn({ ...login, userAgent: 'x'.repeat(1024 * 1024) }));
    expect(agent.issues).toEqual([{ path: 'userAgent', message: 'at most 512 characters' }]);
    const ip = await validationError(() => portal.access.logIn({ ...login, ipAddress: 'not an ip at all' }));
    expect(ip.issues).toEqual([{ path: 'ipAddress', message: 'expected an IPv4 or IPv6 address' }]);
  });

  it('gives the accepted values of a choice', async () => {
    const error = await validationError(() => portal.clients.changeSubscription(pat, { clientId, plan: 'gold' } as never));
    expect(error.issues[0]?.message).toMatch(/^expected one of "starter", /);
  });
});
