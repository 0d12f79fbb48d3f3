import { beforeAll, describe, expect, it } from 'vitest';
import { createPortal, type Portal } from '../../src/application/portal.js';
import type { Caller } from '../../src/application/context.js';
import { PortalError, ValidationError } from '../../src/core/errors.js';
import { eventCount, testPortal, type TestPortal } from '../support/portal.js';
import { hashOf } from '../support/content-hash.js';

/** Services that take no caller: the contact's own login and the emailed link. */
const withoutCaller = new Set(['invitations.acceptInvitation', 'access.logIn']);
/** Services whose input may be left out (they act on the caller's own firm). */
const inputOptional = new Set(['firms.getFirm', 'firms.effectiveBrandingOf', 'firms.clearBranding', 'firms.disconnectOneDrive', 'firms.listManagedCompanies', 'clientList.search', 'clientList.folders', 'audit.activity', 'exports.activationCsv', 'documents.shared']);
/** Services whose every input field is optional: an empty object is fine. */
const noInput = new Set(['firms.getFirm', 'firms.effectiveBrandingOf', 'firms.clearBranding', 'firms.disconnectOneDrive', 'firms.listManagedCompanies', 'clientList.search', 'clientList.folders', 'audit.activity', 'exports.activationCsv', 'documents.shared']);

/** Every field name the services take, each with a value of the wrong type. */
const wrongTypes = Object.fromEntries(
  [
    'clientId', 'clientIds', 'contactId', 'documentId', 'firmId', 'companyId', 'userId', 'tenantId', 'email', 'loginEmail',
    'password', 'token', 'name', 'formId', 'sharedItems', 'via', 'reason', 'folderPath', 'driveItemId', 'change',
    'premiumApps', 'user', 'admin', 'contact', 'fields', 'fieldNames', 'plan', 'kind', 'owners', 'partnerAdmin',
    'accountId', 'displayName', 'driveType', 'logo', 'primaryColour', 'supportChannel', 'contentHash', 'blobRef',
    'outcome', 'folderUrl', 'driveItem', 'role', 'licensingPartner', 'idempotencyKey', 'ipAddress', 'userAgent',
  ].map((key) => [key, 42]),
);
const badInputs: Array<[string, unknown]> = [
  ['undefined', undefined],
  ['{}', {}],
  ['null', null],
  ['a number', 42],
  ['a boolean', true],
  ['an array', []],
  ['an object of wrong types', { ...wrongTypes, size: 'big' }],
];

type Service = (...args: unknown[]) => unknown;

function servicesOf(portal: Portal): Array<[string, Service]> {
  return Object.entries(portal)
    .filter(([area]) => area !== 'log')
    .flatMap(([area, services]) => Object.entries(services as Record<string, Service>).map(([name, fn]): [string, Service] => [`${area}.${name}`, fn]));
}

