/**
 * Tenant isolation over the wire, for every read /openapi.json lists: two firms with random names,
 * clients and members; each firm's people asking with the other firm's ids get a 404 that shows
 * nothing of the other firm, and its lists never show the other firm's ids, names or emails.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeOperation, fillPath, isEventStream, openApiDocument, operationsOf, pathParams, queryParams, requiredQuery, type Operation } from './openapi-operations.js';
import { idsByName, randomPlan, seedFirm, type SeededFirm } from './seeded-firm.js';
import { testHttp } from './support.js';

/** Firm pairs per property: each seeds two whole firms, so a few. */
const RUNS = 4;

// Public reads (a firm's logo, shown on its login page) are meant for anyone who has the firm's id.
const reads = operationsOf(await openApiDocument(testHttp())).filter((op) => op.method === 'get' && !isEventStream(op) && op.security.length > 0);
const byId = reads.filter((op) => pathParams(op).length > 0);
const lists = reads.filter((op) => pathParams(op).length === 0);
const forContacts = (op: Operation) => op.security.includes('session');

/** The firm's ids a path parameter of this name can take (every id of the firm for a name the test does not know). */
function idsFor(firm: SeededFirm, name: string): string[] {
  return idsByName(firm)[name] ?? [firm.firmId, firm.companyId, firm.documentId, firm.staffTokenId, ...firm.clientIds, ...firm.contactIds];
}

/**
 * Paths of the operation that name the other firm's resources: every parameter the other firm's,
 * then each parameter alone the other firm's with the rest the asking firm's own.
 */
function pathsInto(op: Operation, own: SeededFirm, other: SeededFirm): string[] {
  const names = pathParams(op).map((p) => p.name);
  const ownIds = Object.fromEntries(names.map((n) => [n, idsFor(own, n)[0]!]));
  const query = requiredQuery(op);
  const paths = new Set<string>();
  for (const name of names) {
    for (const id of idsFor(other, name)) {
      paths.add(fillPath(op.path, { ...Object.fromEntries(names.map((n) => [n, idsFor(other, n)[0]!])), [name]: id }) + query);
      if (names.length > 1) paths.add(fillPath(op.path, { ...ownIds, [name]: id }) + query);
    }
  }
  return [...paths];
}

function leaked(body: unknown, firm: SeededFirm): string[] {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return firm.markers.filter((marker) => text.includes(marker));
}

type Pair = { http: ReturnType<typeof testHttp>; a: SeededFirm; b: SeededFirm };

/** Runs a check over a few pairs of freshly seeded firms with random names, clients and members. */
function forRandomFirmPairs(check: (pair: Pair) => Promise<void>) {
  return fc.assert(
    fc.asyncProperty(randomPlan('a'), randomPlan('b'), async (planA, planB) => {
      const http = testHttp();
      const a = await seedFirm(http, planA);
      const b = await seedFirm(http, planB);
      await check({ http, a, b });
    }),
    { numRuns: RUNS },
  );
}

