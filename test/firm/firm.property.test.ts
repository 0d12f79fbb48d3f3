import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold } from '../../src/core/decider.js';
import { PortalError } from '../../src/core/errors.js';
import type { FirmCommand } from '../../src/firm/commands.js';
import { firmDecider } from '../../src/firm/decider.js';
import { firmEvents, type FirmEvent } from '../../src/firm/events.js';
import { premiumAppCatalogue } from '../../src/firm/premium-apps.js';
import { partnerAdminsOf, type FirmState } from '../../src/firm/state.js';
import { testContext } from '../support/decider-spec.js';
import * as b from './builders.js';

const people = [b.alice, b.bob, b.carol, { userId: 'user-4', name: 'Dee', email: 'dee@smith.example' }];
const person = fc.constantFrom(...people);
const role = fc.constantFrom('partner_admin' as const, 'staff' as const);
const alice = b.asStaff(b.alice.userId).actor!;
const platform = b.asPlatform.actor!;
// Alice, the first partner admin, acts most often so sequences get past the authorisation guards.
const actor = fc.oneof(
  { weight: 5, arbitrary: fc.constant(alice) },
  { weight: 3, arbitrary: fc.constantFrom(...people.slice(1).map((p) => b.asStaff(p.userId).actor!)) },
  { weight: 2, arbitrary: fc.constantFrom(platform, b.asSync.actor!) },
);

const command: fc.Arbitrary<FirmCommand> = fc.oneof(
  person.map((p) => b.createFirm('Smith & Co', p)),
  fc.tuple(person, role).map(([p, r]) => b.addStaffUser(p, r)),
  fc.tuple(person, role).map(([p, r]) => b.changeStaffRole(p.userId, r)),
  person.map((p) => b.removeStaffUser(p.userId)),
  fc.boolean().map((l) => b.enablePartnerFeatures(l)),
  fc.constant(b.disablePartnerFeatures()),
  fc.boolean().map((l) => b.changeLicensingPartner(l)),
  fc
    .tuple(fc.constantFrom('Acme Ltd', 'ACME  ltd', 'Beta Pty', ' beta pty'), fc.subarray([...premiumAppCatalogue]))
    .map(([name, premiumApps]) => b.createManagedCompany({ name, premiumApps })),
  fc.constantFrom('#ABCDEF', 'red').map((primaryColour) => b.setBranding({ primaryColour })),
  fc.constant(b.clearBranding()),
  fc
    .tuple(fc.constantFrom('od-1', 'od-2'), fc.constantFrom('personal' as const, 'business' as const), fc.subarray(['client-1', 'client-2']))
    .map(([accountId, driveType, linkedClientIds]) => b.connectOneDrive({ accountId, driveType, linkedClientIds })),
  fc.constant(b.markNeedsReconnect()),
  fc.constant(b.disconnectOneDrive()),
);

function checkInvariants(state: FirmState): void {
  if (state.status === 'new') return;
  expect(partnerAdminsOf(state).length).toBeGreaterThanOrEqual(1);
  expect(new Set(state.staff.map((s) => s.userId)).size).toBe(state.staff.length);
  expect(new Set(state.staff.map((s) => s.email)).size).toBe(state.staff.length);
  expect(new Set(state.managedCompanies.map((c) => c.nameKey)).size).toBe(state.managedCompanies.length);
  if (state.oneDrive.status !== 'not_connected') expect(state.oneDrive.accountId).not.toBeNull();
}

const definitions = new Map(firmEvents.map((d) => [d.type, d]));

describe('firm properties', () => {
  it('random command sequences never break the invariants, and folding is deterministic', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(command, actor), { minLength: 10, maxLength: 60 }), fc.constantFrom(0, 1, 2), (randomSteps, opening) => {
        // Most runs start from an open firm (half of those a partner), so sequences explore more than refusals.
        const prefix: Array<[FirmCommand, typeof alice]> = [
          [b.createFirm(), alice],
          [b.enablePartnerFeatures(true), platform],
        ];
        const steps = [...prefix.slice(0, opening), ...randomSteps];
        let state = firmDecider.initialState;
        const history: FirmEvent[] = [];
        let ids = 0;
        for (const [cmd, who] of steps) {
          let decided: FirmEvent[];
          try {
            decided = firmDecider.decide(cmd, state, testContext({ actor: who, newId: () => `gen-${++ids}` }));
          } catch (error) {
            if (error instanceof PortalError) continue;
            throw error;
          }
          for (const event of decided) {
            definitions.get(event.type)!.schema.parse(event.data);
            state = firmDecider.evolve(state, event);
            history.push(event);
          }
          checkInvariants(state);
        }
        expect(fold(firmDecider, history)).toEqual(state);
        expect(fold(firmDecider, history)).toEqual(fold(firmDecider, history));
      }),
      { numRuns: 300 },
    );
  });
});