/** Runs a call; a service must return a promise (a refusal rejects it), never throw synchronously. */
async function outcome(run: () => unknown): Promise<{ ok: true } | { ok: false; error: unknown }> {
  let returned: unknown;
  try {
    returned = run();
  } catch (error) {
    return { ok: false, error: new Error(`threw synchronously: ${String(error)}`) };
  }
  try {
    await returned;
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}

let test: TestPortal;
let portal: Portal;
let pat: Caller;
let ids: { firmId: string; clientId: string; contactId: string; documentId: string };

beforeAll(async () => {
  test = testPortal();
  portal = createPortal(test.deps);
  const platform: Caller = { tenantId: 'platform', actor: { kind: 'platform', operatorId: 'operator-1' } };
  const { firmId, partnerAdminId } = await portal.firms.createFirm(platform, {
    name: 'Harbour Accountants',
    partnerAdmin: { name: 'Pat Partner', email: 'pat@harbour.example' },
  });
  pat = { tenantId: firmId, actor: { kind: 'staff', userId: partnerAdminId } };
  const { clientId, ownerIds } = await portal.clients.createClient(pat, { kind: 'individual', owners: [{ name: 'Ann Smith', emails: ['ann@smith.example'] }] });
  const contactId = ownerIds[0]!;
  await portal.access.openPortalAccess(pat, { clientId, contactId, sharedItems: [{ kind: 'folder', path: 'Tax' }] });
  const content = { size: 1, contentHash: hashOf(1), blobRef: 'blob-1' };
  const { document } = await portal.documents.uploadDocument(pat, { clientId, folderPath: 'Tax', name: 'Return.pdf', ...content });
  ids = { firmId, clientId, contactId, documentId: document.documentId };
});

describe('bad input to the application API', () => {
  it('gets a typed error from every service, and changes nothing', async () => {
    const before = await eventCount(test.ctx);
    const sent = (await test.outbox.sent()).length;
    const services = servicesOf(portal);
    expect(services.length).toBeGreaterThan(60);
    for (const [name, fn] of services) {
      for (const [label, input] of badInputs) {
        const result = await outcome(() => (withoutCaller.has(name) ? fn(input) : fn(pat, input)));
        const acceptable =
          (input === undefined && inputOptional.has(name)) ||
          (label === '{}' && noInput.has(name));
        if (result.ok) {
          expect(acceptable, `${name}(${label}) should be refused`).toBe(true);
        } else if (acceptable) {
          expect(result.error, `${name}(${label}) threw ${String(result.error)}`).toBeInstanceOf(PortalError);
        } else {
          expect(result.error, `${name}(${label}) threw ${String(result.error)}`).toBeInstanceOf(ValidationError);
          expect((result.error as ValidationError).code).toBe('validation.failed');
          expect((result.error as ValidationError).issues.length).toBeGreaterThan(0);
        }
        expect(await eventCount(test.ctx), `${name}(${label}) changed the log`).toBe(before);
      }
    }
    expect((await test.outbox.sent()).length).toBe(sent);
  });

  it('refuses a missing or malformed caller with a ValidationError', async () => {
    const before = await eventCount(test.ctx);
    const { clientId, contactId } = ids;
    for (const caller of [undefined, {}, { tenantId: ids.firmId }, { tenantId: ids.firmId, actor: { kind: 'staff' } }, { tenantId: 7, actor: pat.actor }]) {
      const calls = [
        () => portal.clients.getClient(caller as Caller, { clientId: clientId }),
        () => portal.invitations.inviteMember(caller as Caller, { clientId, contactId }),
        () => portal.firms.clearBranding(caller as Caller),
        () => portal.personalData.forgetContact(caller as Caller, { clientId, contactId }),
      ];
      for (const call of calls) {
        const result = await outcome(call);
        expect(result.ok ? null : result.error).toBeInstanceOf(ValidationError);
      }
    }
    expect(await eventCount(test.ctx)).toBe(before);
  });

  it('refuses the malformed fields the reviewer found, each with a ValidationError naming the field', async () => {
    const before = await eventCount(test.ctx);
    const { firmId: tenantId, clientId, contactId, documentId } = ids;
    const cases: Array<[() => unknown, string]> = [
      [() => portal.invitations.inviteInBulk(pat, {} as never), 'clientIds'],
      [() => portal.invitations.inviteInBulk(pat, { clientIds: [clientId, 42] } as never), 'clientIds.1'],
      [() => portal.folders.saveAllFolderLinks(pat, undefined as never), ''],
      [() => portal.invitations.acceptInvitation({ contactId, token: undefined, password: 'a long passphrase' } as never), 'token'],
      [() => portal.access.logIn({ tenantId, contactId, password: undefined } as never), 'password'],
      [() => portal.access.logIn({ tenantId, contactId, password: 12345 } as never), 'password'],
      [() => portal.invitations.inviteMember(pat, { clientId, contactId, email: 42 } as never), 'email'],
      [() => portal.access.openPortalAccess(pat, { clientId, contactId, sharedItems: 'Tax' } as never), 'sharedItems'],
      [() => portal.documents.renameDocument(pat, { documentId, name: null } as never), 'name'],
      [() => portal.clients.removeContactEmail(pat, { clientId, contactId, email: ['ann@smith.example'] } as never), 'email'],
      [() => portal.firms.getFirm(pat, tenantId as never), ''],
    ];
    for (const [call, path] of cases) {
      const result = await outcome(call);
      const error = result.ok ? null : result.error;
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => i.path)).toContain(path);
    }
    expect(await eventCount(test.ctx)).toBe(before);
  });
});
