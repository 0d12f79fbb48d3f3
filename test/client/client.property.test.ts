import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold } from '../../src/core/decider.js';
import { PortalError } from '../../src/core/errors.js';
import type { ClientCommand } from '../../src/client/commands.js';
import { clientDecider } from '../../src/client/decider.js';
import { clientEvents, type ClientEvent } from '../../src/client/events.js';
import { ownersOf, type ClientState } from '../../src/client/state.js';
import { testContext } from '../support/decider-spec.js';
import * as b from './builders.js';

const emails = ['a@x.example', 'B@x.example', 'c@x.example', 'a@X.example '];
const contactInput = fc.record({ name: fc.constantFrom('Ann', 'Bea'), emails: fc.subarray(emails, { minLength: 1, maxLength: 3 }) });
/** Contact ids the generated ids will produce (the test context hands out gen-1, gen-2, …). */
const contactId = fc.integer({ min: 1, max: 12 }).map((n) => `gen-${n}`);

const createClient = fc
  .tuple(fc.constantFrom('individual' as const, 'group' as const), fc.array(contactInput, { minLength: 1, maxLength: 3 }))
  .map(([kind, owners]): ClientCommand => ({ type: 'CreateClient', data: { clientId: 'client-1', kind, name: 'Family', owners } }));

const command: fc.Arbitrary<ClientCommand> = fc.oneof(
  createClient,
  contactInput.map(b.addOwner),
  contactInput.map(b.addGuest),
  contactId.map(b.removeMember),
  fc.tuple(contactId, fc.constantFrom(...emails)).map(([id, email]) => b.addEmail(id, email)),
  fc.tuple(contactId, fc.constantFrom(...emails)).map(([id, email]) => b.removeEmail(id, email)),
  fc.tuple(contactId, fc.constantFrom('Ann', 'Cy')).map(([id, name]) => b.renameContact(id, name)),
  fc.dictionary(fc.constantFrom('f1', 'f2', 'f3'), fc.string({ maxLength: 5 })).map(b.recordData),
  fc.subarray(['f1', 'f2', 'f3'], { minLength: 1 }).map(b.removeData),
  fc.constantFrom('starter' as const, 'pro' as const).map(b.changeSubscription),
  fc.constantFrom('user-1', 'user-9').map((u) => b.assignStaff(u)),
  fc.constantFrom('user-1', 'user-9').map(b.unassignStaff),
  fc.constant(b.archiveClient()),
  fc.constant(b.restoreClient()),
);

function checkInvariants(state: ClientState): void {
  if (state.status === 'new') return;
  const owners = ownersOf(state).length;
  if (state.kind === 'individual') expect(owners).toBe(1);
  else expect(owners).toBeGreaterThanOrEqual(1);
  for (const member of state.members) {
    expect(member.emails.length).toBeGreaterThanOrEqual(1);
    expect(new Set(member.emails).size).toBe(member.emails.length);
    for (const email of member.emails) expect(email).toBe(email.trim().toLowerCase());
  }
  expect(new Set(state.members.map((m) => m.contactId)).size).toBe(state.members.length);
  expect(state.assignedStaff).not.toContain('user-9');
  expect(Object.keys(state.preliminaryData).length).toBeLessThanOrEqual(50);
}

const definitions = new Map(clientEvents.map((d) => [d.type, d]));

describe('client properties', () => {
  it('random command sequences never break the invariants, and folding is deterministic', () => {
    fc.assert(
      fc.property(createClient, fc.array(command, { minLength: 10, maxLength: 60 }), (create, rest) => {
        const commands = [create, ...rest];
        let state = clientDecider.initialState;
        const history: ClientEvent[] = [];
        let ids = 0;
        for (const cmd of commands) {
          let decided: ClientEvent[];
          try {
            decided = clientDecider.decide(cmd, state, testContext({ newId: () => `gen-${++ids}` }));
          } catch (error) {
            if (error instanceof PortalError) continue;
            throw error;
          }
          for (const event of decided) {
            definitions.get(event.type)!.schema.parse(event.data);
            state = clientDecider.evolve(state, event);
            history.push(event);
          }
          if (state.status === 'archived') expect(history.at(-1)?.type).toBe('ClientArchived');
          checkInvariants(state);
        }
        expect(fold(clientDecider, history)).toEqual(state);
        expect(fold(clientDecider, history)).toEqual(fold(clientDecider, history));
      }),
      { numRuns: 300 },
    );
  });
});