describe('tenant isolation', () => {
  it('finds reads by id and lists in /openapi.json', () => {
    expect(byId.length).toBeGreaterThan(10);
    expect(lists.length).toBeGreaterThan(3);
  });

  it("answers a firm's staff and contact 200 for their own resources by the same paths (the 404s below are about the firm, not the path)", async () => {
    await forRandomFirmPairs(async ({ http, a }) => {
      const askers = (op: Operation) => (forContacts(op) ? [a.token, a.contactToken] : [a.token]);
      for (const op of byId) {
        const names = pathParams(op).map((p) => p.name);
        const path = fillPath(op.path, Object.fromEntries(names.map((n) => [n, idsFor(a, n)[0]!]))) + requiredQuery(op);
        for (const token of askers(op)) {
          const answer = await http.call('GET', path, { token });
          expect(answer.status, `${describeOperation(op)} ${path}: ${JSON.stringify(answer.body)}`).toBe(200);
        }
      }
      const clientList = lists.find((op) => op.operationId === 'clientList.search')!;
      expect(leaked((await http.call('GET', clientList.path, { token: a.token })).body, a)).toContain(a.plan.clients[0]!.name);
    });
  });

  it("answers a firm's staff 404 for every read of another firm's resources, showing nothing of that firm", async () => {
    await forRandomFirmPairs(async ({ http, a, b }) => {
      for (const op of byId) {
        for (const path of pathsInto(op, a, b)) {
          const answer = await http.call('GET', path, { token: a.token });
          expect(answer.status, `${describeOperation(op)} ${path}: ${JSON.stringify(answer.body)}`).toBe(404);
          expect(leaked(answer.body, b), `${describeOperation(op)} ${path}`).toEqual([]);
        }
      }
    });
  });

  it("answers a contact 404 for every read they may make of another firm's resources, showing nothing of that firm", async () => {
    await forRandomFirmPairs(async ({ http, a, b }) => {
      for (const op of byId.filter(forContacts)) {
        for (const path of pathsInto(op, b, a)) {
          const answer = await http.call('GET', path, { token: b.contactToken });
          expect(answer.status, `${describeOperation(op)} ${path}: ${JSON.stringify(answer.body)}`).toBe(404);
          expect(leaked(answer.body, a), `${describeOperation(op)} ${path}`).toEqual([]);
        }
      }
    });
  });

  it("refuses a contact the firm's own reads the same way whether the ids are another firm's or not", async () => {
    await forRandomFirmPairs(async ({ http, a, b }) => {
      for (const op of byId.filter((op) => !forContacts(op))) {
        const names = pathParams(op).map((p) => p.name);
        const own = await http.call('GET', fillPath(op.path, Object.fromEntries(names.map((n) => [n, idsFor(b, n)[0]!]))) + requiredQuery(op), { token: b.contactToken });
        for (const path of pathsInto(op, b, a)) {
          const answer = await http.call('GET', path, { token: b.contactToken });
          expect({ status: answer.status, type: answer.body.type }, `${describeOperation(op)} ${path}`).toEqual({ status: own.status, type: own.body.type });
          expect(leaked(answer.body, a), `${describeOperation(op)} ${path}`).toEqual([]);
        }
      }
    });
  });

  it("shows a firm's staff none of another firm's ids, names or emails in any list, whatever it searches for", async () => {
    await forRandomFirmPairs(async ({ http, a, b }) => {
      const searches = (op: Operation) => [
        requiredQuery(op),
        ...queryParams(op).flatMap((p) => {
          const values = p.name.endsWith('Id') ? idsFor(b, p.name) : [b.plan.clients[0]!.name, b.plan.clients[0]!.owners[0]!.email, b.plan.admin.name];
          const required = requiredQuery(op);
          return values.map((value) => `${required === '' ? '?' : `${required}&`}${p.name}=${encodeURIComponent(value)}`);
        }),
      ];
      for (const op of lists) {
        for (const query of searches(op)) {
          const answer = await http.call('GET', `${op.path}${query}`, { token: a.token });
          expect(answer.status, `${describeOperation(op)} ${query}: ${JSON.stringify(answer.body)}`).toBeLessThan(500);
          expect(leaked(answer.body, b), `${describeOperation(op)} ${query}`).toEqual([]);
        }
      }
    });
  });

  it("shows a contact none of another firm's ids, names or emails in any list they may read", async () => {
    await forRandomFirmPairs(async ({ http, a, b }) => {
      for (const op of lists.filter(forContacts)) {
        const answer = await http.call('GET', op.path + requiredQuery(op), { token: a.contactToken });
        expect(answer.status, `${describeOperation(op)}: ${JSON.stringify(answer.body)}`).toBeLessThan(500);
        expect(leaked(answer.body, b), describeOperation(op)).toEqual([]);
      }
    });
  });

  it('shows a contact their own portal access and answers 404 for another contact of the same firm', async () => {
    await forRandomFirmPairs(async ({ http, a }) => {
      const own = await http.call('GET', `/contacts/${a.activeContactId}/portal-access`, { token: a.contactToken });
      expect(own).toMatchObject({ status: 200, body: { contactId: a.activeContactId, status: 'active' } });
      const other = await http.call('GET', `/contacts/${a.otherContactId}/portal-access`, { token: a.contactToken });
      expect(other.status).toBe(404);
      expect(JSON.stringify(other.body)).not.toContain(a.plan.clients[0]!.owners[1]!.email);
    });
  });
});
