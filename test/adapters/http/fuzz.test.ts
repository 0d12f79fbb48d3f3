/**
 * Every operation /openapi.json lists, asked random and mutated requests (see request-arbitrary.ts)
 * as a seeded firm's partner admin, its contact, the operator, another firm and nobody. Whatever
 * comes in, the service answers without a 5xx; a refusal is a problem+json that changes nothing.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeOperation, fillPath, isEventStream, openApiDocument, operationsOf, type Operation } from './openapi-operations.js';
import { fuzzRequest, type CallerKind, type FuzzRequest, type FuzzSetting } from './request-arbitrary.js';
import type { IdsFor } from './schema-arbitrary.js';
import { fixedPlan, idsByName, seedFirm, type SeededFirm } from './seeded-firm.js';
import { testHttp } from './support.js';

/** Requests per operation: enough to hit each kind of mutation, bounded so the file runs in well under a minute. */
const RUNS = 40;

const http = testHttp();
const operations = operationsOf(await openApiDocument(http));

/** The seeded firm's ids by the parameter or field name that holds one. */
function idsOf(firm: SeededFirm): IdsFor {
  const byName = idsByName(firm);
  return (name) => (byName[name] ? fc.constantFrom(...byName[name]!) : undefined);
}

const allIdsOf = (firm: SeededFirm) => [firm.firmId, firm.adminId, firm.staffUserId, firm.companyId, firm.documentId, firm.staffTokenId, ...firm.clientIds, ...firm.contactIds];

async function send(request: FuzzRequest) {
  const response = await http.app.request(request.url, {
    method: request.method,
    headers: request.headers,
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

function expectProblem(answer: { status: number; type: string; text: string }) {
  expect(answer.type, answer.text.slice(0, 300)).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(answer.text);
  expect(problem).toMatchObject({ type: expect.any(String), title: expect.any(String), status: answer.status, detail: expect.any(String) });
  expect(problem.type).not.toBe('');
}

/**
 * The kinds of caller an operation lets in: asked once each with a request it refuses after the
 * door (malformed JSON, or a repeated query key for a read), so the probe changes nothing.
 */
async function admittedCallers(operation: Operation, setting: FuzzSetting, firm: SeededFirm): Promise<Set<CallerKind>> {
  const admitted = new Set<CallerKind>();
  const ids = { firmId: firm.firmId, tenantId: firm.firmId, clientId: firm.clientIds[0]!, contactId: firm.activeContactId, documentId: firm.documentId, companyId: firm.companyId, userId: firm.staffUserId, tokenId: firm.staffTokenId };
  const url = fillPath(operation.path, ids);
  const read = operation.method === 'get';
  for (const kind of ['staff', 'contact', 'operator'] as const) {
    const answer = await send({
      caller: kind,
      method: operation.method.toUpperCase(),
      url: read ? `${url}?probe=1&probe=2` : url,
      headers: { authorization: `Bearer ${setting.credentials[kind]}`, ...(read ? {} : { 'content-type': 'application/json' }) },
      ...(read ? {} : { body: '{' }),
    });
    const refusedAtTheDoor = answer.status === 403 && JSON.parse(answer.text).type === 'auth.not_for_you';
    if (!refusedAtTheDoor) admitted.add(kind);
  }
  return admitted;
}

let otherFirm: SeededFirm;
beforeAll(async () => {
  otherFirm = await seedFirm(http, fixedPlan('Birch'));
});

describe('fuzzing every documented operation', () => {
  it('finds operations to fuzz in /openapi.json', () => {
    expect(operations.length).toBeGreaterThan(50);
  });

  operations.forEach((operation: Operation, index) => {
    if (isEventStream(operation)) {
      console.warn(`fuzz: skipping ${describeOperation(operation)}: it answers with a long-lived text/event-stream`);
      it.skip(`${describeOperation(operation)} (long-lived event stream)`, () => undefined);
      return;
    }
    it(`${describeOperation(operation)} answers anything without a 5xx, and refuses with a problem that changes nothing`, async () => {
      // A firm of its own per operation: what one operation's successes change does not blunt the next one's requests.
      const firm = await seedFirm(http, fixedPlan(`Alder${index}`));
      const setting: FuzzSetting = {
        ownIds: idsOf(firm),
        otherIds: idsOf(otherFirm),
        anyId: fc.constantFrom(...allIdsOf(firm), ...allIdsOf(otherFirm)),
        credentials: {
          staff: firm.token,
          contact: firm.contactToken,
          operator: await http.operator(),
          otherFirmStaff: otherFirm.token,
          otherFirmContact: otherFirm.contactToken,
        },
      };
      const admitted = await admittedCallers(operation, setting, firm);
      await fc.assert(
        fc.asyncProperty(fuzzRequest(operation, setting, admitted), async (request) => {
          const before = await http.store.lastPosition();
          const answer = await send(request);
          if (!operation.statuses.includes(answer.status)) expect(answer.status, answer.text.slice(0, 300)).toBeLessThan(500);
          // A refusal (4xx) is a problem that changed nothing; a documented 5xx (/ready's 503) is an answer.
          if (answer.status >= 400 && answer.status < 500) {
            expectProblem(answer);
            expect(await http.store.lastPosition(), `a ${answer.status} appended events: ${answer.text.slice(0, 300)}`).toBe(before);
          }
        }),
        { numRuns: RUNS },
      );
    });
  });
});
